"""Two people build statements for one provider at the same moment (PostgreSQL, real threads and connections).

Each thread pauses right after reading the owed entries until the other has read them too: both try to put the
same redemptions in a statement. The unique key on StatementLine.entry lets one commit; the other gets
StatementConflict and leaves nothing behind (no empty statement, no line).
"""

import contextlib
import datetime
import threading

import pytest
from django.db import connections

from settlement import statements
from settlement.models import Statement, StatementLine
from tests.booking.test_concurrency import run_at_once
from tests.settlement.conftest import paid_order

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = datetime.date.today()


def test_a_redemption_enters_one_statement_when_two_staff_build_at_once(postgres, two_providers, office, monkeypatch):
    p = two_providers
    orders = [paid_order(p["service_one"], p["staff_one"], price="50.00") for _ in range(3)]
    meeting = threading.Barrier(2, timeout=5)
    read_owed = statements.owed_entries

    def owed_then_wait(provider_id, period_end):
        owed = read_owed(provider_id, period_end)
        with contextlib.suppress(threading.BrokenBarrierError):
            meeting.wait()
        return owed

    monkeypatch.setattr(statements, "owed_entries", owed_then_wait)
    actors = [office, p["staff_one"]]

    def build(index):
        return statements.build(
            provider=p["one"], period_start=TODAY - datetime.timedelta(days=7), period_end=TODAY, actor=actors[index]
        )

    results = run_at_once(build, count=2)
    connections.close_all()

    built = [r for r in results if isinstance(r, Statement)]
    refused = [r for r in results if isinstance(r, statements.StatementConflict)]
    assert len(built) == 1 and len(refused) == 1, results
    assert Statement.objects.count() == 1
    entries = list(StatementLine.objects.values_list("entry_id", flat=True))
    expected = [o.payments.get(method="voucher").ledger_entry_id for o in orders]
    assert sorted(entries) == sorted(expected)
    assert len(entries) == len(set(entries))
