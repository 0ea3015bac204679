from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from booking import admin_views, provider_views
from booking.models import Child, Guardian, LedgerEntry, VoucherCall, Wallet
from core.admin_guards import ProtectedAwareDeleteView, refuse_protected_delete
from core.admin_menu import has_permission, register_menu_item, register_viewset_group
from core.permissions import WRITES, RefusingPolicy


class ReadOnlyPolicy(RefusingPolicy):
    """Staff may look at personal data and ledger entries; changes go through the family or the voucher services."""

    refused = WRITES


class WalletPolicy(RefusingPolicy):
    """Wallets are created (with their grant); never edited or deleted."""

    refused = frozenset({"change", "delete"})


for model in (Guardian, Child, LedgerEntry):
    register_permission_policy(model, ReadOnlyPolicy(model))
register_permission_policy(Wallet, WalletPolicy(Wallet))


class GuardianViewSet(ModelViewSet):
    name = "booking_guardian"
    url_prefix = "booking/guardian"
    model = Guardian
    icon = "user"
    menu_label = _("Genitori")
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["first_name", "last_name", "email", "phone", "municipio"]
    list_display = ["last_name", "first_name", "fiscal_code", "fiscal_code_verified", "municipio"]
    list_filter = ["fiscal_code_verified", "municipio"]
    search_fields = ["last_name", "first_name", "fiscal_code", "email"]


class ChildViewSet(ModelViewSet):
    name = "booking_child"
    url_prefix = "booking/child"
    model = Child
    icon = "group"
    menu_label = _("Figlie e figli")
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["first_name", "birth_date"]
    list_display = ["first_name", "fiscal_code", "birth_date", "guardian"]
    search_fields = ["first_name", "fiscal_code"]
    index_view_class = admin_views.ChildIndexView
    inspect_view_class = admin_views.ChildInspectView

    def get_queryset(self, request):
        return Child.objects.select_related("guardian")


class VoucherCallViewSet(ModelViewSet):
    name = "booking_vouchercall"
    url_prefix = "booking/vouchercall"
    model = VoucherCall
    icon = "doc-full"
    menu_label = _("Avvisi voucher")
    copy_view_enabled = False
    delete_view_class = ProtectedAwareDeleteView
    form_fields = ["name", "code", "budget", "valid_from", "valid_until"]
    list_display = ["name", "code", "budget", "valid_from", "valid_until"]


class WalletViewSet(ModelViewSet):
    model = Wallet
    icon = "tag"
    menu_label = _("Voucher")
    name = "booking_wallet"
    url_prefix = "booking/wallet"
    inspect_view_enabled = True
    copy_view_enabled = False
    add_view_class = admin_views.WalletCreateView
    index_view_class = admin_views.WalletIndexView
    inspect_view_class = admin_views.WalletInspectView
    list_display = ["call", "child", "holder", "value", "balance", "valid_until"]
    list_filter = ["call"]
    search_fields = ["child__fiscal_code", "holder__fiscal_code"]
    inspect_view_fields = [
        "call",
        "child",
        "holder",
        "value",
        "balance",
        "valid_from",
        "valid_until",
        "created_at",
        "history",
    ]

    def get_form_class(self, for_update=False):
        return admin_views.WalletForm

    def get_queryset(self, request):
        return Wallet.objects.with_balance().select_related("call", "child", "holder")


class LedgerEntryViewSet(ModelViewSet):
    name = "booking_ledgerentry"
    url_prefix = "booking/ledgerentry"
    model = LedgerEntry
    icon = "list-ul"
    menu_label = _("Movimenti voucher")
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = ["memo"]
    list_display = ["created_at", "wallet", "kind", "amount", "actor", "memo"]
    list_filter = ["kind"]

    def get_queryset(self, request):
        return LedgerEntry.objects.select_related("wallet__call", "wallet__child", "actor")


register_viewset_group(
    _("Famiglie e voucher"),
    "families",
    "group",
    (GuardianViewSet, ChildViewSet, VoucherCallViewSet, WalletViewSet, LedgerEntryViewSet),
)


@hooks.register("before_delete_user")
def keep_users_with_protected_records(request, user):
    """Refuse deleting a user that money, messages or a family still reference (PROTECT), explaining why.

    A family's user is never deleted from the admin: its personal data go through the family's data erasure
    (booking.privacy.erase_family), which keeps the voucher movements anonymised.
    """
    hint = ""
    if Guardian.objects.filter(user=user).exists():
        hint = _(
            "È l'utente di una famiglia: i suoi dati personali si cancellano con la cancellazione dei dati della "
            "famiglia (pagina «I tuoi dati su Milano 0.18», «Cancella i tuoi dati»), che conserva anonimi i "
            "movimenti dei voucher."
        )
    return refuse_protected_delete(request, user, reverse("wagtailusers_users:edit", args=[user.pk]), str(hint))


@hooks.register("register_admin_urls")
def register_import_url():
    return [path("booking/import-ranking/", admin_views.import_ranking, name="booking_import_ranking")]


register_menu_item(
    _("Importa graduatoria voucher"),
    "booking_import_ranking",
    icon="upload",
    order=9000,
    shown_to=has_permission("booking.add_wallet"),
)


@hooks.register("register_admin_urls")
def register_marketplace_urls():
    return [
        path("booking/richieste/", provider_views.request_list, name="booking_provider_requests"),
        path("booking/richieste/<int:pk>/", provider_views.request_detail, name="booking_provider_request"),
        path("booking/allegati/<int:pk>/", provider_views.attachment, name="booking_provider_attachment"),
        path("booking/gradimenti/", provider_views.moderation, name="booking_rating_moderation"),
    ]


register_menu_item(
    _("Richieste delle famiglie"),
    "booking_provider_requests",
    icon="mail",
    order=250,
    shown_to=provider_views.provider_ids,
)
register_menu_item(
    _("Moderazione gradimenti"),
    "booking_rating_moderation",
    icon="comment",
    order=9100,
    shown_to=has_permission("booking.change_rating"),
)
