"""The database backend's tables as SQL: names, row shapes, facet conditions, and a hit's row as its document.

The tables themselves are declared in `search.models`; the facet columns and their storage (a value, or a
bitmask for MULTI facets) come from the facet declarations in `search.facets`.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from search.documents import ServiceDocument
from search.facets import FACETS as DECLARED
from search.facets import Filtering, to_mask
from search.models import CatalogueChange, CatalogueEntry, CatalogueTerm, CatalogueVersion, from_mask

ENTRY = CatalogueEntry._meta.db_table
FACETS_TABLE = "search_cataloguefacets"
TERMS = CatalogueTerm._meta.db_table
VERSION = CatalogueVersion._meta.db_table
CHANGES = CatalogueChange._meta.db_table
FTS = "search_catalogue_fts"
GIN_INDEX = "search_entry_vector_gin"

#: The columns of CatalogueFacets besides the declared facets' own.
FILTER_AND_SORT_COLUMNS = (
    "age_min",
    "age_max",
    "provider_id",
    "sort_price",
    "rating_average",
    "rating_count",
    "published_at",
    "title_sort",
)
#: Every stored column of CatalogueEntry but the vectors (written apart, on PostgreSQL only).
ENTRY_ROW = tuple(
    f.column for f in CatalogueEntry._meta.concrete_fields if f.name not in ("search_vector", "title_vector")
)
#: What a hit needs to become a ServiceDocument again.
DOCUMENT_COLUMNS = tuple(
    c for c in ENTRY_ROW if c not in ("text_stems", "text_folded", "title_stems", "title_folded", "title_ac")
)
FTS_ROW = ("rowid", "stems", "folded", "title_stems", "title_folded")


def facet_row() -> tuple[str, ...]:
    """The columns of a CatalogueFacets row: id, every declared facet's column (search.facets), filters, sort keys.

    A facet over a new document attribute needs its column on CatalogueFacets and CatalogueEntry (a migration).
    """
    return ("id", *dict.fromkeys(facet.column for facet in DECLARED.values()), *FILTER_AND_SORT_COLUMNS)


def postgres() -> bool:
    return connection.vendor == "postgresql"


def placeholders(n: int) -> str:
    return ", ".join(["%s"] * n)


def condition_sql(facet: str, values: Iterable[Any], alias: str = "m") -> tuple[str, list[Any]]:
    """Rows having any of `values` for `facet` (OR within a facet), as SQL over `CatalogueFacets`.

    The column and its storage come from the facet's declaration (`search.facets`: a bitmask for MULTI facets).
    """
    declared = DECLARED[facet]
    column = declared.column
    values = sorted(values, key=str)
    if declared.filtering is Filtering.MULTI:
        return f"({alias}.{column} & %s) <> 0", [to_mask(values, declared.bits)]
    if len(values) == 1:
        return f"{alias}.{column} = %s", values
    return f"{alias}.{column} IN ({placeholders(len(values))})", values


def _from_mask(mask: int, facet: str) -> tuple:
    return from_mask(mask, DECLARED[facet].bits)


def to_document(row: tuple) -> ServiceDocument:
    """A hit's `DOCUMENT_COLUMNS` (as the database returns them, without the ORM) as its document."""
    values = dict(zip(DOCUMENT_COLUMNS, row, strict=True))
    published = values["published_at"]
    if isinstance(published, str):
        published = parse_datetime(published)
    if published is not None and timezone.is_naive(published):
        published = timezone.make_aware(published, datetime.UTC)
    price = values["price"]
    wellbeing, tags = values["wellbeing"], values["tags"]
    return ServiceDocument(
        id=values["id"],
        title=values["title"],
        summary=values["summary"],
        description=values["description"],
        url=values["url"],
        provider_id=values["provider_id"],
        provider_name=values["provider_name"],
        provider_url=values["provider_url"],
        category=values["category"],
        municipi=_from_mask(values["municipi_mask"], "municipio"),
        reach_municipi=_from_mask(values["reach_mask"], "reaches"),
        age_min=values["age_min"],
        age_max=values["age_max"],
        price=None if price is None else Decimal(str(price)),
        price_unit=values["price_unit"],
        free=bool(values["free"]),
        voucher=bool(values["voucher"]),
        delivery=_from_mask(values["delivery_mask"], "delivery"),
        days=_from_mask(values["days_mask"], "day"),
        wellbeing=json.loads(wellbeing) if isinstance(wellbeing, str) else wellbeing,
        rating_average=values["rating_average"],
        rating_count=values["rating_count"],
        published_at=published,
        tags=tuple(json.loads(tags) if isinstance(tags, str) else tags),
    )
