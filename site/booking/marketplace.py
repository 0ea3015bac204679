"""What families and providers do with requests, quotes, orders and ratings: the booking module's one entry point.

Orders and their payment live here; requests and quotes in `booking.quotes`, ratings in `booking.ratings`, the
message thread in `booking.threads`, all re-exported, so callers use `marketplace.<name>` whatever the module.
Every state change goes through booking.transitions.transition(); every voucher movement through
booking.vouchers; every email through booking.emails.notify (after commit). Services are read through
`catalog.facts` only.
"""

from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking import emails, vouchers
from booking.errors import BookingError
from booking.models import ZERO, Order, Payment, Quote, Wallet
from booking.payments import get_gateway
from booking.quotes import (
    add_working_days,
    age_on,
    age_refusal,
    already_open,
    answer_deadline,
    decline,
    expire_overdue,
    family_url,
    offer_quote,
    open_requests,
    refusal,
    reject_quote,
    send_requests,
    withdraw,
)
from booking.ratings import moderate, rate, rating_summary, ratings_changed, reply
from booking.threads import mark_read, post_message
from booking.transitions import transition
from catalog.facts import service_facts
from core.audit import log_action

__all__ = [
    "BookingError",
    "accept_quote",
    "add_working_days",
    "age_on",
    "age_refusal",
    "already_open",
    "answer_deadline",
    "cancel_order",
    "complete_order",
    "decline",
    "expire_overdue",
    "family_url",
    "mark_read",
    "moderate",
    "offer_quote",
    "open_requests",
    "pay",
    "post_message",
    "rate",
    "rating_summary",
    "ratings_changed",
    "refusal",
    "reject_quote",
    "reply",
    "send_requests",
    "usable_wallet",
    "usable_wallets",
    "voucher_cover",
    "withdraw",
]


def accept_quote(quote: Quote, *, actor) -> Order:
    """The order takes the quote's price; a free one is paid at once (no payment step)."""
    request = quote.request
    with transaction.atomic():
        transition(quote, Quote.State.ACCEPTED, actor)
        if quote.valid_until < timezone.localdate():
            raise BookingError(
                _("Il preventivo è scaduto: chiedi all'ente un nuovo preventivo."), code="booking.quote_expired"
            )
        order = Order.objects.create(
            quote=quote, guardian=request.guardian, provider_id=request.provider_id, price=quote.price
        )
        log_action(
            actor, "booking.order.created", order, {"price": str(order.price)}, to_state=Order.State.AWAITING_PAYMENT
        )
        if order.price == ZERO:
            transition(order, Order.State.PAID, actor, note=str(_("Servizio gratuito")))
            emails.notify(
                "order_paid", emails.provider_address(request.provider_id), {"order": order, "request": request}
            )
        else:
            emails.notify(
                "quote_accepted", emails.provider_address(request.provider_id), {"order": order, "request": request}
            )
    return order


def usable_wallet(order: Order) -> Wallet | None:
    """The child's wallet that can pay today: within its window, not expired, not suspended, with money left."""
    request = order.request
    if not service_facts(request.service_id).accepts_voucher:
        return None
    today = timezone.localdate()
    wallets = (
        Wallet.objects.with_balance()
        .filter(child=request.child, holder=order.guardian, valid_from__lte=today, valid_until__gte=today)
        .filter(suspended_at__isnull=True)
        .order_by("valid_until", "pk")
    )
    return next((w for w in wallets if not w.is_expired and w.balance > ZERO), None)


def usable_wallets(guardian, children) -> dict[int, Wallet]:
    """For each child (id), the wallet the guardian could pay with today: within its window, not expired, money
    left; the one that ends first when there are several. One query, whatever the number of children."""
    today = timezone.localdate()
    wallets = (
        Wallet.objects.with_balance()
        .filter(child__in=children, holder=guardian, valid_from__lte=today, valid_until__gte=today)
        .order_by("valid_until", "pk")
    )
    usable: dict[int, Wallet] = {}
    for wallet in wallets:
        if wallet.child_id not in usable and not wallet.is_expired and wallet.balance > ZERO:
            usable[wallet.child_id] = wallet
    return usable


