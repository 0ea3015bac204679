"""What a voucher call accepts, asked by the ranking import without booking knowing the programme apps.

A programme app that owns a call's rules (the families' voucher call: `vouchercall`) registers a function at start-up;
booking asks it and falls back to the rules every call shares. Layers stay one way: booking never imports it.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

VOUCHER_MIN = Decimal("100.00")
VOUCHER_MAX = Decimal("400.00")
ADULT_AGE = 18


@dataclass(frozen=True)
class CallRules:
    """allowed_values: the exact per-child values (EUR) the call's ISEE brackets give, or None for any value in
    [VOUCHER_MIN, VOUCHER_MAX] (the 2022 call: 100-400 EUR). age_on: the day a beneficiary must be under 18."""

    allowed_values: frozenset[Decimal] | None
    age_on: datetime.date


_providers: list[Callable] = []


def register(provider: Callable) -> None:
    """`provider(voucher_call) -> CallRules | None`; None means "not mine"."""
    if provider not in _providers:
        _providers.append(provider)


def rules_for(voucher_call) -> CallRules:
    """The registered rules for this call, or the shared default: 100-400 EUR, under 18 when the vouchers start."""
    for provider in _providers:
        found = provider(voucher_call)
        if found is not None:
            return found
    return CallRules(allowed_values=None, age_on=voucher_call.valid_from)


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    """Completed years on `day` (a child born on 29 February turns a year older on 1 March in common years)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def value_refusal(rules: CallRules, value: Decimal) -> str | None:
    """None if the call accepts `value` (EUR) for one child, else the Italian reason."""
    from django.utils.translation import gettext as _

    if rules.allowed_values is not None:
        if value not in rules.allowed_values:
            allowed = ", ".join(f"{v}" for v in sorted(rules.allowed_values))
            return _("value: %(value)s EUR non è un valore delle fasce ISEE dell'avviso (%(allowed)s)") % {
                "value": value,
                "allowed": allowed,
            }
        return None
    if not VOUCHER_MIN <= value <= VOUCHER_MAX:
        return _("value: %(value)s EUR è fuori dall'intervallo dell'avviso (%(min)s-%(max)s EUR)") % {
            "value": value,
            "min": VOUCHER_MIN,
            "max": VOUCHER_MAX,
        }
    return None
