"""Builders for the community hubs pages (never load_demo)."""

import datetime
from decimal import Decimal

from hubs.models import HubIndexPage, HubOpeningHours, HubPage


def hub_index(home) -> HubIndexPage:
    return home.add_child(instance=HubIndexPage(title="Community hub", slug="hub", intro="I sette hub."))


def hub(index, slug, intervals: int = 1, municipio=9, **fields) -> HubPage:
    """A hub open `intervals` times a week (one interval a day, Monday first, cycling through the week)."""
    page = HubPage(
        title=fields.pop("title", f"Hub {slug}"),
        slug=slug,
        description=fields.pop("description", f"L'hub {slug}."),
        address=fields.pop("address", "Via Passerini 5"),
        municipio=municipio,
        latitude=fields.pop("latitude", Decimal("45.519000")),
        longitude=fields.pop("longitude", Decimal("9.191700")),
        **fields,
    )
    page.opening_hours = [
        HubOpeningHours(
            weekday=n % 7, opens=datetime.time(8 + (n // 7) % 10), closes=datetime.time(8 + (n // 7) % 10, 50)
        )
        for n in range(intervals)
    ]
    index.add_child(instance=page)
    return page
