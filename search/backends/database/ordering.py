"""The database backend's sort orders: each sort as SQL (`ORDER_BY`, `order_sql`) and in Python (`SORT_KEYS`),
and a sort order's ids cut in chunks (`Order`), as a snapshot keeps them (`snapshot.Snapshot.orders`).

The Python orders mirror the SQL ones exactly (NULLS LAST, DESC, ties on id; titles in code point order, as
PostgreSQL's "C" collation sorts them), so that a patch inserts a changed service where the database would have
put it. Sort keys (`Keys`) are read by the SQL of `loading._key_columns`: prices and ratings as floats, the
publication as epoch microseconds (PostgreSQL) or the stored text (SQLite). Ids are the services' primary keys
(`CatalogueFacets.id`). `order_sql` raises KeyError for a sort not in `ORDER_BY`.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from typing import Any

from pyroaring import BitMap

from search.backends.database.tables import postgres

#: Ids per chunk of a sort order (as loaded; a patched chunk holds 1 to 2 * CHUNK - 1).
CHUNK = 1024

#: Each sort's order over CatalogueFacets (relevance: score levels, each in the newest order); `SORT_KEYS`
#: mirrors each in Python, and "name" compares code points (`order_sql`: PostgreSQL's "C" collation).
ORDER_BY: dict[str, str] = {
    "price": "sort_price ASC NULLS LAST, id",
    "-price": "sort_price DESC NULLS LAST, id",
    "rating": "rating_average DESC NULLS LAST, rating_count DESC, id",
    "newest": "published_at DESC NULLS LAST, id",
    "name": "title_sort, id",
}


def order_sql(sort: str) -> str:
    """The ORDER BY of `sort` on this database: on PostgreSQL titles in the "C" collation (byte order, which for
    UTF-8 is code point order: Python's `str` order, SQLite's default BINARY one and Elasticsearch's keyword
    sort), whatever the database's default collation."""
    if sort == "name" and postgres():
        return 'title_sort COLLATE "C", id'
    return ORDER_BY[sort]


class _Descending:
    """A value compared the other way round (a text column sorted DESC)."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value

    def __lt__(self, other: _Descending) -> bool:
        return other.value < self.value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Descending) and self.value == other.value


def _descending(value: Any) -> Any:
    return -value if isinstance(value, int | float) else _Descending(value)


#: A service's sort keys, as `_key_columns` reads them: (sort_price, rating_average, rating_count, published,
#: title_sort); prices and ratings as floats (exact: `_key_columns`), published as epoch microseconds
#: (PostgreSQL) or the stored text (SQLite), each None when NULL.
Keys = tuple[float | None, float | None, int, int | str | None, str]

#: Each ORDER_BY in Python, over (keys, id): NULLS LAST first, DESC negated, the id last (keys are unique).
SORT_KEYS: dict[str, Callable[[Keys, int], tuple]] = {
    "price": lambda k, pk: (k[0] is None, k[0] or 0, pk),
    "-price": lambda k, pk: (k[0] is None, -(k[0] or 0), pk),
    "rating": lambda k, pk: (k[1] is None, -(k[1] or 0), -k[2], pk),
    "newest": lambda k, pk: (k[3] is None, 0 if k[3] is None else _descending(k[3]), pk),
    "name": lambda k, pk: (k[4], pk),
}


def _keys(row: list) -> Keys:
    price, rating, count, published, title = row
    return (
        None if price is None else float(price),
        None if rating is None else float(rating),
        count,
        published,
        title,
    )


class Order:
    """A sort order's ids cut in chunks: each chunk a list of ids in that order and its bitmap (`Snapshot.page`
    looks into a chunk only when it holds hits).

    Loaded in chunks of `CHUNK` ids. A patch (`patched`) removes the changed ids from their chunks and inserts
    each service still indexed at its place, found by bisection on `SORT_KEYS`; a chunk grown to 2 * CHUNK is
    split, an emptied one dropped. Chunks are never changed in place (a patch makes new ones), so a search
    still holding the previous snapshot reads it unchanged.
    """

    def __init__(self, chunks: list[list[int]]):
        self.chunks = chunks
        self.bitmaps = [BitMap(chunk) for chunk in chunks]

    @classmethod
    def of(cls, ids: list[int]) -> Order:
        return cls([ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)])

    def ids(self) -> list[int]:
        return [pk for chunk in self.chunks for pk in chunk]

    def patched(self, gone: BitMap, added: Iterable[int], key: Callable[[int], tuple]) -> Order:
        """This order without the ids of `gone`, with `added` inserted each at its place (`key`: its sort key)."""
        new = Order([])
        fresh: set[int] = set()  # the chunks made by this patch (ids of the lists), changed in place from now on
        for chunk, bitmap in zip(self.chunks, self.bitmaps, strict=True):
            if not bitmap.isdisjoint(gone):
                chunk, bitmap = [pk for pk in chunk if pk not in gone], bitmap - gone
                fresh.add(id(chunk))
                if not chunk:
                    continue
            new.chunks.append(chunk)
            new.bitmaps.append(bitmap)
        chunks, bitmaps = new.chunks, new.bitmaps
        for pk in added:
            at = key(pk)
            n = min(bisect.bisect_left(chunks, at, key=lambda chunk: key(chunk[-1])), len(chunks) - 1)
            if n < 0:
                chunks.append([])
                bitmaps.append(BitMap())
                n = 0
            elif id(chunks[n]) not in fresh:
                chunks[n], bitmaps[n] = list(chunks[n]), BitMap(bitmaps[n])
            chunk = chunks[n]
            fresh.add(id(chunk))
            chunk.insert(bisect.bisect_left(chunk, at, key=key), pk)
            bitmaps[n].add(pk)
            if len(chunk) >= 2 * CHUNK:
                halves = [chunk[:CHUNK], chunk[CHUNK:]]
                fresh.update(map(id, halves))
                chunks[n : n + 1] = halves
                bitmaps[n : n + 1] = [BitMap(half) for half in halves]
        return new
