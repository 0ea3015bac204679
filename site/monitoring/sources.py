"""The monitoring's sources and bands: where each metric's rows come from (`Source`, `sources()`), the age and
ISEE bands the figures are cut by, and the SQL expressions that put a row in its band.

Split from `monitoring.figures` (issue 9: modules along the domain), which reads these declarations and computes
the figures from them; its docstring says what each source counts and where the municipio and the age come from.
"""

from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear

from booking.models import LedgerEntry, Order, Payment, ServiceRequest
from catalog import facts as catalogue
from collective.models import Challenge as CollectiveChallenge
from monitoring.models import Cut, Metric
from vouchercall.models import Application

# Age bands of the monitoring (years completed, inclusive): the school stages of the Italian system,
# infanzia 0-5, primaria 6-10, secondaria di primo grado 11-13, secondaria di secondo grado 14-17.
AGE_BANDS = [("0-5", 0, 5), ("6-10", 6, 10), ("11-13", 11, 13), ("14-17", 14, 17)]


# ISEE bands of the monitoring (EUR, upper bound included): the 2022 call's ceiling was 27,000 EUR.
ISEE_BANDS = [
    ("0-5000", 5000),
    ("5000-10000", 10000),
    ("10000-15000", 15000),
    ("15000-20000", 20000),
    ("20000-27000", 27000),
]
ISEE_ABOVE = "oltre-27000"

# The collective call's challenge codes and the number of the challenge page each is (the seeds' «Le sfide per la
# città», numbered in the same order as the minisite's challenge pages).
CHALLENGE_NUMBERS = {
    CollectiveChallenge.EDUCATION_HEALTH: 1,
    CollectiveChallenge.EXTRACURRICULAR: 2,
    CollectiveChallenge.SOCIAL_LIFE: 3,
    CollectiveChallenge.SEGREGATION: 4,
    CollectiveChallenge.SCHOOL_ROLE: 5,
    CollectiveChallenge.SPECIAL_NEEDS: 6,
}


def isee_band_of(value) -> str:
    """The band code of an ISEE value in EUR ("0-5000" ... "20000-27000", or "oltre-27000")."""
    for code, upper in ISEE_BANDS:
        if value <= upper:
            return code
    return ISEE_ABOVE


def _isee_band_annotation(isee: str):
    """A SQL expression for the band code of the ISEE annotation named `isee`, or "" where there is none."""
    return Case(
        When(**{f"{isee}__isnull": True}, then=Value("")),
        *[When(**{f"{isee}__lte": upper}, then=Value(code)) for code, upper in ISEE_BANDS],
        default=Value(ISEE_ABOVE),
        output_field=CharField(),
    )


def age_band_of(age: int) -> str | None:
    """The band code of an age in years ("0-5" ... "14-17"), or None at 18 and over."""
    for code, low, high in AGE_BANDS:
        if low <= age <= high:
            return code
    return None


def bands_overlapping(age_min, age_max) -> list[str]:
    """The band codes an age range (years, inclusive) overlaps; none when either end is missing."""
    if age_min is None or age_max is None:
        return []
    return [code for code, low, high in AGE_BANDS if age_min <= high and age_max >= low]


@dataclass(frozen=True)
class Source:
    """Where one metric's rows come from, as ORM lookup paths from `queryset`'s model.

    `service` leads to the ServicePage ("" when the rows are services), or None when the rows have no
    service (voucher grants: they count for the whole project only). `birth` leads to the child's birth
    date and `date` to the event's date-time; `call` to the voucher call, or None when the metric is not
    split by call. `aggregate` is what a figure is: a Count or a Sum, which adds up across groups.
    """

    metric: str
    queryset: object
    aggregate: object
    date: str | None
    service: str | None
    municipio: str
    birth: str | None
    call: str | None = None
    cuts: tuple = field(default=(Cut.ALL, Cut.MUNICIPIO, Cut.AGE_BAND, Cut.CATEGORY, Cut.MONTH))
    #: The path to the family's ISEE (EUR), or None.
    isee: str | None = None
    #: The path to the wallet whose ISEE counts: the ISEE of the application to that wallet's own call (None: the rows
    #: are applications and carry their ISEE in `isee`).
    wallet: str | None = None
    #: The path to what the figure counts once however many rows lead to it (the child reached), or None when the
    #: aggregate adds up across groups.
    distinct: str | None = None


