"""`refresh()` writes the monitoring's figures; `facts()` reads them back for a period and a call.

Each figure is an aggregate over one *source* (requests, orders, children reached, voucher grants and
voucher spending, services in the catalogue, applications to the voucher call, funded micro-projects and their
nominal lists), for one *scope* (the project, a challenge, a wellbeing dimension) and one *cut* (none, municipio,
age band, category, month, ISEE band: the family's ISEE in the call that funded the voucher), in a calendar year
(Europe/Rome) or over all years. A service counts for a challenge when its sheet names it, and for a dimension
when one of its challenges touches it (WISH MI's model: the six challenges each address some of the seven
dimensions); a micro-project likewise through the challenges its application names.

Set-based, one pass per source: each source is read by one grouped query over every key it is cut by (scope,
municipio, age band, category, month, ISEE band, call) and the figures of every cut, period and call are summed
from those groups in Python; the children reached, which must be counted once however many groups they fall in,
are written once into a temporary table of distinct (scope, keys, child) rows, then counted per cut there. The
number of queries is fixed (about twenty), whatever the volume; no query per row.

Where the municipio comes from: the family's (the guardian's) for requests, orders and vouchers; the municipi a
service declares it serves for the catalogue, the municipi a micro-project names for it. Ages are the child's on
the day of the event (for a micro-project's participants: at the project's start, from the codice fiscale); a
service or a micro-project counts in every age band its age range overlaps.
"""

import datetime
import time
from collections import defaultdict
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, Value
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone
from stdnum.it import codicefiscale

from catalog import facts as catalogue
from challenges.models import ChallengePage
from collective.models import MicroProject, Participant
from monitoring.models import ALL_PERIODS, Cut, Fact, Metric, Refresh, Scope, ServiceScope
from monitoring.sources import (
    CHALLENGE_NUMBERS,
    Source,
    _age_band_annotation,
    _isee_band_annotation,
    _path,
    age_band_of,
    bands_overlapping,
    sources,
)


def _scoped(source: Source):
    """The source's rows with `_scope` and `_scope_key`: one row per scope a row's service counts for."""
    if source.service is None:
        return source.queryset.annotate(_scope=Value(Scope.TOTAL), _scope_key=Value(0))
    return source.queryset.annotate(
        _scope=F(_path(source.service, "monitoring_scopes__scope")),
        _scope_key=F(_path(source.service, "monitoring_scopes__key")),
    )


def _keyed(source: Source) -> tuple[object, list[str]]:
    """The source's scoped rows annotated with every key it is cut by: `_year` and `_month` (year * 100 + month,
    Europe/Rome), `_municipio`, `_category`, `_band` (age band, "" outside them), `_isee` band ("" without an ISEE),
    `_call`. Returns the queryset and the key names. The ISEE of money reaching a wallet is cut apart
    (`_add_wallet_isee`): it comes through a join that would leave out the wallets without an application."""
    qs = _scoped(source).annotate(
        _year=ExtractYear(source.date), _month=ExtractYear(source.date) * 100 + ExtractMonth(source.date)
    )
    keys = ["_scope", "_scope_key", "_year", "_month"]
    if Cut.MUNICIPIO in source.cuts:
        qs = qs.annotate(_municipio=F(source.municipio))
        keys.append("_municipio")
    if Cut.CATEGORY in source.cuts:
        qs = qs.annotate(_category=F(_path(source.service, "category")))
        keys.append("_category")
    if Cut.AGE_BAND in source.cuts:
        parts, annotate_band = _age_band_annotation(source.date, source.birth)
        qs = annotate_band(qs.annotate(**parts))
        keys.append("_band")
    if Cut.ISEE_BAND in source.cuts and not source.wallet:
        qs = qs.annotate(_isee=F(source.isee)).annotate(_isee_band=_isee_band_annotation("_isee"))
        keys.append("_isee_band")
    if source.call:
        qs = qs.annotate(_call=F(source.call))
        keys.append("_call")
    return qs.order_by(), keys


def _month_key(month: int) -> str:
    return f"{int(month) // 100:04d}-{int(month) % 100:02d}"


def _cut_key(cut: str, row: dict) -> str | None:
    """The key of `row` in `cut` ("" for the total), or None where the row has none (no municipio, no age band, no
    ISEE): such a row counts in the total and the other cuts only."""
    if cut == Cut.ALL:
        return ""
    if cut == Cut.MONTH:
        return _month_key(row["_month"])
    if cut == Cut.CATEGORY:
        return str(row["_category"])
    value = row[{Cut.MUNICIPIO: "_municipio", Cut.AGE_BAND: "_band", Cut.ISEE_BAND: "_isee_band"}[cut]]
    if value is None or value == "":
        return None
    return str(value)


