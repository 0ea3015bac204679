"""Cancelling an order with money already moved: only by agreement, the City deciding disputes.

The family asks, with a reason (`ask_cancellation`); the provider accepts or refuses, a refusal with a reason
(`answer_cancellation`); after a refusal the family may take it to the City (`dispute_cancellation`), whose
«Ufficio voucher» accepts or rejects with a reason (`decide_dispute`). Each move is a `booking.transitions`
transition of the `Cancellation` (audit action `booking.cancellation.<state>`: who, when, from, to, why).

On acceptance (`_cancel_and_refund`), in the same transaction: the order becomes «Annullato»; each voucher part
is refunded in full through the ledger (`booking.vouchers.refund`); each part paid to the provider is recorded as
refunded by the provider (status «Rimborsato», with the reference the accepting side gives, audit
`booking.payment.refunded`); a part still waiting for the provider's confirmation is withdrawn (`withdrawn`).
Refusals raise BookingError with an Italian message; nothing is half-written.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from booking import emails, vouchers
from booking.errors import BookingError
from booking.models import Cancellation, Order, Payment
from booking.transitions import transition
from core.audit import log_action

CS = Cancellation.State


def _required(reason: str, message) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise BookingError(message, code="booking.reason_required")
    return reason


def _family_url(order: Order) -> str:
    return reverse("booking:order", args=[order.pk])


def _step(cancellation: Cancellation, to_state: str, actor, reason: str, reason_field: str) -> Order:
    """One move of a cancellation after the family's request: the transition to `to_state` (audit
    `booking.cancellation.<to_state>`, `reason` as its why) and the reason kept on `reason_field`
    (`provider_reason`, `dispute_reason` or `city_reason`), which the order's pages show. Runs inside the
    caller's transaction; returns the cancelled-or-kept order. Raises TransitionNotAllowed (already moved).
    """
    transition(cancellation, to_state, actor, note=reason)
    Cancellation.objects.filter(pk=cancellation.pk).update(**{reason_field: reason})
    setattr(cancellation, reason_field, reason)
    return cancellation.order


def ask_cancellation(order: Order, *, actor, reason: str) -> Cancellation:
    """The family asks the provider to cancel a paid order (or one waiting for the provider's confirmation).

    reason: required free text. One request per order. Raises BookingError (`booking.reason_required`,
    `booking.cancel_not_possible`, `booking.cancellation_exists`).
    """
    reason = _required(reason, _("Scrivi perché vuoi annullare l'acquisto: l'ente lo legge prima di decidere."))
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.state not in (Order.State.PAID, Order.State.PAYMENT_PENDING):
            raise BookingError(
                _("Questo acquisto non si può annullare: lo stato attuale è «%(state)s».")
                % {"state": locked.get_state_display()},
                code="booking.cancel_not_possible",
            )
        if Cancellation.objects.filter(order=locked).exists():
            raise BookingError(
                _("Hai già chiesto di annullare questo acquisto: trovi la risposta nella pagina dell'acquisto."),
                code="booking.cancellation_exists",
            )
        cancellation = Cancellation.objects.create(order=locked, reason=reason)
        log_action(
            actor,
            f"booking.cancellation.{CS.REQUESTED}",
            cancellation,
            {"order": locked.pk},
            to_state=CS.REQUESTED,
            reason=reason,
        )
        emails.notify(
            "cancellation_requested",
            emails.provider_address(locked.provider_id),
            {"order": locked, "request": locked.request, "cancellation": cancellation},
        )
    return cancellation


def answer_cancellation(cancellation: Cancellation, *, accept: bool, actor, reason: str = "", refund_reference=""):
    """The provider accepts (the order is cancelled and refunded) or refuses (reason required) the family's request.

    refund_reference: how the provider gives back what was paid to it (e.g. the transfer's CRO), at most 100
    characters, recorded on those parts. Raises BookingError, TransitionNotAllowed (already answered).
    """
    if not accept:
        reason = _required(reason, _("Scrivi il motivo del rifiuto: la famiglia lo legge e può rivolgersi al Comune."))
    with transaction.atomic():
        order = _step(cancellation, CS.ACCEPTED if accept else CS.REFUSED, actor, reason, "provider_reason")
        if accept:
            _cancel_and_refund(order, actor, reason or str(_("Annullamento accettato dall'ente")), refund_reference)
        emails.notify(
            "cancellation_answered",
            emails.family_address(order.guardian),
            {"order": order, "request": order.request, "accepted": accept, "reason": reason, "url": _family_url(order)},
        )
    return cancellation


def dispute_cancellation(cancellation: Cancellation, *, actor, reason: str) -> Cancellation:
    """The family takes the provider's refusal to the City (reason required); «Ufficio voucher» decides."""
    reason = _required(reason, _("Scrivi perché non sei d'accordo con l'ente: il Comune lo legge prima di decidere."))
    with transaction.atomic():
        order = _step(cancellation, CS.DISPUTED, actor, reason, "dispute_reason")
        context = {"order": order, "request": order.request, "cancellation": cancellation, "reason": reason}
        emails.notify("cancellation_disputed", emails.provider_address(order.provider_id), context)
        emails.notify("cancellation_disputed", settings.BOOKING_CITY_OFFICE_EMAIL, context)
    return cancellation


def decide_dispute(cancellation: Cancellation, *, cancel: bool, actor, reason: str, refund_reference: str = ""):
    """The City («Ufficio voucher») decides a disputed cancellation: cancel (refunds as on the provider's
    acceptance) or keep the order. Reason required either way. Raises BookingError, TransitionNotAllowed."""
    reason = _required(reason, _("Scrivi il motivo della decisione: la leggono la famiglia e l'ente."))
    with transaction.atomic():
        order = _step(cancellation, CS.ACCEPTED if cancel else CS.REJECTED, actor, reason, "city_reason")
        if cancel:
            _cancel_and_refund(order, actor, reason, refund_reference)
        context = {"order": order, "request": order.request, "accepted": cancel, "reason": reason, "city": True}
        emails.notify(
            "cancellation_answered", emails.family_address(order.guardian), {**context, "url": _family_url(order)}
        )
        emails.notify("cancellation_answered", emails.provider_address(order.provider_id), context)
    return cancellation


def _cancel_and_refund(order: Order, actor, note: str, refund_reference: str) -> None:
    transition(order, Order.State.CANCELLED, actor, note=note)
    refund_reference = (refund_reference or "").strip()[:100]
    for payment in order.payments.select_for_update().filter(
        status__in=[Payment.Status.CONFIRMED, Payment.Status.PENDING]
    ):
        if payment.method == Payment.Method.VOUCHER:
            vouchers.refund(
                payment.ledger_entry,
                actor=actor,
                idempotency_key=f"refund-payment-{payment.pk}",
                memo=str(_("Acquisto annullato")),
            )
            to_state = Payment.Status.REFUNDED
        elif payment.status == Payment.Status.CONFIRMED:
            to_state = Payment.Status.REFUNDED
            Payment.objects.filter(pk=payment.pk).update(refund_reference=refund_reference)
        else:
            to_state = Payment.Status.WITHDRAWN
        Payment.objects.filter(pk=payment.pk).update(status=to_state)
        log_action(
            actor,
            f"booking.payment.{to_state}",
            payment,
            {"order": order.pk, "amount": str(payment.amount), "method": payment.method},
            from_state=payment.status,
            to_state=to_state,
            reason=refund_reference,
        )
