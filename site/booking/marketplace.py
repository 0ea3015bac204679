"""What families and providers do with requests, quotes, orders and ratings: the booking module's one entry point.

Orders and their payment live here; requests and quotes in `booking.quotes`, ratings in `booking.ratings`, the
message thread in `booking.threads`, all re-exported, so callers use `marketplace.<name>` whatever the module.
Every state change goes through booking.transitions.transition(); every voucher movement through
booking.vouchers; every email through booking.emails.notify (after commit). Services are read through
`catalog.facts` only.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking import emails, vouchers
from booking.cancellations import answer_cancellation, ask_cancellation, decide_dispute, dispute_cancellation
from booking.errors import BookingError
from booking.models import ZERO, Cancellation, Order, Payment, Quote, Wallet
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
    "answer_cancellation",
    "answer_deadline",
    "ask_cancellation",
    "cancel_order",
    "chosen_voucher_amount",
    "complete_order",
    "confirm_payment",
    "confirmation_deadline",
    "decide_dispute",
    "decline",
    "dispute_cancellation",
    "expire_overdue",
    "family_url",
    "flag_overdue_payments",
    "mark_read",
    "moderate",
    "offer_quote",
    "open_requests",
    "overdue_payments",
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


def chosen_voucher_amount(value) -> Decimal | None:
    """The voucher amount a family typed (EUR): None (use as much as possible) or a Decimal >= 0 with two places.

    Raises BookingError (Italian, code `booking.voucher_amount`) for anything else; the upper bound
    (min(balance, price)) is checked by `pay` under the wallet lock.
    """
    if value is None:
        return None
    try:
        amount = Decimal(str(value))
    except (ArithmeticError, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or amount < ZERO or amount != amount.quantize(Decimal("0.01")):
        raise BookingError(
            _("Indica quanto voucher usare: un importo in euro da 0 in su, con al massimo due decimali."),
            code="booking.voucher_amount",
        )
    return amount.quantize(Decimal("0.01"))


def confirmation_deadline(day: datetime.date) -> datetime.date:
    """The last day the provider has to confirm a part paid at its desk or by bank transfer announced on `day`:
    `settings.BOOKING_REMAINDER_CONFIRMATION_DAYS` working days later (Monday-Friday, Europe/Rome; the project's
    default of 10, as the call's text names no term). After it the part is flagged (`flag_overdue_payments`)."""
    return add_working_days(day, settings.BOOKING_REMAINDER_CONFIRMATION_DAYS)


def pay(order: Order, *, method: str, attempt_key: str, actor, voucher_amount=None) -> Order:
    """Pay the order: the voucher part, then the remainder by `method`.

    voucher_amount: the EUR of voucher the family chooses, from 0 to min(balance, price); None takes as much as
    possible (min(balance, price), the balance read under the wallet lock). More than the price, more than the
    balance, or any voucher without a usable one is refused (BookingError / VoucherError, Italian; nothing written).
    The remainder: by card through the gateway (`booking.payments`, paid when it answers ok); at the provider or by
    bank transfer a *pending* Payment due by `confirmation_deadline(today)` and the order is «Pagamento da
    confermare» until the provider confirms it (`confirm_payment`).

    The gateway is called while the order row is locked, so two tabs paying at once cannot both pay.
    The same attempt_key pays once: a replay finds its Payment rows and changes nothing. If the card is
    declined, the voucher part is reversed and the order stays awaiting payment (a new attempt needs a
    new key). Everything is recorded, so what was paid is always computed from rows.
    """
    voucher_amount = chosen_voucher_amount(voucher_amount)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.payments.filter(attempt_key=attempt_key).exists():
            return order
        if order.state != Order.State.AWAITING_PAYMENT:
            raise BookingError(_("Questo acquisto non è da pagare."), code="booking.order_not_payable")
        if voucher_amount is not None and voucher_amount > order.price:
            raise BookingError(
                _("Il voucher può pagare al massimo il prezzo dell'acquisto, %(price)s €.") % {"price": order.price},
                code="booking.voucher_amount",
            )
        wallet = usable_wallet(order) if voucher_amount != ZERO else None
        if voucher_amount and wallet is None:
            raise BookingError(
                _("Non hai un voucher utilizzabile per questo servizio: scegli 0 € di voucher."),
                code="booking.no_voucher",
            )
        key, memo = f"order-{order.pk}-{attempt_key}", str(order.request.service.title)[:255]
        entry = None
        if voucher_amount is None and wallet is not None:
            # How much the voucher pays is decided under the wallet lock, from the balance read there.
            entry = vouchers.redeem_up_to(wallet, order.price, idempotency_key=key, actor=actor, memo=memo)
        elif voucher_amount:
            entry = vouchers.redeem(wallet, voucher_amount, idempotency_key=key, actor=actor, memo=memo)
        voucher_payment = None
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
            if method == Payment.Method.VOUCHER or method not in Payment.Method.values:
                raise BookingError(
                    _("Scegli come pagare la parte non coperta dal voucher."), code="booking.payment_method"
                )
            if method in Payment.CONFIRMED_BY_PROVIDER:
                return _announce_remainder(order, method, remainder, attempt_key, actor)
            result = get_gateway().charge(order_id=order.pk, amount=remainder, method=method, attempt_key=attempt_key)
            Payment.objects.create(
                order=order,
                method=method,
                amount=remainder,
                status=Payment.Status.CONFIRMED if result.ok else Payment.Status.FAILED,
                attempt_key=attempt_key,
                reference=result.reference,
                confirmed_at=timezone.now() if result.ok else None,
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


def _announce_remainder(order: Order, method: str, amount: Decimal, attempt_key: str, actor) -> Order:
    """The family will pay `amount` at the provider or by bank transfer: a pending part, the order waits for it."""
    due_by = confirmation_deadline(timezone.localdate())
    payment = Payment.objects.create(
        order=order, method=method, amount=amount, status=Payment.Status.PENDING, attempt_key=attempt_key, due_by=due_by
    )
    log_action(
        actor,
        "booking.payment.pending",
        payment,
        {"order": order.pk, "amount": str(amount), "method": method, "due_by": due_by.isoformat()},
        to_state=Payment.Status.PENDING,
    )
    transition(order, Order.State.PAYMENT_PENDING, actor)
    emails.notify(
        "payment_to_confirm",
        emails.provider_address(order.provider_id),
        {"order": order, "request": order.request, "payment": payment},
    )
    return order


def confirm_payment(payment: Payment, *, actor, reference: str = "") -> Order:
    """The provider confirms it received a pending part (at its desk or by bank transfer); the order is paid when
    no part is pending any more.

    reference: optional (a receipt number, the transfer's CRO), at most 100 characters. Logged as
    `booking.payment.confirmed` (pending → confirmed) on the payment, then `booking.order.paid` when it was the last.
    Raises BookingError when the part is not pending or the order is no longer waiting for it (e.g. cancelled).
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=payment.order_id)
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status != Payment.Status.PENDING or order.state != Order.State.PAYMENT_PENDING:
            raise BookingError(_("Questo pagamento non è da confermare."), code="booking.payment_not_pending")
        reference = (reference or "").strip()[:100]
        Payment.objects.filter(pk=locked.pk).update(
            status=Payment.Status.CONFIRMED, confirmed_at=timezone.now(), confirmed_by=actor, reference=reference
        )
        log_action(
            actor,
            "booking.payment.confirmed",
            locked,
            {"order": order.pk, "amount": str(locked.amount), "method": locked.method},
            from_state=Payment.Status.PENDING,
            to_state=Payment.Status.CONFIRMED,
        )
        if not order.payments.filter(status=Payment.Status.PENDING).exists():
            transition(order, Order.State.PAID, actor, note=str(_("Pagamento confermato dall'ente")))
            emails.notify(
                "payment_confirmed",
                emails.family_address(order.guardian),
                {"order": order, "request": order.request, "url": reverse("booking:order", args=[order.pk])},
            )
    return order


def overdue_payments(provider_ids=None):
    """Parts still pending after their confirmation deadline (`Payment.due_by` before today, Europe/Rome)."""
    found = Payment.objects.filter(status=Payment.Status.PENDING, due_by__lt=timezone.localdate())
    return found if provider_ids is None else found.filter(order__provider_id__in=provider_ids)


def flag_overdue_payments() -> int:
    """Flag, once, each part pending past its deadline: `overdue_flagged_at`, an audit entry
    `booking.payment.overdue` (actor «scadenze») and an email to the provider's operators and to the City's
    «Ufficio voucher» mailbox (`settings.BOOKING_CITY_OFFICE_EMAIL`). Run daily by `expire_bookings`.
    Returns how many parts were flagged."""
    flagged = 0
    for payment in overdue_payments().filter(overdue_flagged_at__isnull=True).select_related("order"):
        with transaction.atomic():
            if not Payment.objects.filter(pk=payment.pk, overdue_flagged_at__isnull=True).update(
                overdue_flagged_at=timezone.now()
            ):
                continue
            log_action(
                None,
                "booking.payment.overdue",
                payment,
                {"order": payment.order_id, "amount": str(payment.amount), "due_by": payment.due_by.isoformat()},
                actor_label="scadenze",
            )
            context = {"order": payment.order, "payment": payment, "request": payment.order.request}
            emails.notify("payment_overdue", emails.provider_address(payment.order.provider_id), context)
            emails.notify("payment_overdue", settings.BOOKING_CITY_OFFICE_EMAIL, context)
        flagged += 1
    return flagged


def cancel_order(order: Order, *, actor) -> None:
    """The family cancels an order it has not paid any part of. An order with money moved (paid, or waiting for
    the provider's confirmation) is cancelled only by agreement (`booking.cancellations`): refused here with
    BookingError `booking.cancel_needs_agreement`."""
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.state in (Order.State.PAID, Order.State.PAYMENT_PENDING):
            raise BookingError(
                _("L'acquisto è già pagato in tutto o in parte: per annullarlo chiedilo all'ente, con un motivo."),
                code="booking.cancel_needs_agreement",
            )
        transition(order, Order.State.CANCELLED, actor)
        emails.notify("order_cancelled", emails.provider_address(order.provider_id), {"order": order})
        emails.notify("order_cancelled", emails.family_address(order.guardian), {"order": order})


def complete_order(order: Order, *, actor) -> None:
    """The provider marks a paid order completed; refused while the family's request to cancel it is open."""
    with transaction.atomic():
        if Cancellation.objects.filter(order_id=order.pk, state__in=Cancellation.OPEN).exists():
            raise BookingError(
                _("La famiglia ha chiesto di annullare questo acquisto: decidi prima sulla richiesta."),
                code="booking.cancellation_open",
            )
        transition(order, Order.State.COMPLETED, actor)
        emails.notify(
            "order_completed",
            emails.family_address(order.guardian),
            {"order": order, "request": order.request, "url": reverse("booking:order", args=[order.pk])},
        )
