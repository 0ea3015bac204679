"""The database backend's facet counting and paging: compressed bitmaps of the index, kept per index version.

Counting facets with `COUNT(*) FILTER (WHERE ...)` reads every matching row, so a search's time grows with the
catalogue. Instead each process keeps a `Snapshot` of the narrow `CatalogueFacets` table as Roaring bitmaps
(pyroaring: compressed sets of ids whose AND / OR / intersection counts run on 64 Ki ids at a time):

- per facet value, the services having it (built with the same SQL conditions a filter uses, `condition_sql`);
- per `age_min`, `age_max` and provider, the services having that value;
- per sort order, every id in that order (the database sorts them, with its collation) cut in chunks of
  `CHUNK` ids, each chunk also a bitmap;
- per query word met since, the services holding its terms and those whose title holds them (the first
  search with a word asks the full-text index: `text.holders_sql`).

Then a search is set algebra: the total and every disjunctive facet count are intersection counts (OR
within a facet, AND across facets, each facet counted without its own selection, as Elasticsearch's
`post_filter`); the page walks the sort order chunk by chunk, and only chunks holding hits are looked into,
so a page costs about `offset + page_size` ids, not the catalogue. Relevance (how many query words the title
holds, then newest) splits the hits into score levels first.

The snapshot's version is `CatalogueVersion.token`, which every index write replaces. Every search reads it
(one small query); when it differs from the snapshot's, the same statement returns the data of the new
snapshot (a `CASE` evaluated only then), so a search costs the same number of queries either way.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from typing import Any

from django.db import connection
from pyroaring import BitMap

from search.api import FACETS, SearchQuery
from search.backends.database.tables import FACETS_TABLE, VERSION, condition_sql, postgres
from search.backends.database.text import Vocabulary, WordTerms, exact_terms, holders_sql
from search.facets import FACETS as DECLARED

#: Ids per chunk of a sort order.
CHUNK = 1024
#: Words whose holders a snapshot keeps (the least recently used are forgotten).
MAX_WORDS = 4096
EMPTY = BitMap()

#: Each sort's order over CatalogueFacets (relevance: score levels, each in the newest order).
ORDER_BY: dict[str, str] = {
    "price": "sort_price ASC NULLS LAST, id",
    "-price": "sort_price DESC NULLS LAST, id",
    "rating": "rating_average DESC NULLS LAST, rating_count DESC, id",
    "newest": "published_at DESC NULLS LAST, id",
    "name": "title_sort, id",
}
GROUPED = ("age_min", "age_max", "provider_id")


def _ids(text: str | None) -> list[int]:
    """Comma-separated ids (None: none) as a list."""
    return json.loads(f"[{text or ''}]")


def _aggregate(expression: str = "CAST(id AS TEXT)") -> str:
    return f"string_agg({expression}, ',')" if postgres() else f"group_concat({expression})"


def _list(aggregate: str) -> str:
    return f"'[' || COALESCE({aggregate}, '') || ']'"


def _declared() -> tuple[tuple[str, int], ...]:
    """The facet declarations a snapshot and its SQL were made for (a facet declared later needs new ones)."""
    return tuple((code, id(facet)) for code, facet in DECLARED.items())


@functools.lru_cache(maxsize=16)
def _payload_sql(vendor: str, declared: tuple[tuple[str, int], ...]) -> tuple[str, tuple[Any, ...]]:
    """The snapshot's data as one JSON array (built by the database, parsed by `json.loads` in C): every id,
    each facet value's ids, each sort order's ids, and per grouped column {value: ids} (see `Snapshot`)."""
    pieces, params = [_list(_aggregate())], []
    for facet, values in FACETS.items():
        for value in values:
            condition, condition_params = condition_sql(facet, [value], alias="f")
            pieces.append(_list(f"{_aggregate()} FILTER (WHERE {condition})"))
            params += condition_params
    comma = " || ',' || "
    subqueries = [f"(SELECT {comma.join(pieces)} FROM {FACETS_TABLE} f)"]
    for order in ORDER_BY.values():
        if postgres():
            ordered = f"SELECT string_agg(CAST(id AS TEXT), ',' ORDER BY {order}) AS ids FROM {FACETS_TABLE}"
        else:  # SQLite before 3.44 has no ORDER BY in aggregates; it aggregates in the subquery's order
            ordered = f"SELECT group_concat(id) AS ids FROM (SELECT id FROM {FACETS_TABLE} ORDER BY {order})"
        subqueries.append(f"(SELECT {_list('ids')} FROM ({ordered}) o)")
    for column in GROUPED:
        groups = (
            f"SELECT '\"' || COALESCE(CAST({column} AS TEXT), '') || '\":[' || {_aggregate()} || ']' AS g"
            f" FROM {FACETS_TABLE} GROUP BY {column}"
        )
        subqueries.append(f"(SELECT '{{' || COALESCE({_aggregate('g')}, '') || '}}' FROM ({groups}) grouped)")
    return f"'[' || {comma.join(subqueries)} || ']'", tuple(params)


def _groups(groups: dict[str, list[int]]) -> dict[int | None, BitMap]:
    return {int(key) if key else None: BitMap(ids) for key, ids in groups.items()}


def _union(bitmaps: Iterable[BitMap]) -> BitMap:
    return BitMap.union(EMPTY, *bitmaps)


class Snapshot:
    """The index of one version as bitmaps (see the module): facet values, groups, sort orders, words met."""

    def __init__(self, token: int, declared: tuple[tuple[str, int], ...], payload: str):
        pieces = iter(json.loads(payload))
        self.token, self.declared = token, declared
        self.everything = BitMap(next(pieces))
        self.values = {facet: {value: BitMap(next(pieces)) for value in values} for facet, values in FACETS.items()}
        self.orders: dict[str, tuple[list[int], list[BitMap]]] = {}
        for sort in ORDER_BY:
            order = next(pieces)
            self.orders[sort] = (order, [BitMap(order[i : i + CHUNK]) for i in range(0, len(order), CHUNK)])
        self.age_min, self.age_max, self.providers = (_groups(next(pieces)) for _ in GROUPED)
        self._ages: dict[int, BitMap] = {}
        self._words: dict[WordTerms, tuple[BitMap, BitMap]] = {}
        self._vocabulary: Vocabulary | None = None

    # Filters

    def age(self, age: int) -> BitMap:
        """Services for `age`: no minimum or one <= age, and no maximum or one >= age."""
        if age not in self._ages:
            low = _union(ids for key, ids in self.age_min.items() if key is None or key <= age)
            high = _union(ids for key, ids in self.age_max.items() if key is None or key >= age)
            self._ages[age] = low & high
        return self._ages[age]

    def provider(self, provider: int) -> BitMap:
        return self.providers.get(provider, EMPTY)

    # Text

    def holders(self, words: list[WordTerms]) -> list[tuple[BitMap, BitMap]]:
        """Per word, the services holding its terms and those whose title holds them (at most one query)."""
        missing = [terms for terms in dict.fromkeys(words) if terms not in self._words]
        if missing:
            sql, params = holders_sql(missing)
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                row = cursor.fetchone()
            if len(self._words) + len(missing) > MAX_WORDS:
                for old in list(self._words)[: len(missing)]:
                    del self._words[old]
            for n, terms in enumerate(missing):
                self._words[terms] = (BitMap(_ids(row[2 * n])), BitMap(_ids(row[2 * n + 1])))
        found = []
        for terms in words:
            found.append(self._words.pop(terms))
            self._words[terms] = found[-1]  # the most recently used last
        return found

    def match(self, words: list[str]) -> tuple[BitMap, list[BitMap]]:
        """The services holding every word (exact terms, or its typos when they occur nowhere), and per word
        the services whose title holds it."""
        exact = [exact_terms(word) for word in words]
        resolved = list(exact)
        for n, (holding, _title) in enumerate(self.holders(exact)):
            if not holding:
                if self._vocabulary is None:
                    self._vocabulary = Vocabulary()
                resolved[n] = self._vocabulary.typo_terms(words[n]) or exact[n]
        holders = self.holders(resolved)  # asks only for the typos' terms: the exact ones are kept
        matched = BitMap.intersection(*(holding for holding, _ in holders))
        return matched, [title for _, title in holders]

    # Counting and paging

    def count(self, base: BitMap, query: SearchQuery) -> tuple[BitMap, dict[str, dict[Any, int]]]:
        """The hits (base narrowed by every selection) and each facet value's disjunctive count."""
        selections = {
            facet: _union(self.values[facet].get(value, EMPTY) for value in query.selected(facet))
            for facet in FACETS
            if query.selected(facet)
        }

        def narrowed(skip: str | None = None) -> BitMap:
            result = base
            for facet, selected in selections.items():
                if facet != skip:
                    result = result & selected
            return result

        hits = narrowed()
        counts = {}
        for facet, values in FACETS.items():
            within = narrowed(facet) if facet in selections else hits
            counts[facet] = {value: within.intersection_cardinality(self.values[facet][value]) for value in values}
        return hits, counts

    def page(self, levels: list[BitMap], sort: str, start: int, stop: int) -> list[int]:
        """Ids `start:stop` of `levels` (sets in their order of precedence), each in the `sort` order."""
        order, chunks = self.orders[sort]
        position, page = 0, []
        for level in levels:
            left = len(level)
            for n, chunk in enumerate(chunks):
                if not left or position >= stop:
                    break
                inside = level.intersection_cardinality(chunk)
                left -= inside
                if position + inside <= start:
                    position += inside
                    continue
                for pk in order[n * CHUNK : (n + 1) * CHUNK]:
                    if pk in level:
                        if start <= position < stop:
                            page.append(pk)
                        position += 1
        return page


