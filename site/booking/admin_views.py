"""Staff views in the Wagtail admin: granting a wallet, importing a ranking, reading children's data (logged)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic import CreateView, IndexView, InspectView

from booking import imports, vouchers
from booking.forms import RankingImportForm
from booking.models import Child, Wallet
from core.admin_views import HistoryInspectMixin
from core.audit import log_sensitive_reads

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class WalletForm(WagtailAdminModelForm):
    class Meta:
        model = Wallet
        fields = ["call", "child", "holder", "value", "valid_from", "valid_until"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("valid_from", "valid_until"):
            self.fields[name].required = False
            self.fields[name].help_text = gettext_lazy("Se vuoto, quello dell'avviso.")

    def clean(self):
        data = super().clean()
        call = data.get("call")
        if call:
            data["valid_from"] = data.get("valid_from") or call.valid_from
            data["valid_until"] = data.get("valid_until") or call.valid_until
            self.instance.valid_from, self.instance.valid_until = data["valid_from"], data["valid_until"]
        child, holder = data.get("child"), data.get("holder")
        if child and holder and child.guardian_id != holder.pk:
            self.add_error("holder", _("Il titolare deve essere il genitore registrato della figlia o del figlio."))
        return data


class WalletCreateView(CreateView):
    """A wallet is only ever created with its grant entry, through booking.vouchers."""

    def save_instance(self):
        data = self.form.cleaned_data
        return vouchers.create_wallet(
            child=data["child"],
            holder=data["holder"],
            call=data["call"],
            value=data["value"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            actor=self.request.user,
        )


class SensitiveReadMixin:
    """Every staff view that shows a child's codice fiscale or birth date logs the read (issue 18 item 7).

    `children_shown(objects)` gives the children whose data the page shows (the listing's page, or the one
    object inspected); one "sensitive.read" entry per child per page view, with the fields shown and the view.
    """

    sensitive_fields = ["fiscal_code", "birth_date"]

    def children_shown(self, objects) -> list[Child]:
        return list(objects)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shown = context.get("object_list")  # a listing's page; an inspect view has its one object
        if shown is None:
            shown = [self.object]
        log_sensitive_reads(
            self.request.user,
            self.children_shown(shown),
            self.sensitive_fields,
            via=self.request.resolver_match.view_name,
        )
        return context


class ChildIndexView(SensitiveReadMixin, IndexView):
    pass


class ChildInspectView(SensitiveReadMixin, InspectView):
    pass


class WalletReadMixin(SensitiveReadMixin):
    """A wallet shows its beneficiary as «first name (codice fiscale)»."""

    sensitive_fields = ["fiscal_code"]

    def children_shown(self, objects):
        return [wallet.child for wallet in objects]


class WalletIndexView(WalletReadMixin, IndexView):
    pass


class WalletInspectView(WalletReadMixin, HistoryInspectMixin, InspectView):
    """A wallet's facts, its beneficiary (a logged read) and its «Cronologia» from the audit trail."""


def import_ranking(request):
    if not request.user.has_perm("booking.add_wallet"):
        raise PermissionDenied
    form = RankingImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", forms.ValidationError(_("Il file supera i 5 MB.")))
        else:
            result = imports.import_ranking(upload.read(), actor=request.user, filename=upload.name)
            if result.ok:
                messages.success(
                    request,
                    _("Graduatoria importata: %(created)d voucher assegnati, %(skipped)d già presenti.")
                    % {"created": result.created, "skipped": result.skipped},
                )
                return redirect(reverse("booking_wallet:index"))
    return TemplateResponse(
        request,
        "booking/admin/import_ranking.html",
        {"form": form, "result": result, "columns": imports.COLUMNS},
    )
