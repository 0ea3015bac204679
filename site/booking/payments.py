"""Payment of the part of an order the voucher does not cover, behind a gateway interface.

The gateway is chosen by `BOOKING_PAYMENT_GATEWAY` (a dotted path); a real one plugs in by implementing
`PaymentGateway.charge`. `FakeGateway` serves tests and development.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class ChargeResult:
    ok: bool
    reference: str = ""
    message: str = ""


class PaymentGateway:
    def charge(self, *, order_id: int, amount: Decimal, method: str, attempt_key: str) -> ChargeResult:
        """Collect `amount` for the order; the same attempt_key must never be charged twice."""
        raise NotImplementedError


class FakeGateway(PaymentGateway):
    """Accepts every charge, unless `fail` is set (tests) — then every charge is declined."""

    fail = False

    def charge(self, *, order_id: int, amount: Decimal, method: str, attempt_key: str) -> ChargeResult:
        if type(self).fail:
            return ChargeResult(ok=False, message="declined")
        return ChargeResult(ok=True, reference=f"fake-{order_id}-{attempt_key}")


def get_gateway() -> PaymentGateway:
    return import_string(getattr(settings, "BOOKING_PAYMENT_GATEWAY", "booking.payments.FakeGateway"))()
