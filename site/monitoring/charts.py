"""Chart geometry drawn server-side as SVG (no JavaScript, no tile server): bars and the municipi map.

Every chart is shown beside a table with the same numbers (the accessible alternative); the SVG carries
a `<title>` and a text description. Colours are the theme's (CSS classes), never set here.
"""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    shown: str  # what the bar's label says: the value, or "<3" when suppressed
    y: float
    width: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    label_width: int
    bars: list[Bar]
    description: str


def bar_chart(items: list[tuple[str, float, str]], width: int = 640, label_width: int = 260) -> BarChart:
    """Horizontal bars for (label, value, shown) items; a suppressed value ("<3") draws a bar of 0."""
    row = 40
    top = max((value for _label, value, _shown in items), default=0) or 1
    usable = width - label_width - 70
    bars = [
        Bar(label=label, shown=shown, y=i * row, width=round(usable * value / top, 1))
        for i, (label, value, shown) in enumerate(items)
    ]
    description = "; ".join(f"{label}: {shown}" for label, _value, shown in items)
    return BarChart(width=width, height=row * len(items), label_width=label_width, bars=bars, description=description)


@dataclass(frozen=True)
class MapArea:
    number: int
    name: str
    path: str  # SVG path data
    label_x: float
    label_y: float
    level: int  # 0 (none) to 4 (the highest quarter of the scale)
    shown: str


# The nine municipi as a schematic map: Municipio 1 is the historic centre, the other eight are sectors
# around it, clockwise from the north (9 Niguarda-Garibaldi, 2 Loreto-Greco, 3 Città Studi-Lambrate,
# 4 Vittoria-Forlanini, 5 Vigentino-Gratosoglio, 6 Barona-Lorenteggio, 7 San Siro-Baggio, 8 Fiera-Gallaratese).
SECTOR_ORDER = [9, 2, 3, 4, 5, 6, 7, 8]
MAP_SIZE = 360
INNER, OUTER = 62, 170


def _point(angle_deg: float, radius: float) -> tuple[float, float]:
    angle = math.radians(angle_deg - 90)
    centre = MAP_SIZE / 2
    return round(centre + radius * math.cos(angle), 1), round(centre + radius * math.sin(angle), 1)


def municipi_map(values: dict[int, float], shown: dict[int, str], names: dict[int, str]) -> list[MapArea]:
    """The nine areas with a level 0-4 from each municipio's value against the highest (a choropleth)."""
    top = max(values.values(), default=0) or 1

    def level(number: int) -> int:
        value = values.get(number, 0)
        return 0 if value <= 0 else min(4, 1 + int(4 * value / top - 1e-9))

    centre = MAP_SIZE / 2
    areas = [
        MapArea(
            number=1,
            name=names[1],
            path=(
                f"M {centre - INNER} {centre} a {INNER} {INNER} 0 1 0 {2 * INNER} 0 "
                f"a {INNER} {INNER} 0 1 0 {-2 * INNER} 0 Z"
            ),
            label_x=centre,
            label_y=centre + 5,
            level=level(1),
            shown=shown.get(1, "0"),
        )
    ]
    for i, number in enumerate(SECTOR_ORDER):
        start, end = i * 45 - 22.5, i * 45 + 22.5
        ox0, oy0 = _point(start, OUTER)
        ox1, oy1 = _point(end, OUTER)
        ix1, iy1 = _point(end, INNER)
        ix0, iy0 = _point(start, INNER)
        lx, ly = _point(i * 45, (INNER + OUTER) / 2)
        areas.append(
            MapArea(
                number=number,
                name=names[number],
                path=(
                    f"M {ox0} {oy0} A {OUTER} {OUTER} 0 0 1 {ox1} {oy1} L {ix1} {iy1} "
                    f"A {INNER} {INNER} 0 0 0 {ix0} {iy0} Z"
                ),
                label_x=lx,
                label_y=ly + 5,
                level=level(number),
                shown=shown.get(number, "0"),
            )
        )
    return areas