def voucher_cover(price: Decimal | None, unit: str, balance: Decimal) -> dict:
    """What a voucher balance (EUR) would pay of a catalogue price, before any quote.

    Returns {"covered": EUR the voucher pays of one price unit (or of the whole price), "rest": EUR left to the
    family for it, "units": how many whole units (sessions, months) the balance pays, or None for a price that is
    not per session or per month}. A missing price (on request) covers nothing yet: covered = rest = None.
    """
    if price is None:
        return {"covered": None, "rest": None, "units": None}
    covered = min(balance, price)
    per_unit = unit in ("session", "month") and price > ZERO
    return {"covered": covered, "rest": price - covered, "units": int(balance // price) if per_unit else None}


def pay(order: Order, *, method: str, attempt_key: str, actor) -> Order:
    """Pay the order: the voucher covers min(balance, price) (the balance read under the wallet lock), the gateway
    the rest.

    The gateway is called while the order row is locked, so two tabs paying at once cannot both pay.
    The same attempt_key pays once: a replay finds its Payment rows and changes nothing. If the remainder
    is declined, the voucher part is reversed and the order stays awaiting payment (a new attempt needs a
    new key). Everything is recorded, so what was paid is always computed from rows.
    """
    if method == Payment.Method.VOUCHER or method not in Payment.Method.values:
        raise BookingError(_("Scegli come pagare la parte non coperta dal voucher."), code="booking.payment_method")
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.payments.filter(attempt_key=attempt_key).exists():
            return order
        if order.state != Order.State.AWAITING_PAYMENT:
            raise BookingError(_("Questo acquisto non è da pagare."), code="booking.order_not_payable")
        wallet = usable_wallet(order)
        voucher_payment = None
        # How much the voucher pays is decided under the wallet lock, from the balance read there.
        entry = (
            vouchers.redeem_up_to(
                wallet,
                order.price,
                idempotency_key=f"order-{order.pk}-{attempt_key}",
                actor=actor,
                memo=str(order.request.service.title)[:255],
            )
            if wallet is not None
            else None
        )
        if entry is not None:
            voucher_payment = Payment.objects.create(
                order=order,
                method=Payment.Method.VOUCHER,
                amount=-entry.amount,
                status=Payment.Status.CONFIRMED,
                attempt_key=attempt_key,
                ledger_entry=entry,
            )
        remainder = order.price - (voucher_payment.amount if voucher_payment else ZERO)
        if remainder > ZERO:
            result = get_gateway().charge(order_id=order.pk, amount=remainder, method=method, attempt_key=attempt_key)
            Payment.objects.create(
                order=order,
                method=method,
                amount=remainder,
                status=Payment.Status.CONFIRMED if result.ok else Payment.Status.FAILED,
                attempt_key=attempt_key,
                reference=result.reference,
            )
            if not result.ok:
                if voucher_payment is not None:
                    vouchers.reverse(voucher_payment.ledger_entry, actor=actor, memo=str(_("Pagamento non riuscito")))
                    Payment.objects.filter(pk=voucher_payment.pk).update(status=Payment.Status.REVERSED)
                return order
        transition(order, Order.State.PAID, actor)
        emails.notify(
            "order_paid", emails.provider_address(order.provider_id), {"order": order, "request": order.request}
        )
    return order


def cancel_order(order: Order, *, actor) -> None:
    """Cancel and give the voucher part back to the wallet (refund entries, one per voucher payment)."""
    with transaction.atomic():
        transition(order, Order.State.CANCELLED, actor)
        for payment in order.payments.filter(method=Payment.Method.VOUCHER, status=Payment.Status.CONFIRMED):
            vouchers.refund(
                payment.ledger_entry,
                actor=actor,
                idempotency_key=f"refund-payment-{payment.pk}",
                memo=str(_("Acquisto annullato")),
            )
            Payment.objects.filter(pk=payment.pk).update(status=Payment.Status.REFUNDED)
        emails.notify("order_cancelled", emails.provider_address(order.provider_id), {"order": order})
        emails.notify("order_cancelled", emails.family_address(order.guardian), {"order": order})


def complete_order(order: Order, *, actor) -> None:
    with transaction.atomic():
        transition(order, Order.State.COMPLETED, actor)
        emails.notify(
            "order_completed",
            emails.family_address(order.guardian),
            {"order": order, "request": order.request, "url": reverse("booking:order", args=[order.pk])},
        )
