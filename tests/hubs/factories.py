"""Factories for the community hubs pages (factory_boy + wagtail-factories, never load_demo)."""

import datetime
from decimal import Decimal

import factory
import wagtail_factories

from hubs.models import HubIndexPage, HubOpeningHours, HubPage


class HubIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HubIndexPage

    title = "Community hub"
    slug = "hub"
    intro = "I sette hub."


def opening_hours(intervals: int) -> list[HubOpeningHours]:
    """`intervals` opening intervals: one a day, Monday first, cycling through the week."""
    return [
        HubOpeningHours(
            weekday=n % 7, opens=datetime.time(8 + (n // 7) % 10), closes=datetime.time(8 + (n // 7) % 10, 50)
        )
        for n in range(intervals)
    ]


class HubPageFactory(wagtail_factories.PageFactory):
    """A hub in Municipio 9 (Via Passerini 5), open once a week unless `intervals` says otherwise."""

    class Meta:
        model = HubPage

    class Params:
        intervals = 1

    slug = factory.Sequence(lambda n: f"hub-{n}")
    title = factory.LazyAttribute(lambda o: f"Hub {o.slug}")
    description = factory.LazyAttribute(lambda o: f"L'hub {o.slug}.")
    address = "Via Passerini 5"
    municipio = 9
    latitude = Decimal("45.519000")
    longitude = Decimal("9.191700")
    opening_hours = factory.LazyAttribute(lambda o: opening_hours(o.intervals))


def hub_index(home) -> HubIndexPage:
    return HubIndexPageFactory(parent=home)


def hub(index, slug, intervals: int = 1, municipio=9, **fields) -> HubPage:
    return HubPageFactory(parent=index, slug=slug, intervals=intervals, municipio=municipio, **fields)
