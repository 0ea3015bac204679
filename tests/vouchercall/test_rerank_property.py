"""Hypothesis on the database: whatever the families, renunciations and days, re-ranking keeps the ledger sum equal
to the wallets' balances and never commits more than the budget."""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking.models import LedgerEntry, Wallet, cents
from tests.vouchercall.factories import apply, make_call, make_family, rome
from vouchercall import services
from vouchercall.models import Ranking

pytestmark = pytest.mark.django_db

OPENS, CLOSES = rome(2022, 9, 1, 12, 0), rome(2022, 9, 30, 12, 0)
LATER = rome(2030, 1, 1, 9, 0)
families_st = st.lists(
    st.tuples(st.integers(min_value=0, max_value=27000), st.integers(min_value=1, max_value=3), st.booleans()),
    min_size=1,
    max_size=7,
)


class Rollback(Exception):
    pass


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    families=families_st,
    budget=st.integers(min_value=0, max_value=30).map(lambda n: Decimal(n * 100)),
    days=st.integers(min_value=0, max_value=90),
    fit_rule=st.sampled_from(["skip", "stop"]),
)
def test_re_ranking_keeps_the_ledger_equal_to_the_balances_and_within_budget(families, budget, days, fit_rule):
    try:
        with transaction.atomic():
            call = make_call(opens=OPENS, closes=CLOSES, budget=str(budget), fit_rule=fit_rule, unused_return_days=30)
            renouncing = []
            for i, (isee, kids, renounce) in enumerate(families):
                births = [datetime.date(2010 + k, 1 + i % 12, 1 + k) for k in range(kids)]
                guardian, children = make_family(*births)
                apply(call, guardian, children, isee=f"{isee}.00", minors=kids, now=OPENS)
                if renounce:
                    renouncing.append(guardian)
            services.compute_ranking(call, Ranking.Kind.PROVISIONAL, actor=None)
            final = services.compute_ranking(call, Ranking.Kind.FINAL, actor=None, now=LATER)
            services.grant_final(final, actor=None)
            for wallet in Wallet.objects.filter(holder__in=renouncing, call=call.money_call):
                services.renounce(wallet, actor=None)
            start = call.money_call.valid_from
            for step_day in (start + datetime.timedelta(days=days), start + datetime.timedelta(days=days + 31)):
                services.rerank(call, actor=None, today=step_day)
                ledger = cents(sum(LedgerEntry.objects.values_list("amount", flat=True)) or 0)
                balances = cents(sum((w.balance for w in Wallet.objects.all()), Decimal(0)))
                assert ledger == balances
                assert services.committed(call) <= budget
                assert all(w.balance >= 0 for w in Wallet.objects.all())
            raise Rollback
    except Rollback:
        pass