class Figures:
    """The figures being computed: {(period, call, scope, scope key, cut, cut key, metric): value}, and the years
    that have a flow (the catalogue, a stock, stands in each of them)."""

    def __init__(self):
        self.values: dict[tuple, Decimal] = defaultdict(Decimal)
        self.years: set[int] = set()

    def add(self, metric, scope, scope_key, cut, cut_key, value, year=None, call=None) -> None:
        """Add `value` to the figure over all periods and, with `year`, to that year's; likewise every call and,
        with `call`, that call's."""
        value = Decimal(value or 0)
        for period in (ALL_PERIODS, str(year)) if year is not None else (ALL_PERIODS,):
            for call_id in (None, call) if call is not None else (None,):
                self.values[(period, call_id, scope, scope_key, cut, cut_key, metric)] += value
        if year is not None:
            self.years.add(int(year))


def _add_flow(figures: Figures, source: Source) -> None:
    """A source whose aggregate adds up: one grouped query over all its keys, every cut summed from it; for money
    reaching a wallet, a second one for the ISEE band (`_add_wallet_isee`)."""
    qs, keys = _keyed(source)
    cuts = [cut for cut in source.cuts if cut != Cut.ISEE_BAND or not source.wallet]
    for row in qs.values(*keys).annotate(_value=source.aggregate):
        call = row.get("_call")
        for cut in cuts:
            cut_key = _cut_key(cut, row)
            if cut_key is not None:
                figures.add(
                    source.metric, row["_scope"], row["_scope_key"], cut, cut_key, row["_value"], row["_year"], call
                )
    if source.wallet and Cut.ISEE_BAND in source.cuts:
        _add_wallet_isee(figures, source)


def _add_wallet_isee(figures: Figures, source: Source) -> None:
    """Money reaching a wallet by the ISEE band of the application that funded it: the child's application to the
    wallet's own call, never another call's (a join, so a wallet whose child has no such application is left out
    of this cut only). One grouped query by scope, band, year and call."""
    wallet = source.wallet
    qs = (
        _scoped(source)
        .filter(**{f"{wallet}__child__voucher_applications__call__money_call": F(f"{wallet}__call")})
        .annotate(
            _isee=F(f"{wallet}__child__voucher_applications__application__isee_value"),
            _year=ExtractYear(source.date),
            _call=F(source.call),
        )
        .annotate(_isee_band=_isee_band_annotation("_isee"))
        .order_by()
    )
    for row in qs.values("_scope", "_scope_key", "_isee_band", "_year", "_call").annotate(_value=source.aggregate):
        figures.add(
            source.metric,
            row["_scope"],
            row["_scope_key"],
            Cut.ISEE_BAND,
            row["_isee_band"],
            row["_value"],
            row["_year"],
            row["_call"],
        )


REACH_TABLE = "monitoring_refresh_reach"


