"""Funding order (hypothesis): the funded set is the top of the ranking, all at or above the threshold, within the
budget, and the first proposal left out either scores below the threshold or does not fit what is left."""

import datetime
import itertools
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from collective.funding import Candidate, ranked, select

BASE = datetime.datetime(2022, 9, 29, 13, 0, tzinfo=datetime.UTC)

candidates = st.lists(
    st.builds(
        Candidate,
        id=st.integers(1, 10**6),
        score=st.integers(0, 10000).map(lambda n: Decimal(n) / 100),
        amount=st.integers(1, 60000).map(lambda n: Decimal(n) * 5),
        submitted_at=st.integers(0, 10**6).map(lambda s: BASE + datetime.timedelta(seconds=s)),
    ),
    max_size=40,
    unique_by=lambda c: c.id,
)


@given(candidates, st.integers(0, 500000).map(Decimal), st.sampled_from(["earlier", "lower-amount"]))
def test_funded_set_respects_score_order_and_budget(pool, budget, tie_rule):
    funded = select(pool, budget, Decimal(60), tie_rule)
    order = ranked(pool, tie_rule)
    assert funded == order[: len(funded)]
    assert sum((c.amount for c in funded), Decimal(0)) <= budget
    assert all(c.score >= 60 for c in funded)
    assert all(a.score >= b.score for a, b in itertools.pairwise(funded))
    if len(funded) < len(order):
        left_out = order[len(funded)]
        spent = sum((c.amount for c in funded), Decimal(0))
        assert left_out.score < 60 or left_out.amount > budget - spent


def test_ties_follow_the_call_rule():
    early = Candidate(1, Decimal(70), Decimal(5000), BASE)
    cheap = Candidate(2, Decimal(70), Decimal(1000), BASE + datetime.timedelta(hours=1))
    assert [c.id for c in ranked([cheap, early], "earlier")] == [1, 2]
    assert [c.id for c in ranked([early, cheap], "lower-amount")] == [2, 1]
    assert [c.id for c in select([early, cheap], Decimal(5000), Decimal(60), "earlier")] == [1]
