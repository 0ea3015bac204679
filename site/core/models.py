"""The one audit trail: who did what to which object, when, from which state to which, and why.

Entries are appended through `core.audit.log_action` and never edited or deleted (the queryset and the
model refuse; on PostgreSQL a trigger refuses too). The only change allowed is the erasure redaction
(`AuditEntryQuerySet.redact`): it blanks the free-text fields (reason, actor label) of entries about a
family that asked for erasure, and stamps `redacted_at`; the trigger lets through nothing else.
`data` never holds personal data: ids, amounts (EUR, as strings), codes and field names only.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import AppendOnlyError


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk updates and deletes (AppendOnlyError): the rows of an append-only model are only ever added."""

    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model.append_only_rows} cannot be updated.")

    def delete(self):
        raise AppendOnlyError(f"{self.model.append_only_rows} cannot be deleted.")


class AppendOnlyModel(models.Model):
    """A row written once and never changed nor deleted (the audit trail, the voucher ledger, the grant payments).

    `save` of a stored row and `delete` raise AppendOnlyError, and so do `objects.update()` / `.delete()`; on
    PostgreSQL each table's trigger (in its app's migrations) refuses the same in the database.
    `append_only_rows` names the rows in the errors' messages ("Ledger entries cannot be updated.").

    Wagtail's reference index leaves these rows out (`wagtail_reference_index_ignore`): it fed only the admin's
    «Utilizzo» counts of what a row points at (users, content types, vouchers, projects, other entries), screens
    that no one reaches for those targets (users and content types have none; vouchers and entries refuse «change»
    and «delete»), and it cost five to six queries per row written. Deleting what a row points at is refused by
    the PROTECT foreign keys (`core.admin_guards.deletion_blockers`), not by the index.
    """

    append_only_rows = "Entries"
    wagtail_reference_index_ignore = True

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{self.append_only_rows} cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self.append_only_rows} cannot be deleted.")


class AuditEntryQuerySet(AppendOnlyQuerySet):
    def redact(self) -> int:
        """Blank the free text of these entries (GDPR erasure); returns how many entries were redacted."""
        return models.QuerySet.update(
            self.filter(redacted_at__isnull=True), reason="", actor_label="", redacted_at=timezone.now()
        )


class AuditEntry(AppendOnlyModel):
    """One fact of the trail. `action` is a dotted code: "booking.order.paid", "sensitive.read", ..."""

    timestamp = models.DateTimeField(_("quando"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(
        _("chi (come registrato)"),
        max_length=150,
        blank=True,
        help_text=_("Il nome utente al momento dell'azione, o il sistema che l'ha eseguita."),
    )
    action = models.CharField(_("azione"), max_length=100)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("tipo di oggetto"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("id dell'oggetto"))
    from_state = models.CharField(_("da"), max_length=30, blank=True)
    to_state = models.CharField(_("a"), max_length=30, blank=True)
    reason = models.TextField(_("motivo"), blank=True)
    data = models.JSONField(_("dati"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    redacted_at = models.DateTimeField(_("oscurato il"), null=True, blank=True, editable=False)

    append_only_rows = "Audit entries"
    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("voce del registro delle attività")
        verbose_name_plural = _("registro delle attività")
        ordering = ["timestamp", "pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "timestamp"], name="core_audit_object_time"),
            models.Index(fields=["action", "timestamp"], name="core_audit_action_time"),
            models.Index(fields=["actor", "timestamp"], name="core_audit_actor_time"),
        ]

    def __str__(self) -> str:
        if self.to_state:
            return f"{self.action_label()}: {self.from_label() or '—'} → {self.to_label()}"
        return str(self.action_label())

    def model_class(self):
        return ContentType.objects.get_for_id(self.content_type_id).model_class()

    def action_label(self) -> str:
        from core.audit import action_label

        return action_label(self.action)

    action_label.short_description = _("azione")

    def _state_label(self, value: str) -> str:
        """The state's name as people read it ("Preventivo ricevuto", not "quoted"); content types are cached."""
        if not value:
            return ""
        model = self.model_class()
        for name in ("state", "status", "moderation"):
            try:
                field = model._meta.get_field(name)
            except (AttributeError, FieldDoesNotExist):
                continue
            return str(dict(field.flatchoices).get(value, value))
        return value

    def from_label(self) -> str:
        return self._state_label(self.from_state)

    from_label.short_description = _("da")

    def to_label(self) -> str:
        return self._state_label(self.to_state)

    to_label.short_description = _("a")

    def who(self) -> str:
        """Who acted, as staff read it: the user's name now, else the label recorded then, else «sistema»."""
        if self.actor_id and self.actor:
            return self.actor.get_username()
        return self.actor_label or str(_("sistema"))

    who.short_description = _("chi")