def _add_distinct(figures: Figures, source: Source) -> None:
    """A count of distinct people (the children reached): one pass writes the distinct (keys, child) rows into a
    temporary table, then one grouped count per cut and period split reads it (a child counts once per group)."""
    qs, keys = _keyed(source)
    keys = [key for key in keys if key != "_call"]  # the children reached are not split by call
    sql, params = qs.annotate(_who=F(source.distinct)).values(*keys, "_who").distinct().query.sql_with_params()
    quote = connection.ops.quote_name
    table = quote(REACH_TABLE)
    columns = {
        Cut.ALL: None,
        Cut.MUNICIPIO: "_municipio",
        Cut.CATEGORY: "_category",
        Cut.AGE_BAND: "_band",
        Cut.MONTH: "_month",
    }
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TEMPORARY TABLE {table} AS {sql}", params)
        for cut in source.cuts:
            column = columns[cut]
            # A month lies in one year: its figure over all periods and in its year is the same count.
            for by_year in (False,) if cut == Cut.MONTH else (False, True):
                group = ["_scope", "_scope_key"] + ([column] if column else []) + (["_year"] if by_year else [])
                cursor.execute(
                    f"SELECT {', '.join(quote(c) for c in group)}, COUNT(DISTINCT {quote('_who')}) FROM {table} "
                    f"GROUP BY {', '.join(quote(c) for c in group)}"
                )
                for values in cursor.fetchall():
                    row = dict(zip([*group, "_value"], values, strict=True))
                    cut_key = _cut_key(cut, row)
                    if cut_key is None:
                        continue
                    periods = [str(int(row["_year"]))] if by_year else [ALL_PERIODS]
                    if cut == Cut.MONTH:
                        periods.append(str(int(row["_month"]) // 100))
                    for period in periods:
                        key = (period, None, row["_scope"], row["_scope_key"], cut, cut_key, source.metric)
                        figures.values[key] = Decimal(row["_value"])
                    if by_year:
                        figures.years.add(int(row["_year"]))
        cursor.execute(f"DROP TABLE {table}")


def _stock_rows(source: Source) -> list[tuple]:
    """The catalogue (no date): one query by category and age range, one by municipio served. Returns the rows
    (metric, scope, scope key, cut, cut key, value) that stand in every period."""
    rows = []
    scoped = _scoped(source).order_by()
    for row in scoped.values("_scope", "_scope_key", "category", "age_min", "age_max").annotate(
        _value=source.aggregate
    ):
        scope = (row["_scope"], row["_scope_key"])
        rows.append((*scope, Cut.ALL, "", row["_value"]))
        rows.append((*scope, Cut.CATEGORY, str(row["category"]), row["_value"]))
        rows += [
            (*scope, Cut.AGE_BAND, band, row["_value"]) for band in bands_overlapping(row["age_min"], row["age_max"])
        ]
    by_municipio = (
        scoped.annotate(_municipio=F(source.municipio))
        .exclude(_municipio=None)
        .values("_scope", "_scope_key", "_municipio")
        .annotate(_value=source.aggregate)
    )
    rows += [(r["_scope"], r["_scope_key"], Cut.MUNICIPIO, str(r["_municipio"]), r["_value"]) for r in by_municipio]
    return rows


def _challenge_dimensions() -> dict[int, set[int]]:
    """{challenge number: the numbers of the dimensions it touches} (one query)."""
    dimensions: dict[int, set[int]] = defaultdict(set)
    for number, dimension in ChallengePage.dimensions.through.objects.values_list(
        "challengepage__number", "wellbeingdimension__number"
    ):
        dimensions[number].add(dimension)
    return dimensions


def _participant_band(fiscal_code: str, on: datetime.date) -> str | None:
    """The age band of a participant on `on`, from the birth date in their codice fiscale (None if unreadable)."""
    try:
        born = codicefiscale.get_birth_date(fiscal_code, minyear=on.year - 99)
    except ValueError:
        return None
    return age_band_of(on.year - born.year - ((on.month, on.day) < (born.month, born.day)))


def _add_micro_projects(figures: Figures) -> None:
    """The funded micro-projects of the collective call and their nominal lists (two queries).

    A project counts for the project as a whole, for each challenge its application names and each dimension
    those challenges touch (once), in each municipio it names and each age band its range overlaps, in the
    year and month its activities start. Figures: the projects, their reserved places (for children referred
    by City services and schools), their participants and the reserved places filled (participants referred).
    Participants are counted in the age band of their own age at the project's start.
    """
    dimensions = _challenge_dimensions()
    known = set(ChallengePage.objects.values_list("number", flat=True))
    projects = {}
    for pk, challenges, municipi, age_min, age_max, starts_on, reserved in MicroProject.objects.filter(
        funding=MicroProject.Funding.FUNDED
    ).values_list("pk", "challenges", "municipi", "age_min", "age_max", "starts_on", "reserved_places"):
        numbers = {CHALLENGE_NUMBERS[code] for code in challenges or () if code in CHALLENGE_NUMBERS} & known
        scopes = [(Scope.TOTAL, 0), *((Scope.CHALLENGE, n) for n in sorted(numbers))]
        scopes += [(Scope.DIMENSION, d) for d in sorted(set().union(*(dimensions[n] for n in numbers)))]
        cuts = [(Cut.ALL, ""), (Cut.MONTH, starts_on.strftime("%Y-%m"))]
        cuts += [(Cut.MUNICIPIO, str(m)) for m in sorted(set(municipi or ()))]
        projects[pk] = (scopes, cuts, starts_on, bands_overlapping(age_min, age_max))
        for scope, key in scopes:
            for cut, cut_key in [*cuts, *((Cut.AGE_BAND, band) for band in projects[pk][3])]:
                figures.add(Metric.MICRO_PROJECTS, scope, key, cut, cut_key, 1, starts_on.year)
                figures.add(Metric.RESERVED_PLACES, scope, key, cut, cut_key, reserved, starts_on.year)
    for project_id, fiscal_code, referrer_id in Participant.objects.filter(
        project__funding=MicroProject.Funding.FUNDED
    ).values_list("project_id", "fiscal_code", "referrer_id"):
        scopes, cuts, starts_on, _bands = projects[project_id]
        band = _participant_band(fiscal_code, starts_on)
        metrics = [Metric.PARTICIPANTS] + ([Metric.RESERVED_FILLED] if referrer_id else [])
        for scope, key in scopes:
            for cut, cut_key in [*cuts, *([(Cut.AGE_BAND, band)] if band else [])]:
                for metric in metrics:
                    figures.add(metric, scope, key, cut, cut_key, 1, starts_on.year)


def _empty(model) -> None:
    """Delete every row in one statement (QuerySet.delete() would collect ids in batches, because
    Wagtail listens to every model's deletions; these tables are derived data nobody listens to)."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


def rebuild_service_scopes() -> int:
    """Rewrite ServiceScope from the services' challenges and the challenges' dimensions; returns rows."""
    numbers = dict(ChallengePage.objects.values_list("pk", "number"))
    dimensions: dict[int, set[int]] = {}
    for challenge_pk, dimension_number in ChallengePage.dimensions.through.objects.values_list(
        "challengepage_id", "wellbeingdimension__number"
    ):
        dimensions.setdefault(challenge_pk, set()).add(dimension_number)
    pairs = catalogue.service_challenge_pairs()
    rows = {(pk, Scope.TOTAL, 0) for pk in catalogue.service_ids()}
    for service_pk, challenge_pk in pairs:
        rows.add((service_pk, Scope.CHALLENGE, numbers[challenge_pk]))
        for number in dimensions.get(challenge_pk, ()):
            rows.add((service_pk, Scope.DIMENSION, number))
    _empty(ServiceScope)
    ServiceScope.objects.bulk_create(
        [ServiceScope(service_id=s, scope=scope, key=key) for s, scope, key in sorted(rows)], batch_size=5000
    )
    return len(rows)


def compute() -> list[Fact]:
    """Every figure, as unsaved Fact rows (no write): one pass per source, then the catalogue in every period."""
    figures = Figures()
    stock: list[tuple] = []
    for source in sources():
        if source.date is None:
            stock += [(source.metric, *row) for row in _stock_rows(source)]
        elif source.distinct:
            _add_distinct(figures, source)
        else:
            _add_flow(figures, source)
    _add_micro_projects(figures)
    # The catalogue is a stock, not a flow: the same services figure stands in every period.
    for period in [ALL_PERIODS, *(str(year) for year in sorted(figures.years))]:
        for metric, scope, scope_key, cut, cut_key, value in stock:
            figures.values[(period, None, scope, scope_key, cut, cut_key, metric)] += Decimal(value)
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
        for (period, call, scope, scope_key, cut, cut_key, metric), value in figures.values.items()
    ]


def refresh() -> Refresh:
    """Recompute every figure and replace the aggregate tables in one transaction; returns the run's record.

    Run nightly (`manage.py refresh_monitoring`) and after each ranking or statement. Readers never see a
    half-written table: the old figures stay until the new ones are committed.
    """
    started = timezone.now()
    clock = time.perf_counter()
    with transaction.atomic():
        rebuild_service_scopes()
        rows = compute()
        _empty(Fact)
        Fact.objects.bulk_create(rows, batch_size=5000)
        run = Refresh.objects.create(started_at=started, seconds=time.perf_counter() - clock, facts=len(rows))
    return run


def refresh_after_commit(**kwargs) -> None:
    """Receiver of core.signals.figures_changed: refresh once the sender's transaction commits."""
    transaction.on_commit(refresh)


def facts(period: str = ALL_PERIODS, call_id: int | None = None) -> list[Fact]:
    """The figures of one period ("all" or a year) and one call (None: every call), in one query."""
    return list(Fact.objects.filter(period=period, call_id=call_id))


def periods() -> list[str]:
    """The periods that have figures, "all" first then years, newest first."""
    years = sorted(set(Fact.objects.exclude(period=ALL_PERIODS).values_list("period", flat=True)), reverse=True)
    return [ALL_PERIODS, *years]
