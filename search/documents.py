"""What gets indexed: a flat, page-model-free description of one catalogue service.

The catalogue maps its pages to `ServiceDocument`s; both search backends index only these, so the
engine can be tested (and benchmarked) without Wagtail pages.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from core.vocabularies import (
    COST,
    DESCRIPTOR_MAX,
    Category,
    DeliveryMode,
    Descriptor,
    Municipio,
    PriceUnit,
    Weekday,
    labels,
)

# The code lists a document is checked against ({code: label}, from core.vocabularies).
CATEGORIES = labels(Category)
MUNICIPI = labels(Municipio)
DELIVERY = labels(DeliveryMode)
DAYS = labels(Weekday)
WELLBEING = labels(Descriptor)
#: What a price is for (core.vocabularies.PriceUnit).
PRICE_UNITS = labels(PriceUnit)
#: A descriptor "counts" for the wellbeing filter from this score up (scores go 0-DESCRIPTOR_MAX).
WELLBEING_THRESHOLD = 3


@dataclass(frozen=True)
class ServiceDocument:
    """One service as the search engines see it. Lists are kept sorted so documents compare equal.

    `municipi`: the municipi (1-9) of the service's venues, where the activity takes place («Dove si svolge»);
    `reach_municipi`: the municipi a service delivered at home reaches («Raggiunge il tuo municipio»), empty
    for a service that is not. Raises ValueError on a code outside its vocabulary.
    """

    id: int
    title: str
    url: str
    category: str
    provider_id: int
    provider_name: str
    summary: str = ""
    description: str = ""
    provider_url: str = ""
    municipi: tuple[int, ...] = ()
    reach_municipi: tuple[int, ...] = ()
    age_min: int | None = None
    age_max: int | None = None
    price: Decimal | None = None
    price_unit: str = ""
    free: bool = False
    voucher: bool = False
    delivery: tuple[str, ...] = ()
    days: tuple[int, ...] = ()
    wellbeing: dict[str, int] = field(default_factory=dict)
    rating_average: float | None = None
    rating_count: int = 0
    published_at: datetime.datetime | None = None
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown category {self.category!r}")
        if not set(self.municipi) | set(self.reach_municipi) <= set(MUNICIPI):
            raise ValueError(f"municipi must be 1-9, got {self.municipi!r} and {self.reach_municipi!r}")
        if self.price_unit and self.price_unit not in PRICE_UNITS:
            raise ValueError(f"unknown price unit {self.price_unit!r}")
        if not set(self.delivery) <= set(DELIVERY):
            raise ValueError(f"unknown delivery mode in {self.delivery!r}")
        if not set(self.days) <= set(DAYS):
            raise ValueError(f"days must be 0-6, got {self.days!r}")
        if not set(self.wellbeing) <= set(WELLBEING) or any(
            not 0 <= v <= DESCRIPTOR_MAX for v in self.wellbeing.values()
        ):
            raise ValueError(f"wellbeing must map descriptor codes to 0-5, got {self.wellbeing!r}")
        if self.price is not None:
            object.__setattr__(self, "price", Decimal(self.price).quantize(Decimal("0.01")))
        for name in ("municipi", "reach_municipi", "delivery", "days", "tags"):
            object.__setattr__(self, name, tuple(sorted(set(getattr(self, name)))))

    @property
    def sort_price(self) -> Decimal | None:
        """Price used for sorting: a free service costs 0; an unknown price sorts last."""
        return Decimal("0.00") if self.free else self.price

    @property
    def price_text(self) -> str:
        """The price as families read it, always with its unit: «€ 12,00 a incontro», «Gratuito»."""
        return price_text(self.price, self.price_unit, self.free)

    def wellbeing_codes(self) -> tuple[str, ...]:
        """Descriptors scored at least WELLBEING_THRESHOLD: what the wellbeing filter matches."""
        return tuple(code for code in WELLBEING if self.wellbeing.get(code, 0) >= WELLBEING_THRESHOLD)


def price_text(amount: Decimal | None, unit: str, free: bool) -> str:
    """«€ 1.250,00 al mese» (EUR, Italian separators, the unit's label from PRICE_UNITS); «Gratuito» when free;
    «Prezzo su richiesta» when no amount is known. An unknown unit code raises KeyError."""
    if free:
        return str(COST[True])
    if amount is None:
        return str(_("Prezzo su richiesta"))
    figures = f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"€ {figures} {PRICE_UNITS[unit] if unit else ''}".strip()


def catalogue_entries(ids: Iterable[int] | None = None) -> Iterator[ServiceDocument]:
    """Fallback document source: the database backend's own table (see settings.SEARCH_DOCUMENT_SOURCE)."""
    from search.models import CatalogueEntry

    entries = CatalogueEntry.objects.order_by("pk")
    if ids is not None:
        entries = entries.filter(pk__in=list(ids))
    for entry in entries.iterator(chunk_size=2000):
        yield entry.to_document()


def document_source(ids: Iterable[int] | None = None) -> Iterable[ServiceDocument]:
    """Published services, from the callable named by settings.SEARCH_DOCUMENT_SOURCE.

    The callable takes an optional `ids`: with it, only those services (the ones still published) are returned,
    which is how a sync finds out whether a service must be indexed or deleted.
    """
    from django.conf import settings
    from django.utils.module_loading import import_string

    source = import_string(getattr(settings, "SEARCH_DOCUMENT_SOURCE", "search.documents.catalogue_entries"))
    return source() if ids is None else source(ids=ids)
