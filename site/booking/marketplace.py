"""What families and providers do with requests, quotes, orders and ratings.

Every state change goes through booking.transitions.transition(); every voucher movement through
booking.vouchers; every email through booking.emails.notify (after commit).
"""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking import emails, vouchers
from booking.models import (
    ZERO,
    Child,
    Guardian,
    Message,
    Order,
    Payment,
    Quote,
    Rating,
    ServiceRequest,
    Wallet,
    cents,
)
from booking.payments import get_gateway
from booking.transitions import transition
from catalog import search_sync
from core.audit import log_action
from core.errors import DomainError


class BookingError(DomainError):
    """A refused booking action; `message` is Italian and safe to show, `code` names the rule."""

    code = "booking.refused"


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def add_working_days(day: datetime.date, days: int) -> datetime.date:
    """`days` working days after `day`, skipping Saturdays and Sundays."""
    while days > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def answer_deadline(request: ServiceRequest) -> datetime.date:
    """The last day the provider may answer a request: the service's maximum wait (`max_wait_days`, working days,
    Monday-Friday) after the day it was sent (Europe/Rome). After it the request expires (`expire_overdue`)."""
    return add_working_days(timezone.localdate(request.created_at), request.service.max_wait_days)


def age_refusal(service, child: Child, day: datetime.date) -> str | None:
    """Why the child's age on `day` is outside the service's range (Italian, names the child and the ages), or None."""
    age = age_on(child.birth_date, day)
    if service.age_min <= age <= service.age_max:
        return None
    return _("%(name)s ha %(age)s anni: «%(service)s» è per bambine e bambini da %(min)s a %(max)s anni.") % {
        "service": service.title,
        "min": service.age_min,
        "max": service.age_max,
        "name": child.first_name,
        "age": age,
    }


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


def usable_wallets(guardian: Guardian, children) -> dict[int, Wallet]:
    """For each child (id), the wallet the guardian could pay with today: within its window, not expired, money
    left; the one that ends first when there are several. Two queries, whatever the number of children."""
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


def refusal(service, child: Child, start: datetime.date) -> str | None:
    """Why this child cannot ask for this service, or None."""
    if not service.live:
        return _("«%(service)s» non è più disponibile nel catalogo.") % {"service": service.title}
    age = age_on(child.birth_date, start)
    if not service.age_min <= age <= service.age_max:
        return _(
            "«%(service)s» è per bambine e bambini da %(min)s a %(max)s anni: %(name)s all'inizio indicato "
            "avrà %(age)s anni."
        ) % {
            "service": service.title,
            "min": service.age_min,
            "max": service.age_max,
            "name": child.first_name,
            "age": age,
        }
    return None


def send_requests(
    *, guardian: Guardian, child: Child, services, preferred_start, preferred_end=None, days=(), message=""
) -> list[ServiceRequest]:
    """One request per service, all or none; a refused service refuses the whole submission.

    A service this child already has an open request for (see `open_requests`) is refused with an Italian
    message; two submissions at once meet the partial unique constraint on «sent» requests, and the second
    gets the same message. Raises BookingError.
    """
    if child.guardian_id != guardian.pk:
        raise BookingError(
            _("Puoi fare richieste solo per le tue figlie e i tuoi figli."), code="booking.not_your_child"
        )
    problems = [reason for service in services if (reason := refusal(service, child, preferred_start))]
    problems += already_open(child, services)
    if problems:
        raise BookingError(" ".join(str(p) for p in problems), code="booking.service_refused")
    try:
        return _create_requests(guardian, child, services, preferred_start, preferred_end, days, message)
    except IntegrityError:
        # Another submission of the same form got there first (the partial unique constraint on open requests).
        if duplicates := already_open(child, services):
            raise BookingError(" ".join(str(p) for p in duplicates), code="booking.request_already_open") from None
        raise


def open_requests():
    """Requests still open: awaiting the provider, or quoted with the quote awaiting the family's decision."""
    return ServiceRequest.objects.filter(
        Q(state=ServiceRequest.State.SENT) | Q(state=ServiceRequest.State.QUOTED, quote__state=Quote.State.OFFERED)
    )


def already_open(child: Child, services) -> list[str]:
    """Why each of these services cannot be asked again for this child: an open request exists (Italian)."""
    titles = dict(open_requests().filter(child=child, service__in=services).values_list("service_id", "service__title"))
    return [
        _(
            "Hai già una richiesta aperta per «%(service)s» per %(name)s: la trovi tra le tue richieste. "
            "Attendi la risposta dell'ente, oppure ritirala prima di inviarne un'altra."
        )
        % {"service": title, "name": child.first_name}
        for title in titles.values()
    ]