def _path(prefix: str | None, rest: str) -> str:
    return f"{prefix}__{rest}" if prefix else rest


def sources() -> list[Source]:
    """The flow metrics' sources (see Metric), then the catalogue's. Counted states: an order is counted unless
    cancelled; a child is reached by a paid or completed order; voucher spending is the confirmed voucher part of
    payments (a reversed or refunded part is no longer confirmed)."""
    reached = [Order.State.PAID, Order.State.COMPLETED]
    return [
        Source(
            Metric.REQUESTS,
            ServiceRequest.objects.all(),
            Count("pk", distinct=True),
            date="created_at",
            service="service",
            municipio="guardian__municipio",
            birth="child__birth_date",
        ),
        Source(
            Metric.ORDERS,
            Order.objects.exclude(state=Order.State.CANCELLED),
            Count("pk", distinct=True),
            date="created_at",
            service="quote__request__service",
            municipio="guardian__municipio",
            birth="quote__request__child__birth_date",
        ),
        Source(
            Metric.CHILDREN,
            Order.objects.filter(state__in=reached),
            Count("quote__request__child", distinct=True),
            date="created_at",
            service="quote__request__service",
            municipio="guardian__municipio",
            birth="quote__request__child__birth_date",
            distinct="quote__request__child",
        ),
        Source(
            Metric.VOUCHER_SPENT,
            Payment.objects.filter(method=Payment.Method.VOUCHER, status=Payment.Status.CONFIRMED),
            Sum("amount"),
            date="created_at",
            service="order__quote__request__service",
            municipio="order__guardian__municipio",
            birth="order__quote__request__child__birth_date",
            call="ledger_entry__wallet__call",
            wallet="ledger_entry__wallet",
            cuts=(Cut.ALL, Cut.MUNICIPIO, Cut.AGE_BAND, Cut.CATEGORY, Cut.MONTH, Cut.ISEE_BAND),
        ),
        Source(
            Metric.VOUCHER_GRANTED,
            LedgerEntry.objects.filter(kind=LedgerEntry.Kind.GRANT),
            Sum("amount"),
            date="created_at",
            service=None,
            municipio="wallet__holder__municipio",
            birth="wallet__child__birth_date",
            call="wallet__call",
            wallet="wallet",
            cuts=(Cut.ALL, Cut.MUNICIPIO, Cut.AGE_BAND, Cut.MONTH, Cut.ISEE_BAND),
        ),
        Source(
            Metric.APPLICATIONS,
            Application.objects.exclude(state=Application.State.WITHDRAWN),
            Count("pk", distinct=True),
            date="sent_at",
            service=None,
            municipio="guardian__municipio",
            birth=None,
            call="call__money_call",
            isee="isee_value",
            cuts=(Cut.ALL, Cut.MUNICIPIO, Cut.MONTH, Cut.ISEE_BAND),
        ),
        Source(
            Metric.SERVICES,
            catalogue.live_services(),
            Count("pk", distinct=True),
            date=None,
            service="",
            municipio="served_municipi__municipio",
            birth=None,
            cuts=(Cut.ALL, Cut.MUNICIPIO, Cut.AGE_BAND, Cut.CATEGORY),
        ),
    ]


def _age_band_annotation(date_path: str, birth_path: str):
    """A SQL expression for the band of the child's age on the event's day (both backends)."""
    years = ExtractYear(date_path) - ExtractYear(birth_path)
    before_birthday = Q(_em__lt=F("_bm")) | Q(_em=F("_bm"), _ed__lt=F("_bd"))
    return {
        "_em": ExtractMonth(date_path),
        "_ed": ExtractDay(date_path),
        "_bm": ExtractMonth(birth_path),
        "_bd": ExtractDay(birth_path),
    }, lambda qs: qs.annotate(
        _age=years - Case(When(before_birthday, then=Value(1)), default=Value(0), output_field=IntegerField())
    ).annotate(
        _band=Case(
            *[When(_age__gte=low, _age__lte=high, then=Value(code)) for code, low, high in AGE_BANDS],
            default=Value(""),
            output_field=CharField(),
        )
    )
