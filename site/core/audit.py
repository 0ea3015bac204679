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
    "voucher.ledger.revocation": _("Voucher: revoca"),
    "voucher.revoked": _("Voucher revocato"),
    "vouchercall.application.sent": _("Domanda di voucher inviata"),
    "vouchercall.application.updated": _("Domanda di voucher modificata"),
    "vouchercall.application.corrected": _("Domanda di voucher corretta dall'ufficio"),
    "vouchercall.application.to_regularise": _("Domanda di voucher da regolarizzare"),
    "vouchercall.application.withdrawn": _("Domanda di voucher ritirata"),
    "vouchercall.application.excluded": _("Domanda di voucher esclusa"),
    "vouchercall.application.funded": _("Domanda di voucher finanziata"),
    "vouchercall.appeal.pending": _("Richiesta di riesame presentata"),
    "vouchercall.appeal.accepted": _("Richiesta di riesame accolta"),
    "vouchercall.appeal.rejected": _("Richiesta di riesame respinta"),
    "vouchercall.call.created": _("Bando voucher creato"),
    "vouchercall.call.updated": _("Bando voucher modificato"),
    "vouchercall.call.seed_drawn": _("Seme del sorteggio estratto"),
    "vouchercall.ranking.provisional": _("Graduatoria provvisoria calcolata"),
    "vouchercall.ranking.final": _("Graduatoria definitiva calcolata"),
    "vouchercall.ranking.granted": _("Voucher della graduatoria assegnati"),
    "vouchercall.ranking.verified": _("Graduatoria ricalcolata e verificata"),
    "vouchercall.rerank.step": _("Scorrimento della graduatoria"),
    "vouchercall.wallet.renounced": _("Rinuncia al voucher"),
    "voucher.redemption.reversed": _("Voucher: pagamento stornato dall'Ufficio voucher"),
    "voucher.wallet.suspended": _("Voucher sospeso"),
    "voucher.wallet.restored": _("Voucher riattivato"),
    "voucher.wallet.revoked": _("Voucher: importo revocato"),
    "collective.application.created": _("Domanda di voucher collettivo creata"),
    "collective.application.submitted": _("Domanda di voucher collettivo inviata"),
    "collective.application.withdrawn": _("Domanda di voucher collettivo ritirata"),
    "collective.project.saved": _("Micro-progetto salvato"),
    "collective.member.declared": _("Dichiarazione sui conflitti di interesse"),
    "collective.score.recorded": _("Valutazione della commissione registrata"),
    "collective.project.reconciled": _("Punteggio concordato dalla commissione"),
    "collective.call.committee_closed": _("Commissione chiusa e finanziamenti decisi"),
    "collective.call.published": _("Esiti dei voucher collettivi pubblicati"),
    "collective.participant.added": _("Partecipante aggiunto al micro-progetto"),
    "collective.list.accepted": _("Elenco nominativo accettato"),
    "collective.grant.advance": _("Voucher collettivo: anticipo pagato"),
    "collective.grant.balance": _("Voucher collettivo: saldo pagato"),
    "collective.report.session_added": _("Rendicontazione: incontro registrato"),
    "collective.report.cost_added": _("Rendicontazione: spesa registrata"),
    "collective.report.line_removed": _("Rendicontazione: riga eliminata"),
    "collective.report.submitted": _("Rendicontazione inviata al Comune"),
    "collective.report.approved": _("Rendicontazione approvata dal Comune"),
    "collective.report.returned": _("Rendicontazione rinviata all'ente"),
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


def log_actions(actor, action: str, items: list[tuple], *, actor_label: str = "") -> int:
    """Many entries of one action at once (a ranking's grants), in one query: `items` is [(obj, data), ...] with
    data as in `log_action`. All objects must be of one model. Returns how many entries were written."""
    user = _actor(actor)
    if not items:
        return 0
    content_type = ContentType.objects.get_for_model(type(items[0][0]))
    label = (actor_label or (user.get_username() if user else ""))[:150]
    AuditEntry.objects.bulk_create(
        AuditEntry(actor=user, actor_label=label, action=action, content_type=content_type, object_id=obj.pk, data=data)
        for obj, data in items
    )
    return len(items)


def history_for(obj, *, states_only: bool = False):
    """The object's entries, oldest first, with their actors; `states_only` keeps the state changes."""
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
    ).select_related("actor")
    if states_only:
        entries = entries.exclude(to_state="")
    return entries