def _create_requests(guardian, child, services, preferred_start, preferred_end, days, message):
    created = []
    with transaction.atomic():
        for service in services:
            request = ServiceRequest.objects.create(
                guardian=guardian,
                child=child,
                service=service,
                provider_id=service.provider_page_id or service.get_parent().pk,
                preferred_start=preferred_start,
                preferred_end=preferred_end,
                preferred_days=",".join(str(d) for d in sorted(days)),
                message=message,
            )
            created.append(request)
            log_action(guardian.user, "booking.request.sent", request, to_state=ServiceRequest.State.SENT)
            emails.notify(
                "request_sent",
                emails.provider_address(service.provider()),
                {"request": request, "service": service, "url": reverse("booking_provider_request", args=[request.pk])},
            )
    return created


def _family_url(request: ServiceRequest) -> str:
    return reverse("booking:request", args=[request.pk])


def offer_quote(request: ServiceRequest, *, actor, price, start_date, schedule, valid_until, notes="") -> Quote:
    with transaction.atomic():
        transition(request, ServiceRequest.State.QUOTED, actor)
        quote = Quote.objects.create(
            request=request,
            price=cents(price),
            start_date=start_date,
            schedule=schedule,
            notes=notes,
            valid_until=valid_until,
            created_by=actor,
        )
        log_action(actor, "booking.quote.offered", quote, {"price": str(quote.price)}, to_state=Quote.State.OFFERED)
        emails.notify(
            "quote_offered",
            emails.family_address(request.guardian),
            {"request": request, "quote": quote, "url": _family_url(request)},
        )
    return quote


def decline(request: ServiceRequest, *, actor, reason: str) -> None:
    with transaction.atomic():
        transition(request, ServiceRequest.State.DECLINED, actor, note=reason)
        ServiceRequest.objects.filter(pk=request.pk).update(decline_reason=reason)
        request.decline_reason = reason
        emails.notify(
            "request_declined",
            emails.family_address(request.guardian),
            {"request": request, "reason": reason, "url": _family_url(request)},
        )


def withdraw(request: ServiceRequest, *, actor) -> None:
    with transaction.atomic():
        transition(request, ServiceRequest.State.WITHDRAWN, actor)
        emails.notify("request_withdrawn", emails.provider_address(request.provider), {"request": request})


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
            quote=quote, guardian=request.guardian, provider=request.provider, price=quote.price
        )
        log_action(
            actor, "booking.order.created", order, {"price": str(order.price)}, to_state=Order.State.AWAITING_PAYMENT
        )
        if order.price == ZERO:
            transition(order, Order.State.PAID, actor, note=str(_("Servizio gratuito")))
            emails.notify("order_paid", emails.provider_address(request.provider), {"order": order, "request": request})
        else:
            emails.notify(
                "quote_accepted", emails.provider_address(request.provider), {"order": order, "request": request}
            )
    return order


def reject_quote(quote: Quote, *, actor) -> None:
    with transaction.atomic():
        transition(quote, Quote.State.REJECTED, actor)
        emails.notify("quote_rejected", emails.provider_address(quote.request.provider), {"request": quote.request})


def usable_wallet(order: Order) -> Wallet | None:
    """The child's wallet that can pay today: within its window, not expired, with money left."""
    request = order.request
    if not request.service.voucher_accepted:
        return None
    today = timezone.localdate()
    wallets = (
        Wallet.objects.with_balance()
        .filter(child=request.child, holder=order.guardian, valid_from__lte=today, valid_until__gte=today)
        .order_by("valid_until", "pk")
    )
    return next((w for w in wallets if not w.is_expired and w.balance > ZERO), None)


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
        emails.notify("order_paid", emails.provider_address(order.provider), {"order": order, "request": order.request})
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
        emails.notify("order_cancelled", emails.provider_address(order.provider), {"order": order})
        emails.notify("order_cancelled", emails.family_address(order.guardian), {"order": order})


def complete_order(order: Order, *, actor) -> None:
    with transaction.atomic():
        transition(order, Order.State.COMPLETED, actor)
        emails.notify(
            "order_completed",
            emails.family_address(order.guardian),
            {"order": order, "request": order.request, "url": reverse("booking:order", args=[order.pk])},
        )