def score_levels(hits: BitMap, titles: list[BitMap]) -> list[BitMap]:
    """`hits` split by how many of the words their title holds, the most first."""
    levels = [hits]
    for title in titles:
        levels = [
            (levels[k] - title if k < len(levels) else EMPTY) | (levels[k - 1] & title if k else EMPTY)
            for k in range(len(levels) + 1)
        ]
    return levels[::-1]


_current: dict[str, Snapshot] = {}


def current() -> Snapshot:
    """This process's snapshot of the index, brought up to date in the same query that checks its version."""
    key, declared = connection.settings_dict["NAME"], _declared()
    snapshot = _current.get(key)
    if snapshot is not None and snapshot.declared != declared:
        snapshot = None
    payload, params = _payload_sql(connection.vendor, declared)
    sql = (
        f"SELECT v.token, CASE WHEN v.token = %s THEN NULL ELSE {payload} END"
        f" FROM (SELECT COALESCE((SELECT token FROM {VERSION} WHERE id = 1), 0) AS token) v"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [snapshot.token if snapshot else None, *params])
        token, data = cursor.fetchone()
    if data is not None:
        snapshot = _current[key] = Snapshot(token, declared, data)
    return snapshot


def forget_words() -> None:
    """Empty the text caches of this process's snapshots: the services holding each word met (`holders`)
    and the typo expansions looked up (`Vocabulary.fuzzy`); the bitmaps, the sort orders and the loaded
    vocabulary stay. The next search with any word asks the full-text index again, as the first search
    with a word not met since the last index write does (a write replaces the whole snapshot).

    For measuring that first search (`bench/search_bench.py`, "cold word"); searches never need it.
    """
    for kept in _current.values():
        kept._words.clear()
        if kept._vocabulary is not None:
            kept._vocabulary.forget_lookups()
