"""The voucher call in the Wagtail admin, for the «Ufficio voucher» group (permissions from migration 0002)."""

from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from core.admin_menu import register_viewset_group
from core.permissions import WRITES, RefusingPolicy
from vouchercall import admin_views
from vouchercall.models import Appeal, Application, Call, Ranking


class NoAddDeletePolicy(RefusingPolicy):
    """Applications come from families, rankings and appeals from their services: never added or deleted here."""

    refused = frozenset({"add", "delete"})


class ReadOnlyPolicy(RefusingPolicy):
    """Rankings and appeals are not edited here either: they change only through vouchercall.services."""

    refused = WRITES


register_permission_policy(Application, NoAddDeletePolicy(Application))
register_permission_policy(Appeal, ReadOnlyPolicy(Appeal))
register_permission_policy(Ranking, ReadOnlyPolicy(Ranking))


class LinkColumn(Column):
    """A column whose cell links to one of our own admin pages (`url_name` with the row's pk)."""

    def __init__(self, name, url_name, **kwargs):
        super().__init__(name, **kwargs)
        self.url_name = url_name

    def get_value(self, instance):
        return format_html(
            '<a href="{}">{}</a>', reverse(self.url_name, args=[instance.pk]), getattr(instance, self.name)
        )


class CallViewSet(ModelViewSet):
    name = "vouchercall_call"
    url_prefix = "vouchercall/call"
    model = Call
    icon = "doc-full-inverse"
    menu_label = _("Bandi voucher famiglie")
    copy_view_enabled = False
    list_display = [
        "__str__",
        "opens_at",
        "closes_at",
        "fit_rule",
        LinkColumn("pk", "vouchercall_call_ranking", label=_("Graduatorie")),
    ]
    edit_handler = ObjectList(Call.panels, base_form_class=admin_views.CallForm)
    add_view_class = admin_views.CallCreateView
    edit_view_class = admin_views.CallEditView


class ApplicationViewSet(ModelViewSet):
    name = "vouchercall_application"
    url_prefix = "vouchercall/application"
    model = Application
    icon = "form"
    menu_label = _("Domande voucher")
    copy_view_enabled = False
    index_view_class = admin_views.ApplicationIndexView
    edit_view_class = admin_views.ApplicationEditView
    index_template_name = "vouchercall/admin/application_index.html"
    form_fields = ["isee_type", "isee_value", "dsu_protocol", "isee_date", "minors_in_household"]
    list_display = [
        LinkColumn("protocol", "vouchercall_application_detail", label=_("Protocollo")),
        "call",
        "state",
        "isee_checked",
        "regularise_by",
        "sent_at",
    ]
    list_filter = ["call", "state", "isee_checked"]
    search_fields = ["protocol"]
    list_per_page = 50

    def get_form_class(self, for_update=False):
        return admin_views.ApplicationForm

    def get_queryset(self, request):
        return Application.objects.select_related("call__money_call")


class AppealViewSet(ModelViewSet):
    name = "vouchercall_appeal"
    url_prefix = "vouchercall/appeal"
    model = Appeal
    icon = "help"
    menu_label = _("Richieste di riesame")
    copy_view_enabled = False
    list_display = [
        LinkColumn("application", "vouchercall_appeal_detail", label=_("Domanda")),
        "state",
        "created_at",
        "decided_at",
    ]
    list_filter = ["state"]
    form_fields = ["decision_reason"]  # never used: decisions go through the appeal page (services.decide_appeal)

    def get_queryset(self, request):
        return Appeal.objects.select_related("application")


class RankingViewSet(ModelViewSet):
    name = "vouchercall_ranking"
    url_prefix = "vouchercall/ranking"
    model = Ranking
    icon = "list-ol"
    menu_label = _("Graduatorie")
    copy_view_enabled = False
    inspect_view_enabled = True
    form_fields = ["seed"]  # never used: the policy refuses changes; rankings come from services.compute_ranking
    list_display = ["__str__", "computed_at", "funded_count", "funded_total", "inputs_hash", "granted_at"]
    inspect_view_fields = [
        "call",
        "kind",
        "rule_version",
        "seed",
        "budget",
        "fit_rule",
        "inputs_hash",
        "funded_count",
        "funded_total",
        "computed_at",
        "granted_at",
        "changes",
    ]


register_viewset_group(
    _("Avviso voucher famiglie"),
    "vouchercall",
    "doc-full-inverse",
    (CallViewSet, ApplicationViewSet, AppealViewSet, RankingViewSet),
)


@hooks.register("register_admin_urls")
def register_urls():
    return [
        path("vouchercall/domanda/<int:pk>/", admin_views.application_detail, name="vouchercall_application_detail"),
        path(
            "vouchercall/domanda/<int:pk>/<slug:action>/",
            admin_views.application_action,
            name="vouchercall_application_action",
        ),
        path("vouchercall/riesame/<int:pk>/", admin_views.appeal_detail, name="vouchercall_appeal_detail"),
        path(
            "vouchercall/riesame/<int:pk>/documento/", admin_views.appeal_document, name="vouchercall_appeal_document"
        ),
        path("vouchercall/bando/<int:pk>/graduatorie/", admin_views.call_ranking, name="vouchercall_call_ranking"),
        path(
            "vouchercall/bando/<int:pk>/graduatorie/<slug:action>/",
            admin_views.call_ranking_action,
            name="vouchercall_call_ranking_action",
        ),
    ]