def rate(order: Order, *, actor, overall, quality, punctuality, courtesy, comment="") -> Rating:
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.state != Order.State.COMPLETED:
            raise BookingError(
                _("Puoi dare il tuo giudizio quando l'ente ha concluso il servizio."), code="booking.rating_too_early"
            )
        if Rating.objects.filter(order=order).exists():
            raise BookingError(_("Hai già dato il tuo giudizio su questo servizio."), code="booking.rating_given")
        comment = comment.strip()
        rating = Rating.objects.create(
            order=order,
            service_id=order.quote.request.service_id,
            overall=overall,
            quality=quality,
            punctuality=punctuality,
            courtesy=courtesy,
            comment=comment,
            moderation=Rating.Moderation.PENDING if comment else Rating.Moderation.NONE,
        )
        search_sync.schedule([rating.service_id])
    ratings_changed()
    return rating


def moderate(rating: Rating, *, approve: bool, actor) -> None:
    """Only the City publishes a comment (the admin view checks the permission)."""
    if rating.moderation != Rating.Moderation.PENDING:
        raise BookingError(_("Questo commento è già stato moderato."), code="booking.rating_moderated")
    status = Rating.Moderation.APPROVED if approve else Rating.Moderation.REJECTED
    with transaction.atomic():
        if not Rating.objects.filter(pk=rating.pk, moderation=Rating.Moderation.PENDING).update(
            moderation=status, moderated_by=actor, moderated_at=timezone.now()
        ):
            raise BookingError(_("Questo commento è già stato moderato."), code="booking.rating_moderated")
        log_action(actor, f"booking.rating.{status}", rating, from_state=Rating.Moderation.PENDING, to_state=status)
    rating.moderation = status
    ratings_changed()


def reply(rating: Rating, *, text: str, actor) -> None:
    """The provider's public reply: once."""
    text = text.strip()
    if not text:
        raise BookingError(_("Scrivi la risposta."), code="booking.reply_empty")
    if not Rating.objects.filter(pk=rating.pk, reply="").update(reply=text, replied_at=timezone.now()):
        raise BookingError(_("Hai già risposto a questo giudizio."), code="booking.reply_given")
    rating.reply = text
    ratings_changed()


def ratings_changed(**kwargs) -> None:
    """Drop the service pages' cached ratings (they are cached with the sheet, see `service_ratings`).

    Called after every change made here with `update()`, and connected to Rating's post_save and post_delete.
    """
    from theme.chrome_cache import invalidate

    invalidate()


def rating_summary(service_id: int) -> dict:
    data = Rating.objects.filter(service_id=service_id).aggregate(
        average=Avg("overall"),
        count=Count("pk"),
        quality=Avg("quality"),
        punctuality=Avg("punctuality"),
        courtesy=Avg("courtesy"),
    )
    data["comments"] = Rating.objects.filter(service_id=service_id, moderation=Rating.Moderation.APPROVED).order_by(
        "-created_at"
    )[:20]
    return data


def post_message(request: ServiceRequest, *, sender, from_family: bool, body: str, attachment=None) -> Message:
    with transaction.atomic():
        message = Message.objects.create(
            request=request, sender=sender, from_family=from_family, body=body, attachment=attachment or ""
        )
        if from_family:
            to = emails.provider_address(request.provider)
            url = reverse("booking_provider_request", args=[request.pk])
        else:
            to, url = emails.family_address(request.guardian), _family_url(request)
        emails.notify("message_received", to, {"request": request, "url": url})
    return message


def mark_read(request: ServiceRequest, *, reader_is_family: bool) -> None:
    """Opening the thread reads what the other side wrote."""
    Message.objects.filter(request=request, from_family=not reader_is_family, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def expire_overdue(today: datetime.date | None = None) -> tuple[int, int]:
    """Requests unanswered beyond the service's maximum wait (working days) and quotes past their date."""
    today = today or timezone.localdate()
    requests_expired = 0
    for request in ServiceRequest.objects.filter(state=ServiceRequest.State.SENT).select_related("service", "guardian"):
        if today > answer_deadline(request):
            with transaction.atomic():
                transition(
                    request,
                    ServiceRequest.State.EXPIRED,
                    None,
                    note=str(_("Nessuna risposta nei tempi")),
                    actor_label="scadenze",
                )
                emails.notify(
                    "request_expired",
                    emails.family_address(request.guardian),
                    {"request": request, "url": _family_url(request)},
                )
            requests_expired += 1
    quotes_expired = 0
    for quote in Quote.objects.filter(state=Quote.State.OFFERED, valid_until__lt=today):
        transition(quote, Quote.State.EXPIRED, None, actor_label="scadenze")
        quotes_expired += 1
    return requests_expired, quotes_expired
