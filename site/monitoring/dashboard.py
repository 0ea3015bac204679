"""The «Monitoraggio» area of the admin: the figures per challenge and dimension, the cuts, equity.

City staff with the permission `monitoring.view_monitoring` (group «Monitoraggio») see the figures in
full (aggregates, no person); the public page and open data apply the small-cell rule instead. Every
page reads the aggregate tables only: a constant number of queries whatever the volume.
"""

from collections import defaultdict
from decimal import Decimal

from django.urls import reverse
from django.utils.http import urlencode

from booking.models import VoucherCall
from catalog import facts as catalogue
from challenges.models import ChallengePage
from collective import services as collective
from collective.models import CollectiveCall
from core.vocabularies import Category, Municipio
from home.models import WellbeingDimension
from monitoring.charts import municipi_map
from monitoring.figures import facts, periods
from monitoring.models import ALL_PERIODS, MICRO_PROJECT_METRICS, Cut, Metric, ResidentChildren, Scope
from monitoring.sources import AGE_BANDS, ISEE_ABOVE, ISEE_BANDS

CUT_CHOICES = [Cut.MUNICIPIO, Cut.AGE_BAND, Cut.CATEGORY, Cut.MONTH, Cut.ISEE_BAND]


def cut_labels(cut: str, keys: set[str]) -> list[tuple[str, str]]:
    """The columns of a cut, in their natural order, as (key, label)."""
    if cut == Cut.MUNICIPIO:
        return [(str(m.value), str(m.label)) for m in Municipio]
    if cut == Cut.AGE_BAND:
        return [(code, f"{low}-{high} anni") for code, low, high in AGE_BANDS]
    if cut == Cut.CATEGORY:
        return [(c.value, str(c.label)) for c in Category]
    if cut == Cut.ISEE_BAND:
        return isee_band_labels()
    return [(key, key) for key in sorted(keys)]


def isee_band_labels() -> list[tuple[str, str]]:
    """The ISEE bands as (code, "fino a 5.000 €" ...), lowest first."""
    labels, lower = [], 0
    for code, upper in ISEE_BANDS:
        labels.append((code, f"{lower:,}-{upper:,} €".replace(",", ".")))
        lower = upper
    labels.append((ISEE_ABOVE, f"oltre {lower:,} €".replace(",", ".")))
    return labels


def scope_rows() -> list[tuple[str, int, str]]:
    """(scope, key, label) for the project, the six challenges and the seven dimensions (two queries)."""
    rows = [(Scope.TOTAL, 0, "Tutto il progetto")]
    rows += [
        (Scope.CHALLENGE, number, f"Sfida {number}: {title}")
        for number, title in ChallengePage.objects.order_by("number").values_list("number", "title")
    ]
    rows += [
        (Scope.DIMENSION, dimension.number, f"Dimensione {dimension.number}: {dimension.name}")
        for dimension in WellbeingDimension.objects.order_by("number")
    ]
    return rows


class Links:
    """Where a figure leads: the list it counts, for the roles allowed to see it (None otherwise)."""

    def __init__(self, user):
        self.catalogue = catalogue.catalogue_url()
        self.wallets = user.has_perm("booking.view_wallet")
        self.ledger = user.has_perm("booking.view_ledgerentry")
        # The micro-projects lead to the latest collective call's outcome (City staff running the call: projects,
        # their nominal lists and reserved places) or, for everyone else, to its published results.
        call = CollectiveCall.objects.order_by("-pk").only("pk", "code", "results_published").first()
        self.projects = self.participants = None
        if call and collective.is_city(user):
            self.projects = self.participants = reverse("collective_call_outcome", args=[call.pk])
        elif call and call.results_published:
            self.projects = reverse("collective_results", args=[call.code])

    def for_figure(self, metric: str, scope: str, key: int, cut: str, cut_key: str, call_id) -> str | None:
        if metric == Metric.SERVICES and self.catalogue:
            # Services are counted in every municipio they serve (their «Zone di intervento»); the catalogue's
            # municipio filters ask where a service takes place or whom it reaches at home, a different list:
            # a municipio's figure links nowhere rather than to a list that disagrees with it.
            if scope != Scope.TOTAL or cut == Cut.MUNICIPIO:
                return None
            params = {"category": cut_key} if cut == Cut.CATEGORY else {}
            return self.catalogue + ("?" + urlencode(params) if params else "")
        if metric == Metric.VOUCHER_GRANTED and self.wallets and cut == Cut.ALL and scope == Scope.TOTAL:
            url = reverse("booking_wallet:index")
            return url + (f"?call={call_id}" if call_id else "")
        if metric == Metric.VOUCHER_SPENT and self.ledger and cut == Cut.ALL and scope == Scope.TOTAL:
            return reverse("booking_ledgerentry:index") + "?kind=redemption"
        if metric in MICRO_PROJECT_METRICS and cut == Cut.ALL and scope == Scope.TOTAL:
            return self.projects if metric == Metric.MICRO_PROJECTS else self.participants
        return None


