"""The micro-projects' figures as they are published (public page and open data), small cells suppressed.

One row for the whole project, one per challenge, one per wellbeing dimension and one per municipio, from the
figures of the last refresh (all years): funded micro-projects, reserved places, participants on the nominal
lists and reserved places filled. Participants and filled places are people: fewer than 3 is "<3", and since the
rows of challenges, dimensions and municipi can each be set against the project's total, a second cell is hidden
wherever one hidden cell could be given back by subtraction (`monitoring.suppression.suppress_lines`).
"""

from core.vocabularies import Municipio
from monitoring.models import MICRO_PROJECT_METRICS, Cut, Fact, Metric, Scope
from monitoring.suppression import suppress_lines

# Row keys of the published figures, in MICRO_PROJECT_METRICS order.
COLUMNS = {
    Metric.MICRO_PROJECTS: "projects",
    Metric.RESERVED_PLACES: "reserved",
    Metric.PARTICIPANTS: "participants",
    Metric.RESERVED_FILLED: "filled",
}
PEOPLE_COLUMNS = ("participants", "filled")


def published_projects(figures: list[Fact], challenges: dict[int, str], dimensions: dict[int, str]) -> list[dict]:
    """Rows {kind: "total"|"challenge"|"dimension"|"municipio", number, name, projects, reserved, participants,
    filled} from `figures` (a period's and every call's, as `monitoring.figures.facts` returns them), with the
    people columns suppressed. `challenges` and `dimensions` are {number: name}."""
    values = {
        (f.scope, f.scope_key, f.cut, f.cut_key, f.metric): int(f.value)
        for f in figures
        if f.metric in MICRO_PROJECT_METRICS
    }
    groups = [("total", 0, "Tutto il progetto", (Scope.TOTAL, 0, Cut.ALL, ""))]
    groups += [("challenge", n, name, (Scope.CHALLENGE, n, Cut.ALL, "")) for n, name in challenges.items()]
    groups += [("dimension", n, name, (Scope.DIMENSION, n, Cut.ALL, "")) for n, name in dimensions.items()]
    groups += [("municipio", m.value, str(m.label), (Scope.TOTAL, 0, Cut.MUNICIPIO, str(m.value))) for m in Municipio]
    rows = [
        {
            "kind": kind,
            "number": number,
            "name": name,
            **{column: values.get((*key, metric), 0) for metric, column in COLUMNS.items()},
        }
        for kind, number, name, key in groups
    ]
    lines = [[0, *(i for i, row in enumerate(rows) if row["kind"] == kind)] for kind in ("challenge", "dimension")]
    lines.append([0, *(i for i, row in enumerate(rows) if row["kind"] == "municipio")])
    for column in PEOPLE_COLUMNS:
        shown = suppress_lines({i: row[column] for i, row in enumerate(rows)}, lines)
        for i, row in enumerate(rows):
            row[column] = shown[i]
    return rows
