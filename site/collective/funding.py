"""Who is funded: a pure function of scores, amounts, the budget, the threshold and the call's tie rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class Candidate:
    """A scored micro-project. `score` out of 100; `amount` in EUR; `submitted_at` the application's protocol
    time (aware)."""

    id: int
    score: Decimal
    amount: Decimal
    submitted_at: datetime


def ranked(candidates: list[Candidate], tie_rule: str) -> list[Candidate]:
    """Highest score first; equal scores by the call's tie rule ("earlier": earlier protocol first;
    "lower-amount": smaller amount first), then by id so the order is total."""
    if tie_rule == "lower-amount":
        return sorted(candidates, key=lambda c: (-c.score, c.amount, c.submitted_at, c.id))
    return sorted(candidates, key=lambda c: (-c.score, c.submitted_at, c.amount, c.id))


def select(candidates: list[Candidate], budget: Decimal, threshold: Decimal, tie_rule: str) -> list[Candidate]:
    """The funded candidates, in ranking order: those scoring `threshold` or more, taken down the ranking while
    each one's amount fits what is left of `budget`; the first that does not fit ends the funding (a lower-ranked
    proposal is never funded ahead of a higher-ranked one). Amounts are funded whole (EUR)."""
    funded = []
    left = budget
    for candidate in ranked(candidates, tie_rule):
        if candidate.score < threshold or candidate.amount > left:
            break
        funded.append(candidate)
        left -= candidate.amount
    return funded
