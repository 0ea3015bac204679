"""What the public monitoring page shows: the project's contribution per challenge and the dimensions' radar.

Aggregates only, from the last refresh (period "all", every call), with the small-cell rule applied
(`monitoring.suppression`). A constant number of queries whatever the volume: the figures (one query),
the challenges' and the dimensions' names (one each), the last refresh (one); the result is cached per
refresh in the default cache.
"""

from django.core.cache import cache

from catalog.radar import radar_chart
from challenges.models import ChallengePage
from home.models import WellbeingDimension
from monitoring.charts import bar_chart
from monitoring.figures import facts
from monitoring.models import ALL_PERIODS, MICRO_PROJECT_METRICS, MONEY, PEOPLE, Cut, Metric, Refresh, Scope
from monitoring.projects import published_projects
from monitoring.suppression import HIDDEN, suppress_cell

# The figures the public page publishes per challenge and per dimension, in this order.
PUBLIC_METRICS = [Metric.SERVICES, Metric.REQUESTS, Metric.ORDERS, Metric.CHILDREN, Metric.VOUCHER_SPENT]


def published(metric: str, value, children) -> object:
    """A figure as published: counts of people under 3 become "<3"; money follows its children's count."""
    if metric in PEOPLE:
        return suppress_cell(value)
    if metric in MONEY and suppress_cell(children) == HIDDEN:
        return HIDDEN
    return value


def _rows(figures: dict, scope: str, names: dict[int, str]) -> list[dict]:
    rows = []
    for number, name in names.items():
        values = {metric: figures.get((scope, number, metric), 0) for metric in PUBLIC_METRICS}
        children = values[Metric.CHILDREN]
        rows.append(
            {
                "number": number,
                "name": name,
                "cells": [published(metric, values[metric], children) for metric in PUBLIC_METRICS],
                "children": children,
                "children_shown": published(Metric.CHILDREN, children, children),
            }
        )
    return rows


def _project_rows(projects: list[dict], kind: str) -> list[dict]:
    """The published micro-project rows of one kind in the shape of the figures tables (number, name, cells in
    MICRO_PROJECT_METRICS order)."""
    return [
        {
            "number": row["number"],
            "name": row["name"],
            "cells": [row["projects"], row["reserved"], row["participants"], row["filled"]],
        }
        for row in projects
        if row["kind"] == kind
    ]


def _shown(value) -> str:
    """A published count as a chart label: "<3", or the whole number."""
    return value if value == HIDDEN else f"{int(value)}"


def _chart_value(row: dict) -> int:
    """What a chart draws for a row: its children reached, or 0 where the table says "<3"."""
    return 0 if row["children_shown"] == HIDDEN else int(row["children"])


def public_context() -> dict:
    """The page's context: `challenges` and `dimensions` rows, `bars`, `radar`, `headers`, `refreshed_at`, and the
    micro-projects' `projects_total`, `project_headers`, `project_challenges` and `project_dimensions`."""
    last = Refresh.objects.order_by("-started_at").first()
    key = f"monitoring:public:{last.pk}:{last.started_at.isoformat()}" if last else "monitoring:public:none"
    context = cache.get(key)
    if context is not None:
        return context
    every = facts(ALL_PERIODS, None)
    figures = {(fact.scope, fact.scope_key, fact.metric): fact.value for fact in every if fact.cut == Cut.ALL}
    challenges = dict(ChallengePage.objects.live().order_by("number").values_list("number", "title"))
    dimensions = {dimension.number: dimension.name for dimension in WellbeingDimension.objects.order_by("number")}
    challenge_rows = _rows(figures, Scope.CHALLENGE, challenges)
    dimension_rows = _rows(figures, Scope.DIMENSION, dimensions)
    top = max((_chart_value(row) for row in dimension_rows), default=0) or 1
    projects = published_projects(every, challenges, dimensions)
    context = {
        "headers": [Metric(metric).label for metric in PUBLIC_METRICS],
        "challenges": challenge_rows,
        "dimensions": dimension_rows,
        "bars": bar_chart(
            [(f"Sfida {row['number']}", _chart_value(row), _shown(row["children_shown"])) for row in challenge_rows],
            width=480,
            label_width=90,
        ),
        "radar": radar_chart(
            [(str(row["number"]), _chart_value(row)) for row in dimension_rows],
            maximum=top,
            levels=4,
            size=360,
            description="; ".join(
                f"{row['number']}. {row['name']}: {_shown(row['children_shown'])}" for row in dimension_rows
            ),
        ),
        "radar_max": top,
        "projects_total": projects[0],
        "project_headers": [Metric(metric).label for metric in MICRO_PROJECT_METRICS],
        "project_challenges": _project_rows(projects, "challenge"),
        "project_dimensions": _project_rows(projects, "dimension"),
        "refreshed_at": last.started_at if last else None,
        "hidden": HIDDEN,
    }
    cache.set(key, context, 60 * 60 * 24)
    return context
