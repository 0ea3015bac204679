"""The wellbeing descriptors as a radar chart: pure geometry, drawn server-side as SVG (no JavaScript)."""

import math
from dataclasses import dataclass

from core.vocabularies import DESCRIPTOR_MAX


@dataclass(frozen=True)
class RadarChart:
    size: int
    view_box: str
    center: float
    radius: float
    rings: list[str]  # polygon "points" of the grid, one per score level
    axes: list[tuple[float, float, float, float]]  # x1, y1, x2, y2
    labels: list[tuple[float, float, str, str]]  # x, y, text-anchor, text
    points: list[tuple[float, float]]  # the scores' vertices
    polygon: str  # the scores' polygon as an SVG "points" attribute
    description: str  # text alternative


def _vertex(center: float, radius: float, index: int, count: int, fraction: float) -> tuple[float, float]:
    # The first axis points straight up; the others follow clockwise.
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return (
        round(center + radius * fraction * math.cos(angle), 2),
        round(center + radius * fraction * math.sin(angle), 2),
    )


def _points_attr(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{x},{y}" for x, y in points)


def radar_chart(
    scores: list[tuple[str, float]],
    size: int = 320,
    maximum: float = DESCRIPTOR_MAX,
    levels: int | None = None,
    description: str | None = None,
) -> RadarChart:
    """Geometry of a radar chart with one axis per (label, score), scores clamped to 0..maximum.

    `levels` grid rings (default: one per unit of `maximum`, as the descriptors' 0-5 scale wants);
    `description` the text alternative (default: "label: score su maximum" for each axis).
    """
    count = len(scores)
    levels = levels or int(maximum)
    center = size / 2
    radius = size / 2 - 40
    rings = [
        _points_attr([_vertex(center, radius, i, count, level / levels) for i in range(count)])
        for level in range(1, levels + 1)
    ]
    axes = []
    labels = []
    for i, (label, _score) in enumerate(scores):
        x, y = _vertex(center, radius, i, count, 1)
        axes.append((center, center, x, y))
        lx, ly = _vertex(center, radius + 14, i, count, 1)
        anchor = "middle" if abs(lx - center) < 1 else ("start" if lx > center else "end")
        labels.append((lx, ly + (4 if ly >= center else 0), anchor, label))
    points = [
        _vertex(center, radius, i, count, max(0, min(score, maximum)) / maximum) for i, (_l, score) in enumerate(scores)
    ]
    description = description or "; ".join(f"{label}: {score} su {maximum}" for label, score in scores)
    return RadarChart(
        size=size,
        view_box=f"-100 0 {size + 200} {size}",
        center=center,
        radius=radius,
        rings=rings,
        axes=axes,
        labels=labels,
        points=points,
        polygon=_points_attr(points),
        description=description,
    )
