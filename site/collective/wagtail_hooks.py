from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from collective import admin_report_views, admin_views, services
from collective.models import CollectiveCall, CommitteeMember, Criterion, Referrer, Window
from core.admin_menu import register_menu_item, register_viewset_group


@hooks.register("register_admin_urls")
def register_collective_urls():
    return [
        path("collective/domande/", admin_views.application_list, name="collective_applications"),
        path("collective/domande/<int:pk>/", admin_views.application_detail, name="collective_application"),
        path(
            "collective/domande/progetti/<int:pk>/partecipanti/",
            admin_views.provider_participants,
            name="collective_provider_participants",
        ),
        path("collective/commissione/", admin_views.committee_home, name="collective_committee"),
        path("collective/commissione/<int:call_id>/", admin_views.committee_call, name="collective_committee_call"),
        path(
            "collective/commissione/<int:call_id>/dichiarazione/",
            admin_views.declaration,
            name="collective_declaration",
        ),
        path(
            "collective/commissione/progetti/<int:pk>/",
            admin_views.committee_project,
            name="collective_committee_project",
        ),
        path("collective/avvisi/<int:pk>/esito/", admin_views.call_outcome, name="collective_call_outcome"),
        path(
            "collective/avvisi/progetti/<int:pk>/partecipanti/",
            admin_views.city_participants,
            name="collective_city_participants",
        ),
        path(
            "collective/domande/progetti/<int:pk>/rendicontazione/",
            admin_report_views.provider_report,
            name="collective_provider_report",
        ),
        path(
            "collective/avvisi/progetti/<int:pk>/rendicontazione/",
            admin_report_views.city_report,
            name="collective_city_report",
        ),
        path("collective/spese/<int:pk>/documento/", admin_report_views.cost_document, name="collective_cost_document"),
        path("collective/avvisi/<int:pk>/contributi/", admin_report_views.call_grants, name="collective_call_grants"),
        path("collective/avvisi/<int:pk>/esporta/", admin_report_views.call_export, name="collective_call_export"),
    ]


register_menu_item(
    _("Voucher collettivi: domande"),
    "collective_applications",
    icon="doc-full",
    order=260,
    shown_to=services.provider_ids,
)
register_menu_item(
    _("Commissione voucher collettivi"),
    "collective_committee",
    icon="form",
    order=270,
    shown_to=lambda user: services.is_city(user) or CommitteeMember.objects.filter(user=user).exists(),
)


class CallViewSet(ModelViewSet):
    name = "collective_call"
    url_prefix = "collective/call"
    model = CollectiveCall
    icon = "doc-full"
    menu_label = _("Avvisi voucher collettivi")
    copy_view_enabled = False
    form_fields = [
        "name",
        "code",
        "budget",
        "activities_end",
        "threshold",
        "reserved_share",
        "tie_rule",
        "reconciliation_gap",
        "advance_share",
    ]
    list_display = ["name", "code", "budget", "activities_end", "committee_closed_at"]


class WindowViewSet(ModelViewSet):
    name = "collective_window"
    url_prefix = "collective/window"
    model = Window
    icon = "date"
    menu_label = _("Finestre")
    copy_view_enabled = False
    form_fields = ["call", "opens_at", "closes_at"]
    list_display = ["call", "opens_at", "closes_at"]


class CriterionViewSet(ModelViewSet):
    name = "collective_criterion"
    url_prefix = "collective/criterion"
    model = Criterion
    icon = "list-ol"
    menu_label = _("Criteri di valutazione")
    copy_view_enabled = False
    form_fields = ["call", "order", "title", "weight", "level_zero", "level_half", "level_full"]
    list_display = ["call", "order", "title", "weight"]


class MemberViewSet(ModelViewSet):
    name = "collective_member"
    url_prefix = "collective/member"
    model = CommitteeMember
    icon = "user"
    menu_label = _("Commissione")
    copy_view_enabled = False
    form_fields = ["call", "user"]
    list_display = ["call", "user", "declared_at"]


class ReferrerViewSet(ModelViewSet):
    name = "collective_referrer"
    url_prefix = "collective/referrer"
    model = Referrer
    icon = "site"
    menu_label = _("Servizi segnalanti")
    copy_view_enabled = False
    form_fields = ["name", "kind"]
    list_display = ["name", "kind"]


register_viewset_group(
    _("Voucher collettivi"),
    "collective",
    "doc-full",
    (CallViewSet, WindowViewSet, CriterionViewSet, MemberViewSet, ReferrerViewSet),
)
