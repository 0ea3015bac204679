"""`log_action` and `history_for`: the only way to write and read the audit trail (pretix's idea, our code).

Action codes are dotted, English, stable: "<app>.<object>.<what>" for state changes and decisions
("booking.request.quoted", "catalog.application.approved"), "voucher.ledger.<kind>" for money on a
voucher, "booking.rating.approved" for moderation, "booking.ranking.imported" for imports,
"sensitive.read" for a privileged read of personal data, "privacy.<what>" for exports and erasure.
What people read is `action_label(code)`: Italian, from ACTION_LABELS (unknown codes show as they are).
"""

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from core.models import AuditEntry

ACTION_LABELS = {
    "booking.request.sent": _("Richiesta inviata"),
    "booking.request.quoted": _("Preventivo inviato"),
    "booking.request.declined": _("Richiesta rifiutata dall'ente"),
    "booking.request.expired": _("Richiesta scaduta"),
    "booking.request.withdrawn": _("Richiesta ritirata"),
    "booking.quote.offered": _("Preventivo ricevuto"),
    "booking.quote.accepted": _("Preventivo accettato"),
    "booking.quote.rejected": _("Preventivo rifiutato"),
    "booking.quote.expired": _("Preventivo scaduto"),
    "booking.order.created": _("Acquisto creato"),
    "booking.order.paid": _("Acquisto pagato"),
    "booking.order.completed": _("Servizio concluso"),
    "booking.order.cancelled": _("Acquisto annullato"),
    "booking.rating.approved": _("Commento pubblicato"),
    "booking.rating.rejected": _("Commento non pubblicato"),
    "booking.ranking.imported": _("Graduatoria importata"),
    "voucher.ledger.grant": _("Voucher: assegnazione"),
    "voucher.ledger.redemption": _("Voucher: pagamento"),
    "voucher.ledger.reversal": _("Voucher: storno"),
    "voucher.ledger.refund": _("Voucher: rimborso"),
    "voucher.ledger.expiry": _("Voucher: scadenza"),
    "voucher.redemption.reversed": _("Voucher: pagamento stornato dall'Ufficio voucher"),
    "voucher.wallet.suspended": _("Voucher sospeso"),
    "voucher.wallet.restored": _("Voucher riattivato"),
    "voucher.wallet.revoked": _("Voucher: importo revocato"),
    "voucher.ledger.revocation": _("Voucher: revoca"),
    "catalog.application.submitted": _("Domanda all'Elenco inviata"),
    "catalog.application.approved": _("Domanda all'Elenco ammessa"),
    "catalog.application.rejected": _("Domanda all'Elenco respinta"),
    "settlement.statement.draft": _("Rendiconto: bozza preparata"),
    "settlement.statement.submitted": _("Rendiconto inviato al Comune"),
    "settlement.statement.sent_back": _("Rendiconto rinviato all'ente"),
    "settlement.statement.approved": _("Rendiconto approvato"),
    "settlement.statement.paid": _("Rendiconto pagato"),
    "settlement.statement.accounted": _("Rendiconto contabilizzato"),
    "settlement.statement.discarded": _("Rendiconto annullato"),
    "settlement.payment_details.submitted": _("Dati di pagamento dell'ente inviati"),
    "settlement.payment_details.verified": _("Dati di pagamento dell'ente verificati"),
    "settlement.payment_details.rejected": _("Dati di pagamento dell'ente respinti"),
    "sensitive.read": _("Lettura di dati personali protetti"),
    "privacy.export": _("Dati scaricati dalla famiglia"),
    "privacy.erasure": _("Dati personali cancellati su richiesta"),
}


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def _actor(actor):
    """A user with a primary key, or None (the system, an anonymous visitor)."""
    if actor is None or isinstance(actor, AnonymousUser) or getattr(actor, "pk", None) is None:
        return None
    return actor


def log_action(
    actor,
    action: str,
    obj,
    data: dict | None = None,
    *,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry to the trail and return it.

    actor: the user who acted, or None for the system (then `actor_label` says which part, e.g. "scadenze").
    action: a dotted code (see the module docstring). obj: any saved model instance with an integer pk.
    data: a JSON-able dict of ids, amounts (EUR as strings), codes and field names, never personal data.
    Call it inside the transaction that makes the change, so the fact and its record commit together.
    """
    user = _actor(actor)
    return AuditEntry.objects.create(
        actor=user,
        actor_label=(actor_label or (user.get_username() if user else ""))[:150],
        action=action,
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
    )


def log_sensitive_read(actor, obj, fields: list[str], via: str, **data) -> AuditEntry:
    """A privileged read of personal data (GDPR art. 5(2) accountability, issue 18 item 7).

    fields: the model fields shown (e.g. ["fiscal_code", "birth_date"]); via: the view that showed them.
    """
    return log_action(actor, "sensitive.read", obj, {"fields": sorted(fields), "via": via, **data})


def log_sensitive_reads(actor, objects, fields: list[str], via: str) -> int:
    """One "sensitive.read" entry per object shown (a listing page), written in one query; returns how many."""
    user = _actor(actor)
    entries = [
        AuditEntry(
            actor=user,
            actor_label=user.get_username() if user else "",
            action="sensitive.read",
            content_type=ContentType.objects.get_for_model(type(obj)),
            object_id=obj.pk,
            data={"fields": sorted(fields), "via": via},
        )
        for obj in objects
    ]
    AuditEntry.objects.bulk_create(entries)
    return len(entries)


def history_for(obj, *, states_only: bool = False):
    """The object's entries, oldest first, with their actors; `states_only` keeps the state changes."""
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).select_related("actor")
    if states_only:
        entries = entries.exclude(to_state="")
    return entries
