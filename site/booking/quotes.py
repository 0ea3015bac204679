"""Requests and quotes: a family asks providers for services, a provider answers with a quote or declines.

Services are read through `catalog.facts` only. Every state change goes through booking.transitions.transition();
every email through booking.emails.notify (after commit). Raises BookingError for a refused action.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking import emails
from booking.errors import BookingError
from booking.models import Child, Guardian, Quote, ServiceRequest, cents
from booking.transitions import transition
from catalog.facts import ServiceFacts, services_facts
from core.audit import log_action


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def add_working_days(day: datetime.date, days: int) -> datetime.date:
    """`days` working days after `day`, skipping Saturdays and Sundays."""
    while days > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def answer_deadline(sent_at: datetime.datetime, max_wait_days: int) -> datetime.date:
    """The last day a provider may answer a request sent at `sent_at`: the service's maximum wait
    (`ServiceFacts.max_wait_days`, working days, Monday-Friday) after the day it was sent (Europe/Rome).
    After it the request expires (`expire_overdue`)."""
    return add_working_days(timezone.localdate(sent_at), max_wait_days)


def age_refusal(service: ServiceFacts, child: Child, day: datetime.date) -> str | None:
    """Why the child's age on `day` is outside the service's range (Italian, names the child and the ages), or None."""
    age = age_on(child.birth_date, day)
    if service.admits_age(age):
        return None
    return _("%(name)s ha %(age)s anni: «%(service)s» è per bambine e bambini da %(min)s a %(max)s anni.") % {
        "service": service.title,
        "min": service.age_min,
        "max": service.age_max,
        "name": child.first_name,
        "age": age,
    }


def refusal(service: ServiceFacts, child: Child, start: datetime.date) -> str | None:
    """Why this child cannot ask for this service, or None."""
    if not service.live:
        return _("«%(service)s» non è più disponibile nel catalogo.") % {"service": service.title}
    age = age_on(child.birth_date, start)
    if not service.admits_age(age):
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

    `services`: the services asked for, as `catalog.facts.ServiceFacts`, service pages or ids (read again here).
    A service this child already has an open request for (see `open_requests`) is refused with an Italian
    message; two submissions at once meet the partial unique constraint on «sent» requests, and the second
    gets the same message. Raises BookingError.
    """
    if child.guardian_id != guardian.pk:
        raise BookingError(
            _("Puoi fare richieste solo per le tue figlie e i tuoi figli."), code="booking.not_your_child"
        )
    services = services_facts(services, live_only=False)
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


def already_open(child: Child, services: list[ServiceFacts]) -> list[str]:
    """Why each of these services cannot be asked again for this child: an open request exists (Italian)."""
    titles = dict(
        open_requests()
        .filter(child=child, service_id__in=[service.id for service in services])
        .values_list("service_id", "service__title")
    )
    return [
        _(
            "Hai già una richiesta aperta per «%(service)s» per %(name)s: la trovi tra le tue richieste. "
            "Attendi la risposta dell'ente, oppure ritirala prima di inviarne un'altra."
        )
        % {"service": title, "name": child.first_name}
        for title in titles.values()
    ]


def _create_requests(guardian, child, services: list[ServiceFacts], preferred_start, preferred_end, days, message):
    created = []
    with transaction.atomic():
        for service in services:
            request = ServiceRequest.objects.create(
                guardian=guardian,
                child=child,
                service_id=service.id,
                provider_id=service.provider_id,
                preferred_start=preferred_start,
                preferred_end=preferred_end,
                preferred_days=",".join(str(d) for d in sorted(days)),
                message=message,
            )
            created.append(request)
            log_action(guardian.user, "booking.request.sent", request, to_state=ServiceRequest.State.SENT)
            emails.notify(
                "request_sent",
                emails.provider_address(service.provider_id),
                {"request": request, "service": service, "url": reverse("booking_provider_request", args=[request.pk])},
            )
    return created


def family_url(request: ServiceRequest) -> str:
    """The family's page of this request (a path, for emails)."""
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
            {"request": request, "quote": quote, "url": family_url(request)},
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
            {"request": request, "reason": reason, "url": family_url(request)},
        )


def withdraw(request: ServiceRequest, *, actor) -> None:
    with transaction.atomic():
        transition(request, ServiceRequest.State.WITHDRAWN, actor)
        emails.notify("request_withdrawn", emails.provider_address(request.provider_id), {"request": request})


def reject_quote(quote: Quote, *, actor) -> None:
    with transaction.atomic():
        transition(quote, Quote.State.REJECTED, actor)
        emails.notify("quote_rejected", emails.provider_address(quote.request.provider_id), {"request": quote.request})


def expire_overdue(today: datetime.date | None = None) -> tuple[int, int]:
    """Requests unanswered beyond the service's maximum wait (working days) and quotes past their date."""
    today = today or timezone.localdate()
    requests_expired = 0
    sent = list(ServiceRequest.objects.filter(state=ServiceRequest.State.SENT).select_related("guardian"))
    max_wait = {
        service.id: service.max_wait_days
        for service in services_facts({request.service_id for request in sent}, live_only=False)
    }
    for request in sent:
        if today > answer_deadline(request.created_at, max_wait[request.service_id]):
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
                    {"request": request, "url": family_url(request)},
                )
            requests_expired += 1
    quotes_expired = 0
    for quote in Quote.objects.filter(state=Quote.State.OFFERED, valid_until__lt=today):
        transition(quote, Quote.State.EXPIRED, None, actor_label="scadenze")
        quotes_expired += 1
    return requests_expired, quotes_expired
