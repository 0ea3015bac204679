"""The reconciliation report: per voucher call, where every granted euro is now (EUR, from the ledger and rows).

Identity (each term from its own rows, per call):
    granted - spent - revoked - expired = outstanding
granted: grant entries; spent: redemptions net of their reversals and refunds; revoked: revocation entries;
expired: expiry entries; outstanding: the sum of every wallet's balance, read wallet by wallet. A ledger entry of a
kind that no term counts makes the identity fail, so a new kind cannot slip past the accounts.

Spent is then split by where it stands for the providers, from the statement lines and the order payments:
    spent = in paid statements + in statements in progress + owed, not yet stated + not tied to an order
The last term is a fault (money left a wallet without an order row): it must be zero.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import BooleanField, ExpressionWrapper, Q, Sum
from django.db.models.functions import Coalesce

from booking.models import LedgerEntry, Payment, VoucherCall, Wallet
from settlement.models import Statement, StatementLine

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
SPENDING = [LedgerEntry.Kind.REDEMPTION, LedgerEntry.Kind.REVERSAL, LedgerEntry.Kind.REFUND]
REVOCATION = LedgerEntry.Kind.REVOCATION


def _q(amount) -> Decimal:
    return Decimal(amount or 0).quantize(CENT)


@dataclass
class CallReconciliation:
    """One call's figures (EUR). `balanced` is the identity; `spent_explained` the split of spent."""

    call: VoucherCall
    granted: Decimal
    spent: Decimal
    revoked: Decimal
    expired: Decimal
    outstanding: Decimal
    in_paid_statements: Decimal
    in_open_statements: Decimal
    not_stated: Decimal
    without_order: Decimal
    wallets: int
    problems: list[str] = field(default_factory=list)

    @property
    def difference(self) -> Decimal:
        return self.granted - self.spent - self.revoked - self.expired - self.outstanding

    @property
    def balanced(self) -> bool:
        return self.difference == ZERO

    @property
    def spent_explained(self) -> bool:
        return (
            self.in_paid_statements + self.in_open_statements + self.not_stated + self.without_order == self.spent
            and self.without_order == ZERO
        )


def reconcile(calls=None) -> list[CallReconciliation]:
    """The report for the given calls (default: all), a constant number of queries whatever their size."""
    calls = list(calls if calls is not None else VoucherCall.objects.order_by("-valid_from", "pk"))
    ids = [call.pk for call in calls]
    by_kind: dict[tuple[int, str], Decimal] = {}
    for row in (
        LedgerEntry.objects.filter(wallet__call_id__in=ids)
        .values("wallet__call_id", "kind")
        .annotate(total=Sum("amount"))
    ):
        by_kind[(row["wallet__call_id"], row["kind"])] = _q(row["total"])

    outstanding: dict[int, Decimal] = {}
    wallets: dict[int, int] = {}
    for wallet in Wallet.objects.filter(call_id__in=ids).with_balance().values("call_id", "balance_amount"):
        outstanding[wallet["call_id"]] = outstanding.get(wallet["call_id"], ZERO) + _q(wallet["balance_amount"])
        wallets[wallet["call_id"]] = wallets.get(wallet["call_id"], 0) + 1

    live_lines = StatementLine.objects.exclude(statement__state=Statement.State.DISCARDED)
    paid_states = [Statement.State.PAID, Statement.State.ACCOUNTED]
    stated: dict[tuple[int, bool], Decimal] = {}
    for row in (
        live_lines.filter(entry__wallet__call_id__in=ids)
        .annotate(paid=ExpressionWrapper(Q(statement__state__in=paid_states), output_field=BooleanField()))
        .values("entry__wallet__call_id", "paid")
        .annotate(total=Sum("amount"))
    ):
        stated[(row["entry__wallet__call_id"], row["paid"])] = _q(row["total"])

    # Spending entries tied to an order (a voucher Payment row, or the redemption it corrects) and in no statement.
    tied = Q(order_payments__method=Payment.Method.VOUCHER) | Q(original__order_payments__method=Payment.Method.VOUCHER)
    unstated = LedgerEntry.objects.filter(wallet__call_id__in=ids, kind__in=SPENDING).exclude(
        pk__in=live_lines.values("entry_id")
    )
    not_stated = {
        row["wallet__call_id"]: -_q(row["total"])
        for row in unstated.filter(pk__in=LedgerEntry.objects.filter(tied).values("pk"))
        .values("wallet__call_id")
        .annotate(total=Coalesce(Sum("amount"), ZERO))
    }
    without_order = {
        row["wallet__call_id"]: -_q(row["total"])
        for row in unstated.exclude(pk__in=LedgerEntry.objects.filter(tied).values("pk"))
        .values("wallet__call_id")
        .annotate(total=Coalesce(Sum("amount"), ZERO))
    }
    known = {LedgerEntry.Kind.GRANT, *SPENDING, REVOCATION, LedgerEntry.Kind.EXPIRY}

    report = []
    for call in calls:
        cid = call.pk
        row = CallReconciliation(
            call=call,
            granted=by_kind.get((cid, LedgerEntry.Kind.GRANT), ZERO),
            spent=-sum((by_kind.get((cid, kind), ZERO) for kind in SPENDING), ZERO),
            revoked=-by_kind.get((cid, REVOCATION), ZERO),
            expired=-by_kind.get((cid, LedgerEntry.Kind.EXPIRY), ZERO),
            outstanding=outstanding.get(cid, ZERO),
            in_paid_statements=stated.get((cid, True), ZERO),
            in_open_statements=stated.get((cid, False), ZERO),
            not_stated=not_stated.get(cid, ZERO),
            without_order=without_order.get(cid, ZERO),
            wallets=wallets.get(cid, 0),
        )
        row.problems = [kind for (c, kind) in by_kind if c == cid and kind not in known]
        report.append(row)
    return report
