"""The ranking rule, as a pure function of its inputs: anyone holding the inputs can recompute a ranking.

Rule version "2022.1" (README «Graduatoria»):
1. ISEE ascending;
2. ties: more minors in the household first;
3. remaining ties: the public draw, `draw_key = SHA-256(seed + ":" + protocol)` ascending. The seed is published with
   the ranking; arrival time never counts.
A family's value is the sum of its children's vouchers. The list is funded in order while the family's whole value
fits the remaining budget; a family that does not fit is handled by the call's fit rule:
- "skip": it is not funded and the next families that fit are (the budget is used as far as it goes);
- "stop": funding stops there (strict order: nobody after it is funded).
The hash covers the rule version, seed, budget, fit rule and every input line (canonical JSON), so the same inputs
always give the same ranking and the same hash.
"""

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

RULE_VERSION = "2022.1"
SUPPORTED_RULES = {RULE_VERSION}


@dataclass(frozen=True)
class Candidate:
    """One eligible application: protocol code, ISEE (EUR), minors in the household, value asked (EUR)."""

    protocol: str
    isee: Decimal
    minors: int
    value: Decimal
    children: int = 1


@dataclass(frozen=True)
class Line:
    position: int
    candidate: Candidate
    draw_key: str
    funded: bool


@dataclass(frozen=True)
class Outcome:
    lines: list[Line]
    inputs_hash: str
    funded_total: Decimal

    @property
    def funded_count(self) -> int:
        return sum(1 for line in self.lines if line.funded)


class UnknownRule(ValueError):
    """A ranking asked for a rule version this code does not implement."""


def draw_key(seed: str, protocol: str) -> str:
    """The public draw's key for one application: anyone can recompute it from the published seed."""
    return hashlib.sha256(f"{seed}:{protocol}".encode()).hexdigest()


def inputs_hash(candidates: list[Candidate], *, seed: str, budget: Decimal, fit_rule: str, rule_version: str) -> str:
    """SHA-256 of the canonical JSON of everything the ranking depends on (input order does not matter)."""
    document = {
        "rule_version": rule_version,
        "seed": seed,
        "budget": f"{Decimal(budget):.2f}",
        "fit_rule": fit_rule,
        "applications": sorted(
            [c.protocol, f"{c.isee:.2f}", c.minors, f"{c.value:.2f}", c.children] for c in candidates
        ),
    }
    return hashlib.sha256(json.dumps(document, separators=(",", ":"), sort_keys=True).encode()).hexdigest()


def rank(
    candidates: list[Candidate], *, seed: str, budget: Decimal, fit_rule: str, rule_version: str = RULE_VERSION
) -> Outcome:
    """Order and fund the candidates. O(n log n), no database access.

    Raises UnknownRule for a rule version not in SUPPORTED_RULES, ValueError for a fit rule other than skip/stop.
    """
    if rule_version not in SUPPORTED_RULES:
        raise UnknownRule(rule_version)
    if fit_rule not in ("skip", "stop"):
        raise ValueError(fit_rule)
    keyed = [(c.isee, -c.minors, draw_key(seed, c.protocol), c.protocol, c) for c in candidates]
    keyed.sort(key=lambda item: item[:4])
    remaining = Decimal(budget)
    stopped = False
    lines = []
    for position, (_isee, _minors, key, _protocol, candidate) in enumerate(keyed, start=1):
        funded = not stopped and candidate.value <= remaining
        if funded:
            remaining -= candidate.value
        elif fit_rule == "stop":
            stopped = True
        lines.append(Line(position=position, candidate=candidate, draw_key=key, funded=funded))
    digest = inputs_hash(candidates, seed=seed, budget=budget, fit_rule=fit_rule, rule_version=rule_version)
    return Outcome(lines=lines, inputs_hash=digest, funded_total=Decimal(budget) - remaining)
