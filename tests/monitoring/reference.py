"""The monitoring's refresh as it was before the one-pass rewrite: one grouped query per source, cut, period
split and call split. Kept as an independent way to count, so tests (and bench/monitoring.py, as its baseline)
can check that `monitoring.figures.compute()` gives the same figures. It does not know the micro-projects.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, CharField, Count, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear, TruncMonth
from django.utils import timezone

from booking.models import LedgerEntry, Order, Payment, ServiceRequest
from catalog import facts as catalogue
from monitoring.models import ALL_PERIODS, Cut, Fact, Metric, Scope
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


def _isee_band_annotation(path: str):
    return Case(
        *[When(**{f"{path}__lte": upper}, then=Value(code)) for code, upper in ISEE_BANDS],
        default=Value(ISEE_ABOVE),
        output_field=CharField(),
    )


@dataclass(frozen=True)
class Source:
    """Where one metric's rows come from, as ORM lookup paths from `queryset`'s model.

    `service` leads to the ServicePage ("" when the rows are services), or None when the rows have no
    service (voucher grants: they count for the whole project only). `birth` leads to the child's birth
    date and `date` to the event's date-time; `call` to the voucher call, or None when the metric is not
    split by call. `aggregate` is what a figure is: a Count or a Sum.
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
    #: The path to the wallet whose ISEE counts: only the application to that wallet's own call (None: the rows are
    #: applications and carry their ISEE).
    wallet: str | None = None


def _path(prefix: str | None, rest: str) -> str:
    return f"{prefix}__{rest}" if prefix else rest


def sources() -> list[Source]:
    """The six metrics' sources (see Metric). Counted states: an order is counted unless cancelled; a child
    is reached by a paid or completed order; voucher spending is the confirmed voucher part of payments
    (a reversed or refunded part is no longer confirmed)."""
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
            isee="ledger_entry__wallet__child__voucher_applications__application__isee_value",
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
            isee="wallet__child__voucher_applications__application__isee_value",
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


def _cut_rows(source: Source, cut: str, by_year: bool, by_call: bool) -> list[dict]:
    """One grouped query: rows of {scope, scope_key, cut_key, year?, call?, value}."""
    qs = source.queryset
    keys = []
    if source.service is None:
        qs = qs.annotate(_scope=Value(Scope.TOTAL), _scope_key=Value(0))
    else:
        qs = qs.annotate(
            _scope=F(_path(source.service, "monitoring_scopes__scope")),
            _scope_key=F(_path(source.service, "monitoring_scopes__key")),
        )
    keys += ["_scope", "_scope_key"]
    if cut == Cut.MUNICIPIO:
        qs = qs.annotate(_cut=F(source.municipio)).exclude(_cut=None)
        keys.append("_cut")
    elif cut == Cut.CATEGORY:
        qs = qs.annotate(_cut=F(_path(source.service, "category")))
        keys.append("_cut")
    elif cut == Cut.MONTH:
        qs = qs.annotate(_cut=TruncMonth(source.date))
        keys.append("_cut")
    elif cut == Cut.ISEE_BAND:
        if source.wallet:
            # The ISEE of the application that funded this wallet: the same call, never another one's.
            wallet = source.wallet
            qs = qs.filter(**{f"{wallet}__child__voucher_applications__call__money_call": F(f"{wallet}__call")})
        qs = qs.annotate(_cut=_isee_band_annotation(source.isee))
        keys.append("_cut")
    elif cut == Cut.AGE_BAND:
        parts, annotate_band = _age_band_annotation(source.date, source.birth)
        qs = annotate_band(qs.annotate(**parts)).exclude(_band="")
        keys.append("_band")
    if by_year:
        qs = qs.annotate(_year=ExtractYear(source.date))
        keys.append("_year")
    if by_call:
        qs = qs.annotate(_call=F(source.call)).exclude(_call=None)
        keys.append("_call")
    return list(qs.order_by().values(*keys).annotate(_value=source.aggregate))


def _service_age_rows(source: Source) -> list[dict]:
    """Services by age band: a service counts in every band its age range overlaps (one query per band)."""
    rows = []
    for code, low, high in AGE_BANDS:
        qs = source.queryset.filter(age_min__lte=high, age_max__gte=low).annotate(
            _scope=F("monitoring_scopes__scope"), _scope_key=F("monitoring_scopes__key")
        )
        for row in qs.order_by().values("_scope", "_scope_key").annotate(_value=source.aggregate):
            rows.append({**row, "_band": code})
    return rows


def _cut_key(cut: str, row: dict) -> str:
    if cut == Cut.ALL:
        return ""
    if cut == Cut.AGE_BAND:
        return row["_band"]
    value = row["_cut"]
    if cut == Cut.MONTH:
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%Y-%m")
    return str(value)


def compute() -> list[Fact]:
    """Every figure, as unsaved Fact rows (no write): the grouped queries of every source and cut."""
    facts: dict[tuple, Decimal] = {}
    years: set[int] = set()

    def add(period, call, row, cut, metric):
        key = (period, call, row["_scope"], row["_scope_key"], cut, _cut_key(cut, row), metric)
        facts[key] = facts.get(key, Decimal(0)) + Decimal(row["_value"] or 0)

    stock: list[tuple] = []
    for source in sources():
        for cut in source.cuts:
            for by_call in (False, True) if source.call else (False,):
                if source.date is None:
                    rows = _service_age_rows(source) if cut == Cut.AGE_BAND else _cut_rows(source, cut, False, False)
                    stock += [(row, cut, source.metric) for row in rows]
                    continue
                for by_year in (False, True):
                    for row in _cut_rows(source, cut, by_year, by_call):
                        period = str(row["_year"]) if by_year else ALL_PERIODS
                        if by_year:
                            years.add(row["_year"])
                        add(period, row.get("_call"), row, cut, source.metric)
    # The catalogue is a stock, not a flow: the same services figure stands in every period.
    for period in [ALL_PERIODS, *(str(year) for year in sorted(years))]:
        for row, cut, metric in stock:
            add(period, None, row, cut, metric)
    return [
        Fact(
            period=period,
            call_id=call,
            scope=scope,
            scope_key=scope_key,
            cut=cut,
            cut_key=cut_key,
            metric=metric,
            value=value,
        )
        for (period, call, scope, scope_key, cut, cut_key, metric), value in facts.items()
    ]
