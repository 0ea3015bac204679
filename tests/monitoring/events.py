"""Requests, orders and funded micro-projects written straight to the tables with chosen dates, municipi and ages."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from booking.models import Child, Guardian, Order, Quote, ServiceRequest
from collective.models import Application, MicroProject, Participant
from tests.booking.factories import fiscal_code
from tests.collective import factories as collective

_serial = itertools.count(1)


def birth_for(age: int, when: datetime.datetime) -> datetime.date:
    """A birth date that makes the child `age` on `when`'s day (born 100 days before that day, `age` years
    earlier; 28 February stands for a 29 February in a year that has none)."""
    day = timezone.localtime(when).date()
    if (day.month, day.day) == (2, 29):
        day -= datetime.timedelta(days=1)
    return day.replace(year=day.year - age) - datetime.timedelta(days=100)


def event(world, service, *, municipio, age, when, order_state=None, price="50.00"):
    """A family in `municipio` whose child (aged `age` on `when`) requested `service` on `when`; with
    `order_state`, the quote was accepted into an order created the same day. Returns the request."""
    n = next(_serial)
    guardian = Guardian.objects.create(
        first_name="Genitore",
        last_name=f"Prova {n}",
        fiscal_code=fiscal_code(datetime.date(1980, 1, 1)),
        municipio=municipio,
    )
    birth = birth_for(age, when)
    child = Child.objects.create(
        guardian=guardian, first_name=f"Bimbo {n}", birth_date=birth, fiscal_code=fiscal_code(birth)
    )
    request = ServiceRequest.objects.create(
        guardian=guardian,
        child=child,
        service=service,
        provider_id=service.provider_page_id,
        preferred_start=when.date(),
        created_at=when,
        state=ServiceRequest.State.QUOTED if order_state else ServiceRequest.State.SENT,
    )
    if order_state:
        quote = Quote.objects.create(
            request=request,
            price=Decimal(price),
            start_date=when.date(),
            schedule="Sabato",
            valid_until=when.date(),
            created_by=world.staff,
            created_at=when,
            state=Quote.State.ACCEPTED,
        )
        Order.objects.create(
            quote=quote,
            guardian=guardian,
            provider_id=service.provider_page_id,
            price=Decimal(price),
            created_at=when,
            state=order_state,
        )
    return request


def funded_project(world, title, *, challenges, municipi, ages=(6, 10), reserved=3, participants=(), starts=None):
    """A micro-project of the world's provider, funded, with its nominal list: `participants` are (birth date,
    referred) pairs. Written straight to the tables, as the committee's and the City's steps would leave them."""
    call = collective.make_call(code=f"vc-{next(_serial)}")
    application = Application.objects.create(call=call, provider=world.provider, state=Application.State.SUBMITTED)
    starts = starts or datetime.date(2023, 1, 9)
    project = MicroProject.objects.create(
        application=application,
        title=title,
        challenges=challenges,
        age_min=ages[0],
        age_max=ages[1],
        municipi=municipi,
        venues="Sede",
        planned_participants=10,
        reserved_places=reserved,
        starts_on=starts,
        ends_on=starts + datetime.timedelta(days=120),
        amount_asked=Decimal("5000.00"),
        funding=MicroProject.Funding.FUNDED,
        funded_amount=Decimal("5000.00"),
    )
    for n, (born, referred) in enumerate(participants):
        Participant.objects.create(
            project=project,
            first_name="Partecipante",
            last_name=str(n),
            fiscal_code=fiscal_code(born),
            referrer=collective.referrer() if referred else None,
        )
    return project
