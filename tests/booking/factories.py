"""Factories for the booking app: valid codici fiscali are computed, never hard-coded by hand."""

import datetime
import itertools
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from stdnum.it import codicefiscale

from booking import vouchers
from booking.models import Child, Guardian, VoucherCall

MONTHS = "ABCDEHLMPRST"
_serial = itertools.count(100)


def fiscal_code(
    birth_date: datetime.date, *, female: bool = False, surname: str = "RSS", name: str | None = None
) -> str:
    """A valid codice fiscale for this birth date; `name` defaults to a unique three-letter block."""
    if name is None:
        n = next(_serial)
        name = "".join("BCDFGHLMNPQRSTVZ"[(n // 16**i) % 16] for i in (2, 1, 0))
    day = birth_date.day + (40 if female else 0)
    body = f"{surname}{name}{birth_date.year % 100:02d}{MONTHS[birth_date.month - 1]}{day:02d}F205"
    return body + codicefiscale.calc_check_digit(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"family{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    user = factory.SubFactory(UserFactory)
    first_name = "Lucia"
    last_name = "Rossi"
    fiscal_code = factory.LazyFunction(lambda: fiscal_code(datetime.date(1985, 3, 14), female=True))
    email = factory.LazyAttribute(lambda o: o.user.email if o.user else "")


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    guardian = factory.SubFactory(GuardianFactory)
    first_name = "Marco"
    birth_date = datetime.date(2015, 6, 2)
    fiscal_code = factory.LazyAttribute(lambda o: fiscal_code(o.birth_date))


class VoucherCallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VoucherCall

    name = factory.Sequence(lambda n: f"Voucher 0-18 edizione {n}")
    code = factory.Sequence(lambda n: f"voucher-{n}")
    budget = Decimal("100000.00")
    valid_from = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))
    valid_until = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=300))


def make_wallet(value="300.00", *, child=None, call=None, **kwargs):
    child = child or ChildFactory()
    return vouchers.create_wallet(
        child=child, holder=child.guardian, call=call or VoucherCallFactory(), value=Decimal(value), **kwargs
    )


def service_setup(home_page, **service_fields):
    """A provider (with its staff user) offering one live service, built with the catalogue's factories."""
    from tests.catalog import factories as catalog

    _catalog, _categories, index = catalog.catalog_tree(home_page)
    provider = catalog.provider(index, "Ente Uno", number=1)
    service = catalog.service(provider, **service_fields)
    staff = catalog.provider_user("ente-uno", provider)
    return provider, service, staff


def make_request(service, *, child=None, **fields):
    from booking.models import ServiceRequest

    child = child or ChildFactory()
    return ServiceRequest.objects.create(
        guardian=child.guardian,
        child=child,
        service=service,
        provider_id=service.provider_page_id,
        preferred_start=fields.pop("preferred_start", datetime.date.today() + datetime.timedelta(days=10)),
        **fields,
    )


def quoted(service, staff, *, price="100.00", child=None):
    """A request with an offered quote."""
    from booking import marketplace

    request = make_request(service, child=child)
    today = datetime.date.today()
    return marketplace.offer_quote(
        request,
        actor=staff,
        price=Decimal(price),
        start_date=today + datetime.timedelta(days=14),
        schedule="Mercoledì 17:00-18:30",
        valid_until=today + datetime.timedelta(days=7),
    )


def accepted_order(service, staff, *, price="100.00", child=None):
    from booking import marketplace

    quote = quoted(service, staff, price=price, child=child)
    return marketplace.accept_quote(quote, actor=quote.request.guardian.user)
