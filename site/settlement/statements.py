"""Building statements and moving them through the City's workflow; the only code that changes a Statement.

What a statement owes is computed, never typed: the voucher redemptions that paid the provider's *completed*
orders, and the reversals and refunds of those redemptions, each a ledger entry (booking.LedgerEntry) dated up to
the end of the period (Europe/Rome) and not yet in another statement. Entries from before the period that no
statement took (an order completed late) are gathered too, so no euro is ever left out; the unique key on
`StatementLine.entry` keeps any euro from being gathered twice, also when two people build at once.

States (each move locks the row and writes `settlement.statement.<state>` in the audit trail):
draft → submitted (provider) → approved | sent_back (City, with a reason); sent_back → submitted | discarded;
draft → discarded; approved → paid (payment reference and date) → accounted. Paid and accounted never change:
a correction is a new statement (the reversal or refund of a paid redemption enters the next one, negative).
"""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models import LedgerEntry, Order, Payment
from core.audit import log_action
from core.errors import DomainError
from settlement import access
from settlement.models import PaymentDetails, Statement, StatementLine

S = Statement.State

ALLOWED: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.DISCARDED},
    S.SUBMITTED: {S.APPROVED, S.SENT_BACK},
    S.SENT_BACK: {S.SUBMITTED, S.DISCARDED},
    S.APPROVED: {S.PAID},
    S.PAID: {S.ACCOUNTED},
}

#: Moves the City makes; the others (submit, discard) are the provider's, or the City's on its behalf.
CITY_MOVES = {S.APPROVED, S.SENT_BACK, S.PAID, S.ACCOUNTED}


class StatementError(DomainError):
    """A refused statement operation; `message` is Italian and safe to show."""

    code = "settlement.refused"


class NothingToState(StatementError):
    code = "settlement.nothing_to_state"
    default_message = _("Non ci sono movimenti da rendicontare per questo ente fino alla fine del periodo.")


class StatementConflict(StatementError):
    code = "settlement.conflict"
    default_message = _(
        "Nello stesso momento un altro rendiconto ha incluso alcuni di questi movimenti: apri l'elenco dei "
        "rendiconti e controlla prima di riprovare."
    )


class NotAllowed(StatementError):
    code = "settlement.forbidden"
    status = 403
    default_message = _("Non puoi eseguire questa operazione su questo rendiconto.")


def _end_of_day(day: datetime.date) -> datetime.datetime:
    """The first instant after `day` in the site's time zone (Europe/Rome)."""
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def owed_entries(provider_id: int, period_end: datetime.date) -> list[tuple[LedgerEntry, int]]:
    """The ledger entries not yet in any statement that the City owes (or takes back from) this provider.

    Returns (entry, order_id) pairs, oldest first: redemptions that paid its completed orders and their reversals
    and refunds, dated before the end of `period_end` (Europe/Rome).
    """
    paid_by_voucher = dict(
        Payment.objects.filter(
            method=Payment.Method.VOUCHER,
            ledger_entry__isnull=False,
            order__provider_id=provider_id,
            order__state=Order.State.COMPLETED,
        ).values_list("ledger_entry_id", "order_id")
    )
    entries = (
        LedgerEntry.objects.filter(created_at__lt=_end_of_day(period_end), statement_line__isnull=True)
        .filter(
            Q(pk__in=list(paid_by_voucher))
            | Q(
                original_id__in=list(paid_by_voucher),
                kind__in=[LedgerEntry.Kind.REVERSAL, LedgerEntry.Kind.REFUND],
            )
        )
        .order_by("created_at", "pk")
    )
    return [(entry, paid_by_voucher[entry.original_id or entry.pk]) for entry in entries]


def build(*, provider, period_start: datetime.date, period_end: datetime.date, actor) -> Statement:
    """A new draft statement for the provider and period, with every owed entry as a line, or an error.

    A period may end today: what is paid later today goes to the next statement (earlier unstated entries are
    always gathered). Raises NotAllowed (the actor neither works for the provider nor manages statements),
    StatementError (period reversed or in the future), NothingToState (no line), StatementConflict (another
    statement took some entries meanwhile: nothing is written).
    """
    if not (access.manages_statements(actor) or access.works_for(actor, provider.pk)):
        raise NotAllowed()
    if period_end < period_start:
        raise StatementError(_("La fine del periodo non può precedere l'inizio."), code="settlement.period")
    if period_end > timezone.localdate():
        raise StatementError(_("La fine del periodo non può essere nel futuro."), code="settlement.period_in_future")
    try:
        with transaction.atomic():
            owed = owed_entries(provider.pk, period_end)
            if not owed:
                raise NothingToState()
            statement = Statement.objects.create(
                provider=provider, period_start=period_start, period_end=period_end, created_by=actor
            )
            StatementLine.objects.bulk_create(
                [
                    StatementLine(
                        statement=statement,
                        entry=entry,
                        order_id=order_id,
                        kind=entry.kind,
                        amount=-entry.amount,
                        entry_date=entry.created_at,
                    )
                    for entry, order_id in owed
                ]
            )
            log_action(
                actor,
                "settlement.statement.draft",
                statement,
                {"lines": len(owed), "total": str(statement.total()), "provider": provider.pk},
                to_state=S.DRAFT,
            )
    except IntegrityError as exc:
        raise StatementConflict() from exc
    return statement