def dashboard_context(user, period: str, call_id: int | None, cut: str, metric: str) -> dict:
    """Everything the dashboard shows for one period, call, cut and metric (a fixed number of queries)."""
    rows = facts(period, call_id)
    totals = defaultdict(Decimal)
    by_cut = defaultdict(Decimal)
    cut_keys = set()
    for fact in rows:
        if fact.cut == Cut.ALL:
            totals[(fact.scope, fact.scope_key, fact.metric)] = fact.value
        elif fact.cut == cut and fact.metric == metric:
            by_cut[(fact.scope, fact.scope_key, fact.cut_key)] = fact.value
            cut_keys.add(fact.cut_key)
    links = Links(user)
    metrics = list(Metric)
    scopes = scope_rows()
    columns = cut_labels(cut, cut_keys)

    def summary_rows(chosen: list[str]) -> list[dict]:
        return [
            {
                "label": label,
                "cells": [
                    {
                        "value": totals.get((scope, key, m), Decimal(0)),
                        "url": links.for_figure(m, scope, key, Cut.ALL, "", call_id),
                    }
                    for m in chosen
                ],
                "filled_share": _share(
                    totals.get((scope, key, Metric.RESERVED_FILLED), Decimal(0)),
                    totals.get((scope, key, Metric.RESERVED_PLACES), Decimal(0)),
                ),
            }
            for scope, key, label in scopes
        ]

    flows = [m for m in metrics if m not in MICRO_PROJECT_METRICS]
    summary = summary_rows(flows)
    projects = summary_rows(MICRO_PROJECT_METRICS)
    breakdown = [
        {
            "label": label,
            "cells": [
                {
                    "value": by_cut.get((scope, key, column), Decimal(0)),
                    "url": links.for_figure(metric, scope, key, cut, column, call_id),
                }
                for column, _label in columns
            ],
        }
        for scope, key, label in scopes
    ]
    return {
        "metrics": [(m.value, m.label) for m in metrics],
        "flow_metrics": [(m.value, m.label) for m in flows],
        "project_metrics": [(m.value, Metric(m).label) for m in MICRO_PROJECT_METRICS],
        "summary": summary,
        "projects": projects,
        "columns": columns,
        "breakdown": breakdown,
        "periods": periods(),
        "calls": list(VoucherCall.objects.order_by("-valid_from").values_list("pk", "name")),
        "cuts": [(c.value, c.label) for c in CUT_CHOICES],
        "selected": {"period": period, "call": call_id, "cut": cut, "metric": metric},
        "ALL_PERIODS": ALL_PERIODS,
    }


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    """`part` as a percentage (0-100) of `whole`, or None when `whole` is zero."""
    return part * 100 / whole if whole else None


def _shares(values: dict[str, Decimal]) -> dict[str, Decimal]:
    total = sum(values.values(), Decimal(0))
    return {key: (value * 100 / total if total else Decimal(0)) for key, value in values.items()}


def equity_context(period: str, call_id: int | None) -> dict:
    """Equity by municipio: each municipio's share of voucher spending, of children reached, of vouchers
    granted and of applications to the voucher call, against its share of resident children where the City
    loaded them; and by ISEE band: the shares of applications, vouchers granted and voucher spending.
    Shares are percentages (0-100) of the city's total."""
    rows = facts(period, call_id)
    spent, reached, granted, applied = (defaultdict(Decimal) for _ in range(4))
    isee = {
        metric: defaultdict(Decimal) for metric in (Metric.VOUCHER_SPENT, Metric.VOUCHER_GRANTED, Metric.APPLICATIONS)
    }
    for fact in rows:
        if fact.scope != Scope.TOTAL:
            continue
        if fact.cut == Cut.ISEE_BAND and fact.metric in isee:
            isee[fact.metric][fact.cut_key] = fact.value
        if fact.cut != Cut.MUNICIPIO:
            continue
        target = {
            Metric.VOUCHER_SPENT: spent,
            Metric.CHILDREN: reached,
            Metric.VOUCHER_GRANTED: granted,
            Metric.APPLICATIONS: applied,
        }.get(fact.metric)
        if target is not None:
            target[fact.cut_key] = fact.value
    residents = defaultdict(Decimal)
    latest = ResidentChildren.objects.order_by("-year").values_list("year", flat=True).first()
    synthetic = False
    if latest:
        for municipio, count, is_synthetic in ResidentChildren.objects.filter(year=latest).values_list(
            "municipio", "count", "synthetic"
        ):
            residents[str(municipio)] += count
            synthetic = synthetic or is_synthetic
    shares = {
        "spent": _shares(spent),
        "reached": _shares(reached),
        "granted": _shares(granted),
        "applied": _shares(applied),
        "residents": _shares(residents),
    }
    isee_shares = {metric: _shares(values) for metric, values in isee.items()}
    # A column with nothing in it (no voucher of a call with applications spent in the period) has no shares:
    # None, shown as "—", rather than 0% in every band.
    isee_empty = {metric: not any(values.values()) for metric, values in isee.items()}
    isee_table = [
        {
            "label": label,
            **{
                column: None if isee_empty[metric] else isee_shares[metric].get(code, Decimal(0))
                for column, metric in (
                    ("applied", Metric.APPLICATIONS),
                    ("granted", Metric.VOUCHER_GRANTED),
                    ("spent", Metric.VOUCHER_SPENT),
                )
            },
        }
        for code, label in isee_band_labels()
    ]
    names = {m.value: str(m.label) for m in Municipio}
    table = [
        {
            "number": number,
            "name": name,
            "spent": shares["spent"].get(str(number), Decimal(0)),
            "reached": shares["reached"].get(str(number), Decimal(0)),
            "granted": shares["granted"].get(str(number), Decimal(0)),
            "applied": shares["applied"].get(str(number), Decimal(0)),
            "residents": shares["residents"].get(str(number)) if residents else None,
        }
        for number, name in names.items()
    ]
    for row in table:
        row["gap"] = row["spent"] - row["residents"] if row["residents"] is not None else None
    return {
        "equity": table,
        "isee": isee_table,
        "isee_spent_empty": isee_empty[Metric.VOUCHER_SPENT],
        "residents_year": latest,
        "residents_synthetic": synthetic,
        "map": municipi_map(
            {row["number"]: float(row["spent"]) for row in table},
            {row["number"]: f"{row['spent']:.1f}%" for row in table},
            names,
        ),
    }
