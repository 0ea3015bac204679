"""Admin: the page-feedback report (Reports menu) and the accessibility reports (ModelViewSet)."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page

from core.admin_menu import has_permission, register_menu_item
from legal.models import AccessibilityFeedback, PageFeedback

LATEST_COMMENTS = 30


def feedback_report_rows() -> list[dict]:
    """One row per rated page, most votes first: page, votes, useful, not useful, % useful (int), last vote."""
    rows = list(
        PageFeedback.objects.values("page")
        .annotate(votes=Count("id"), useful=Count("id", filter=Q(useful=True)), last=Max("created_at"))
        .order_by("-votes", "page")
    )
    pages = Page.objects.in_bulk([row["page"] for row in rows])
    for row in rows:
        row["page"] = pages[row["page"]]
        row["not_useful"] = row["votes"] - row["useful"]
        row["percent_useful"] = round(100 * row["useful"] / row["votes"])
    return rows


def feedback_report(request):
    """Counts per page, % useful and the latest reasons and comments; needs `legal.view_pagefeedback`."""
    if not request.user.has_perm("legal.view_pagefeedback"):
        raise PermissionDenied
    latest = (
        PageFeedback.objects.exclude(reason="", comment="")
        .select_related("page")
        .order_by("-created_at")[:LATEST_COMMENTS]
    )
    return render(
        request,
        "legal/admin/feedback_report.html",
        {"rows": feedback_report_rows(), "latest": latest, "header_title": _("Valuta questo servizio")},
    )


@hooks.register("register_admin_urls")
def register_report_url():
    return [path("reports/valutazioni/", feedback_report, name="legal_feedback_report")]


register_menu_item(
    _("Valutazioni delle pagine"),
    "legal_feedback_report",
    icon="pick",
    order=900,
    shown_to=has_permission("legal.view_pagefeedback"),
    hook="register_reports_menu_item",
)


class AccessibilityFeedbackViewSet(ModelViewSet):
    """Staff read the reports and mark them handled; visitors' text is never edited."""

    model = AccessibilityFeedback
    icon = "warning"
    menu_label = _("Segnalazioni di accessibilità")
    add_to_admin_menu = True
    menu_order = 950
    list_display = ["created_at", "description", "page_url", "email", "handled"]
    list_filter = ["handled"]
    form_fields = ["handled", "staff_notes"]
    inspect_view_enabled = True
    search_fields = ["description", "page_url"]


@hooks.register("register_admin_viewset")
def register_accessibility_feedback_viewset():
    return AccessibilityFeedbackViewSet("accessibility_feedback")