def _may_move(actor, statement: Statement, to: str) -> bool:
    if access.manages_statements(actor):
        return True
    return to not in CITY_MOVES and access.works_for(actor, statement.provider_id)


def _move(statement: Statement, to: str, actor, *, reason: str = "", data: dict | None = None, **fields) -> Statement:
    """Lock, check the move and the actor, write the state, the given fields and the audit entry together."""
    if not _may_move(actor, statement, to):
        raise NotAllowed()
    with transaction.atomic():
        locked = Statement.objects.select_for_update().get(pk=statement.pk)
        if to not in ALLOWED.get(locked.state, set()):
            statement.state = locked.state
            raise StatementError(
                _("Operazione non più possibile: il rendiconto è «%(state)s».") % {"state": locked.get_state_display()},
                code="settlement.transition_not_allowed",
            )
        now = timezone.now()
        fields.update(state=to, state_changed_at=now)
        Statement.objects.filter(pk=locked.pk).update(**fields)
        log_action(
            actor,
            f"settlement.statement.{to}",
            locked,
            {"total": str(locked.total()), **(data or {})},
            from_state=locked.state,
            to_state=to,
            reason=reason,
        )
    for name, value in fields.items():
        setattr(statement, name, value)
    return statement


def submit(statement: Statement, *, actor) -> Statement:
    """The provider sends the statement to the City; its identity and verified payment data are copied now.

    Raises StatementError when the provider has no payment data the City has verified yet.
    """
    details = PaymentDetails.current_verified(statement.provider_id)
    if details is None:
        raise StatementError(
            _(
                "Prima di inviare il rendiconto servono i dati di pagamento (IBAN e intestatario) verificati dal "
                "Comune: inseriscili in «Dati di pagamento» e attendi la verifica."
            ),
            code="settlement.no_verified_payment_details",
        )
    provider = statement.provider
    return _move(
        statement,
        S.SUBMITTED,
        actor,
        data={"payment_details": details.pk},
        payment_details=details,
        provider_name=provider.legal_name,
        tax_code=provider.tax_code,
        vat_number=provider.vat_number,
        iban=details.iban,
        account_holder=details.account_holder,
        sent_back_reason="",
    )


def approve(statement: Statement, *, actor) -> Statement:
    return _move(statement, S.APPROVED, actor)


def send_back(statement: Statement, *, actor, reason: str) -> Statement:
    """The City returns the statement to the provider; the reason is required and shown to the provider."""
    reason = (reason or "").strip()
    if not reason:
        raise StatementError(_("Scrivi il motivo del rinvio all'ente."), code="settlement.reason_required")
    return _move(statement, S.SENT_BACK, actor, reason=reason, sent_back_reason=reason)


def mark_paid(statement: Statement, *, actor, reference: str, date: datetime.date) -> Statement:
    """The City paid: the payment's reference (e.g. the mandate number) and date; from now on nothing changes."""
    reference = (reference or "").strip()
    if not reference or date is None:
        raise StatementError(
            _("Indica il riferimento e la data del pagamento."), code="settlement.payment_reference_required"
        )
    if date > timezone.localdate():
        raise StatementError(_("La data del pagamento non può essere nel futuro."), code="settlement.payment_date")
    return _move(
        statement,
        S.PAID,
        actor,
        data={"reference": reference, "date": date.isoformat()},
        payment_reference=reference[:100],
        payment_date=date,
    )


def mark_accounted(statement: Statement, *, actor) -> Statement:
    """The movements of a paid statement are recorded in the City's accounts ("contabilizzati")."""
    return _move(statement, S.ACCOUNTED, actor, accounted_at=timezone.now())


def discard(statement: Statement, *, actor, reason: str = "") -> Statement:
    """A draft or sent-back statement is cancelled: its entries are free for the next statement."""
    with transaction.atomic():
        moved = _move(statement, S.DISCARDED, actor, reason=reason)
        StatementLine.objects.filter(statement_id=statement.pk).delete()
    return moved


def totals_by_statement(statements) -> dict[int, Decimal]:
    """{statement id: total EUR} for a listing, in one query."""
    rows = StatementLine.objects.filter(statement__in=statements).values("statement_id").annotate(total=Sum("amount"))
    return {row["statement_id"]: Decimal(row["total"]).quantize(Decimal("0.01")) for row in rows}
