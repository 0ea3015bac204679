"""A schematic map of Milan drawn server-side as SVG coordinates, so it works with no tile server.

Latitude and longitude are projected with an equirectangular projection corrected for Milan's
latitude, which keeps distances roughly true at city scale.
"""

import math
from dataclasses import dataclass

WIDTH = 560
# Bounding box of the municipality, with a margin.
NORTH, SOUTH = 45.545, 45.380
WEST, EAST = 9.035, 9.285
HEIGHT = round(WIDTH * (NORTH - SOUTH) / ((EAST - WEST) * math.cos(math.radians((NORTH + SOUTH) / 2))))

# A simplified outline of the Comune di Milano (latitude, longitude), clockwise from the north.
CITY_OUTLINE = [
    (45.535, 9.150),
    (45.531, 9.214),
    (45.516, 9.262),
    (45.481, 9.278),
    (45.447, 9.270),
    (45.419, 9.242),
    (45.391, 9.205),
    (45.387, 9.160),
    (45.399, 9.110),
    (45.428, 9.062),
    (45.465, 9.043),
    (45.500, 9.068),
    (45.525, 9.104),
]
DUOMO = (45.4642, 9.1900)
# Approximate radii (km) of the Cerchia dei Bastioni and of the outer ring road (circonvallazione esterna).
RINGS_KM = (1.35, 3.1)
KM_PER_DEGREE_LAT = 111.2


@dataclass(frozen=True)
class MapPoint:
    number: int
    hub: object
    x: float
    y: float
    label_x: float
    label_anchor: str


def project(latitude, longitude) -> tuple[float, float]:
    x = (float(longitude) - WEST) / (EAST - WEST) * WIDTH
    y = (NORTH - float(latitude)) / (NORTH - SOUTH) * HEIGHT
    return round(x, 1), round(y, 1)


def hub_map(hubs) -> dict:
    """Everything the template needs to draw the schematic map with the given hubs on it."""
    scale = HEIGHT / ((NORTH - SOUTH) * KM_PER_DEGREE_LAT)  # SVG units per km
    duomo_x, duomo_y = project(*DUOMO)
    points = []
    for number, hub in enumerate(hubs, start=1):
        x, y = project(hub.latitude, hub.longitude)
        right_side = x > WIDTH * 0.7
        points.append(MapPoint(number, hub, x, y, x - 12 if right_side else x + 12, "end" if right_side else "start"))
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "outline": " ".join(f"{x},{y}" for x, y in (project(*corner) for corner in CITY_OUTLINE)),
        "duomo": (duomo_x, duomo_y),
        "rings": [round(km * scale, 1) for km in RINGS_KM],
        "points": points,
    }
