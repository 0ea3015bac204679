"""The audit trail in the Wagtail admin: a read-only listing with filters, and each object's «Cronologia».

Only users with `core.view_auditentry` (superusers, and the City's «Redazione del Comune» through the
migration that grants it) see the listing. An object's history is the listing filtered on its type and
id: `history_url(obj)`; `render_history(obj)` is the same history as an HTML list for inspect views
(`HistoryInspectMixin` shows it as their «Cronologia» field).
"""

from urllib.parse import urlencode

import django_filters
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import ContentTypeFilter, DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.viewsets.model import ModelViewSet

from core.audit import ACTION_LABELS, history_for
from core.models import AuditEntry
from core.permissions import WRITES, RefusingPolicy


class AuditPermissionPolicy(RefusingPolicy):
    """The trail is read, never written, through the admin: entries come only from core.audit.log_action."""

    refused = WRITES


def _action_choices():
    return sorted(((code, f"{label} ({code})") for code, label in ACTION_LABELS.items()), key=lambda c: c[0])


class AuditFilterSet(WagtailFilterSet):
    action = django_filters.ChoiceFilter(label=_("Azione"), choices=_action_choices)
    action_prefix = django_filters.CharFilter(
        label=_("Azione che inizia con"), field_name="action", lookup_expr="startswith"
    )
    actor = django_filters.CharFilter(label=_("Chi (nome utente)"), method="filter_actor")
    timestamp = django_filters.DateFromToRangeFilter(label=_("Data"), widget=DateRangePickerWidget)
    content_type = ContentTypeFilter(
        label=_("Tipo di oggetto"),
        queryset=lambda request: ContentType.objects.filter(
            pk__in=AuditEntry.objects.values("content_type").distinct()
        ).order_by("model"),
    )
    object_id = django_filters.NumberFilter(label=_("Id dell'oggetto"))

    class Meta:
        model = AuditEntry
        fields = []

    def filter_actor(self, queryset, name, value):
        return queryset.filter(actor__username__iexact=value) | queryset.filter(actor_label__iexact=value)


def history_url(obj) -> str:
    """The admin listing of the trail, filtered on this object: its «Cronologia»."""
    query = {"content_type": ContentType.objects.get_for_model(type(obj)).pk, "object_id": obj.pk}
    return f"{reverse('core_auditentry:index')}?{urlencode(query)}"


def render_history(obj):
    """The object's history as an HTML list (for inspect views): when, what, from → to, who, why."""
    rows = [
        (
            f"{entry.timestamp:%d/%m/%Y %H:%M}",
            entry.action_label(),
            f" ({entry.from_label() or '—'} → {entry.to_label()})" if entry.to_state else "",
            entry.who(),
            f" — {entry.reason}" if entry.reason else "",
        )
        for entry in history_for(obj)
    ]
    if not rows:
        return "-"
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {}{}, {}{}</li>", rows))


class HistoryInspectMixin:
    """For a Wagtail InspectView whose `inspect_view_fields` name "history": that field is labelled «Cronologia»
    and shows the object's history from the audit trail (`render_history`)."""

    def get_field_label(self, field_name, field):
        if field_name == "history":
            return _("Cronologia")
        return super().get_field_label(field_name, field)

    def get_history_display_value(self):
        return render_history(self.object)


class AuditEntryViewSet(ModelViewSet):
    model = AuditEntry
    name = "core_auditentry"
    url_prefix = "registro-attivita"
    icon = "history"
    menu_label = _("Registro delle attività")
    add_to_admin_menu = True
    menu_order = 9900
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["timestamp", "action_label", "content_type", "object_id", "from_label", "to_label", "who"]
    filterset_class = AuditFilterSet
    ordering = ["-timestamp", "-pk"]
    list_per_page = 50
    inspect_view_fields = [
        "timestamp",
        "action",
        "content_type",
        "object_id",
        "from_state",
        "to_state",
        "actor",
        "actor_label",
        "reason",
        "data",
        "redacted_at",
    ]
    form_fields = ["reason"]

    def get_queryset(self, request):
        return AuditEntry.objects.select_related("actor", "content_type")
