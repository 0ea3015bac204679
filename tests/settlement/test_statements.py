"""Statements: what they gather, the workflow and its audit trail, immutability once paid."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from booking import vouchers
from booking.models import LedgerEntry
from core.audit import history_for
from core.errors import AppendOnlyError
from settlement import statements
from settlement.models import Statement, StatementLine
from tests.settlement.conftest import paid_order, verify_details

TODAY = datetime.date.today()
MONTH_AGO = TODAY - datetime.timedelta(days=30)


@pytest.fixture
def two_providers(two_providers_of_the_module):
    """Built once for this module: every test here uses it."""
    return two_providers_of_the_module


def build(provider, actor):
    return statements.build(provider=provider, period_start=MONTH_AGO, period_end=TODAY, actor=actor)


def test_a_statement_gathers_the_voucher_part_of_completed_orders_only(two_providers):
    p = two_providers
    completed = paid_order(p["service_one"], p["staff_one"], price="100.00", wallet_value="60.00")
    paid_order(p["service_one"], p["staff_one"], price="40.00", complete=False)
    paid_order(p["service_two"], p["staff_two"], price="30.00")

    statement = build(p["one"], p["staff_one"])

    lines = list(statement.lines.all())
    assert [(line.order_id, line.kind, line.amount) for line in lines] == [
        (completed.pk, "redemption", Decimal("60.00"))
    ]
    assert statement.total() == Decimal("60.00") == completed.voucher_paid()
    assert statement.state == Statement.State.DRAFT
    assert [e.to_state for e in history_for(statement)] == ["draft"]


def test_each_redemption_enters_one_statement_only(two_providers):
    p = two_providers
    paid_order(p["service_one"], p["staff_one"])
    first = build(p["one"], p["staff_one"])
    with pytest.raises(statements.NothingToState):
        build(p["one"], p["staff_one"])
    line = first.lines.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        StatementLine.objects.create(
            statement=first, entry=line.entry, order=line.order, kind="redemption", amount=1, entry_date=line.entry_date
        )


def test_the_workflow_from_draft_to_accounted_is_logged(two_providers, office):
    p = two_providers
    paid_order(p["service_one"], p["staff_one"])
    statement = build(p["one"], p["staff_one"])

    with pytest.raises(statements.StatementError) as refused:
        statements.submit(statement, actor=p["staff_one"])
    assert refused.value.code == "settlement.no_verified_payment_details"

    details = verify_details(p["one"])
    statements.submit(statement, actor=p["staff_one"])
    with pytest.raises(statements.NotAllowed):
        statements.approve(statement, actor=p["staff_one"])
    with pytest.raises(statements.StatementError):
        statements.send_back(statement, actor=office, reason="  ")
    statements.send_back(statement, actor=office, reason="Manca la fattura")
    statements.submit(statement, actor=p["staff_one"])
    statements.approve(statement, actor=office)
    with pytest.raises(statements.StatementError):
        statements.mark_paid(statement, actor=office, reference="", date=TODAY)
    statements.mark_paid(statement, actor=office, reference="Mandato 2026/118", date=TODAY)
    statements.mark_accounted(statement, actor=office)

    statement.refresh_from_db()
    assert statement.state == Statement.State.ACCOUNTED
    assert (statement.iban, statement.account_holder, statement.tax_code) == (
        details.iban,
        details.account_holder,
        p["one"].tax_code,
    )
    assert (statement.payment_reference, statement.payment_date) == ("Mandato 2026/118", TODAY)
    trail = [(e.from_state, e.to_state, e.actor_label, e.reason) for e in history_for(statement)]
    assert trail == [
        ("", "draft", "ente-uno", ""),
        ("draft", "submitted", "ente-uno", ""),
        ("submitted", "sent_back", "ufficio", "Manca la fattura"),
        ("sent_back", "submitted", "ente-uno", ""),
        ("submitted", "approved", "ufficio", ""),
        ("approved", "paid", "ufficio", ""),
        ("paid", "accounted", "ufficio", ""),
    ]


def test_a_paid_statement_never_changes_and_a_correction_is_a_new_statement(two_providers, office):
    p = two_providers
    order = paid_order(p["service_one"], p["staff_one"], price="80.00")
    verify_details(p["one"])
    statement = build(p["one"], p["staff_one"])
    statements.submit(statement, actor=p["staff_one"])
    statements.approve(statement, actor=office)
    statements.mark_paid(statement, actor=office, reference="M-1", date=TODAY)

    with pytest.raises(statements.StatementError):
        statements.discard(statement, actor=office)
    with pytest.raises(AppendOnlyError):
        statement.lines.update(amount=0)
    with pytest.raises(AppendOnlyError):
        statement.save()
    # The City takes back 30 EUR of the paid redemption: it is owed back in the next statement, negative.
    redemption = order.payments.get(method="voucher").ledger_entry
    vouchers.refund(redemption, Decimal("30.00"), actor=office, idempotency_key="refund-test", memo="Rettifica")
    correction = build(p["one"], office)
    assert [(line.kind, line.amount) for line in correction.lines.all()] == [("refund", Decimal("-30.00"))]
    assert Statement.objects.get(pk=statement.pk).total() == Decimal("80.00")


def test_discarding_a_draft_frees_its_entries(two_providers):
    p = two_providers
    paid_order(p["service_one"], p["staff_one"])
    draft = build(p["one"], p["staff_one"])
    statements.discard(draft, actor=p["staff_one"], reason="Periodo sbagliato")
    assert Statement.objects.get(pk=draft.pk).state == Statement.State.DISCARDED
    again = build(p["one"], p["staff_one"])
    assert again.total() == Decimal("100.00")


def test_an_operator_builds_only_for_their_provider(two_providers):
    p = two_providers
    paid_order(p["service_two"], p["staff_two"])
    with pytest.raises(statements.NotAllowed):
        build(p["two"], p["staff_one"])


def test_a_period_in_the_future_or_reversed_is_refused(two_providers):
    p = two_providers
    with pytest.raises(statements.StatementError):
        statements.build(
            provider=p["one"], period_start=TODAY, period_end=TODAY + datetime.timedelta(days=1), actor=p["staff_one"]
        )
    with pytest.raises(statements.StatementError):
        statements.build(provider=p["one"], period_start=TODAY, period_end=MONTH_AGO, actor=p["staff_one"])
    assert not LedgerEntry.objects.filter(statement_line__isnull=False).exists()
