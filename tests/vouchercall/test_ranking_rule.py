"""Properties of the ranking rule (vouchercall.ranking.rank), for any inputs hypothesis can think of."""

import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vouchercall.ranking import Candidate, UnknownRule, rank

VALUES = [Decimal(v) for v in ("100.00", "200.00", "250.00", "300.00", "400.00")]


@st.composite
def candidates(draw):
    n = draw(st.integers(min_value=0, max_value=60))
    found = []
    for i in range(n):
        kids = draw(st.integers(min_value=1, max_value=4))
        found.append(
            Candidate(
                protocol=f"M018-2022-{i + 1:06d}",
                # Few distinct ISEE values, so ties (and the tie-breaks) happen often.
                isee=Decimal(draw(st.sampled_from(["0.00", "4999.99", "8000.00", "8000.00", "19999.00", "27000.00"]))),
                minors=draw(st.integers(min_value=kids, max_value=6)),
                value=draw(st.sampled_from(VALUES)) * kids,
                children=kids,
            )
        )
    return found


budgets = st.integers(min_value=0, max_value=8000).map(lambda n: Decimal(n) * 2)
seeds = st.text(alphabet="0123456789abcdef", min_size=1, max_size=32)
fit_rules = st.sampled_from(["skip", "stop"])


@settings(max_examples=120, deadline=None)
@given(candidates(), budgets, seeds, fit_rules)
def test_the_funded_total_never_exceeds_the_budget(found, budget, seed, fit_rule):
    outcome = rank(found, seed=seed, budget=budget, fit_rule=fit_rule)
    funded = sum((line.candidate.value for line in outcome.lines if line.funded), Decimal(0))
    assert funded == outcome.funded_total <= budget


@settings(max_examples=120, deadline=None)
@given(candidates(), budgets, seeds, fit_rules)
def test_no_unfunded_family_ranks_ahead_of_a_funded_one_unless_the_fit_rule_says_why(found, budget, seed, fit_rule):
    outcome = rank(found, seed=seed, budget=budget, fit_rule=fit_rule)
    remaining = budget
    seen_unfunded = False
    for line in outcome.lines:
        if line.funded:
            if fit_rule == "stop":
                assert not seen_unfunded, "strict order: nobody after the first family that did not fit is funded"
            remaining -= line.candidate.value
        else:
            # The only reason not to be funded: the whole value did not fit what was left at that point.
            assert line.candidate.value > remaining or (fit_rule == "stop" and seen_unfunded)
            seen_unfunded = True


@settings(max_examples=120, deadline=None)
@given(candidates(), budgets, seeds, fit_rules, st.randoms(use_true_random=False))
def test_the_same_inputs_in_any_order_give_the_same_ranking_and_hash(found, budget, seed, fit_rule, rnd):
    first = rank(found, seed=seed, budget=budget, fit_rule=fit_rule)
    shuffled = list(found)
    rnd.shuffle(shuffled)
    second = rank(shuffled, seed=seed, budget=budget, fit_rule=fit_rule)
    assert [(x.position, x.candidate.protocol, x.funded) for x in first.lines] == [
        (x.position, x.candidate.protocol, x.funded) for x in second.lines
    ]
    assert first.inputs_hash == second.inputs_hash


@settings(max_examples=80, deadline=None)
@given(candidates(), seeds, fit_rules)
def test_the_order_is_isee_ascending_then_more_minors_then_the_public_draw(found, seed, fit_rule):
    lines = rank(found, seed=seed, budget=Decimal(0), fit_rule=fit_rule).lines
    for before, after in itertools.pairwise(lines):
        key_before = (before.candidate.isee, -before.candidate.minors, before.draw_key)
        key_after = (after.candidate.isee, -after.candidate.minors, after.draw_key)
        assert key_before < key_after


def test_the_draw_and_not_arrival_decides_full_ties_and_the_seed_is_in_the_hash():
    tied = [Candidate(f"M018-2022-{i:06d}", Decimal("1000.00"), 2, Decimal("400.00"), 1) for i in range(1, 41)]
    by_seed = {seed: rank(tied, seed=seed, budget=Decimal("4000.00"), fit_rule="skip") for seed in ("a1", "b2")}
    orders = {seed: [line.candidate.protocol for line in outcome.lines] for seed, outcome in by_seed.items()}
    assert orders["a1"] != orders["b2"]
    assert orders["a1"] != [c.protocol for c in tied]  # arrival order (protocol numbers) is not the order
    assert by_seed["a1"].inputs_hash != by_seed["b2"].inputs_hash
    assert by_seed["a1"].funded_count == 10


def test_a_family_that_does_not_fit_is_skipped_or_stops_funding_by_the_calls_setting():
    big = Candidate("M018-2022-000001", Decimal("100.00"), 3, Decimal("1200.00"), 3)
    small = Candidate("M018-2022-000002", Decimal("200.00"), 1, Decimal("400.00"), 1)
    skip = rank([big, small], seed="s", budget=Decimal("1000.00"), fit_rule="skip")
    stop = rank([big, small], seed="s", budget=Decimal("1000.00"), fit_rule="stop")
    assert [line.funded for line in skip.lines] == [False, True]
    assert [line.funded for line in stop.lines] == [False, False]


def test_an_unknown_rule_version_is_refused():
    with pytest.raises(UnknownRule):
        rank([], seed="s", budget=Decimal(0), fit_rule="skip", rule_version="1999.9")
