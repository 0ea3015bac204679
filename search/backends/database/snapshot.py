"""The database backend's facet counting and paging: compressed bitmaps of the index, kept per index version.

Counting facets with `COUNT(*) FILTER (WHERE ...)` reads every matching row, so a search's time grows with the
catalogue. Instead each process keeps a `Snapshot` of the narrow `CatalogueFacets` table as Roaring bitmaps
(pyroaring: compressed sets of ids whose AND / OR / intersection counts run on 64 Ki ids at a time):

- per facet value, the services having it (built with the same SQL conditions a filter uses, `condition_sql`);
- per `age_min`, `age_max` and provider, the services having that value;
- per sort order, every id in that order (the database sorts them: `ordering.order_sql`) cut in chunks of
  about `ordering.CHUNK` ids, each chunk also a bitmap (`ordering.Order`);
- per query word met since, the services holding its terms and those whose title holds them (the first
  search with a word asks the full-text index: `text.holders_sql`).

Then a search is set algebra: the total and every disjunctive facet count are intersection counts (OR
within a facet, AND across facets, each facet counted without its own selection, as Elasticsearch's
`post_filter`); the page walks the sort order chunk by chunk, and only chunks holding hits are looked into,
so a page costs about `offset + page_size` ids, not the catalogue. Relevance (how many query words the title
holds, then newest) splits the hits into score levels first.

The snapshot's version is `CatalogueVersion.token`, which every index write replaces; each write also logs
the services it changed (`CatalogueChange`, `writing.new_version`). Every search reads the token (one query,
`loading._version_sql`, its parameters written in); when it differs from the snapshot's, the same statement returns,
evaluated only then (a `CASE`; on PostgreSQL a function that also parses and plans it only then), either the
changes since the snapshot's version or the whole new snapshot, so a search costs the same number of queries
either way:

- **Patched** (`Snapshot.patched`) when the log holds every write since the snapshot's version, none of them
  a rebuild, and they changed at most `PATCH_SHARE` of the catalogue (or `PATCH_MIN` services): the changed
  ids leave every bitmap, and those still indexed come back with their facet values (the same
  `condition_sql`, evaluated by the database on their rows), groups and sort keys, each inserted at its
  exact place in every order: the sort keys of every service are kept in memory (`Snapshot.keys`, read with
  the first patch) and `ordering.SORT_KEYS` mirrors each `ORDER_BY` in Python (NULLS LAST, DESC, ties on id; titles
  in code point order, PostgreSQL's "C" collation). The cached words' holders are patched with the full-text
  semantics of `text.holders_sql` on PostgreSQL (the words' tsqueries evaluated against the changed rows
  only, `@@`); SQLite forgets its cached words on a write instead (each would be one more FTS5 `MATCH` in
  the statement, and SQLite serves one process on a laptop). A loaded typo vocabulary gains the changed
  services' terms. At 50,000 services a patch of one service costs about a warm search.
- **Reloaded whole** otherwise (a rebuild, a big write, a process whose version is older than the kept
  log, or a version that never committed): the database builds the snapshot as one JSON text.

A patch makes a new `Snapshot` (the bitmaps and chunks it changes are new objects), so a search still
holding the previous one reads it unchanged; patches are put in place one at a time, each on the latest.

This module keeps the `Snapshot` (filters, text, counting, paging, patching) and this process's current one;
the sort orders and their chunks are in `ordering`, the SQL that loads a snapshot or a patch in `loading`.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterable
from typing import Any

from django.db import connection
from pyroaring import BitMap

from search.api import FACETS, SearchQuery
from search.backends.database.loading import GROUPED, LIMIT, MINE, WORDS, _declared, _literal, _version_sql
from search.backends.database.ordering import ORDER_BY, SORT_KEYS, Keys, Order, _keys
from search.backends.database.tables import postgres
from search.backends.database.text import Vocabulary, WordTerms, exact_terms, holders_sql, tsquery_terms
from search.models import CatalogueTerm

#: Words whose holders a snapshot keeps (the least recently used are forgotten).
MAX_WORDS = 4096
#: Writes since a snapshot's version changing more services than this share of its catalogue (and more than
#: PATCH_MIN) reload it whole instead of patching it.
PATCH_SHARE = 0.05
PATCH_MIN = 64
EMPTY = BitMap()


def _ids(text: str | None) -> list[int]:
    """Comma-separated ids (None: none) as a list."""
    return json.loads(f"[{text or ''}]")


def _groups(groups: dict[str, list[int]]) -> dict[int | None, BitMap]:
    return {int(key) if key else None: BitMap(ids) for key, ids in groups.items()}


def _union(bitmaps: Iterable[BitMap]) -> BitMap:
    return BitMap.union(EMPTY, *bitmaps)


def _without(bitmaps: dict[Any, BitMap], gone: BitMap) -> dict[Any, BitMap]:
    """`bitmaps` (a copy) without the ids of `gone`; bitmaps left empty are dropped."""
    kept = dict(bitmaps)
    for key, ids in bitmaps.items():
        if not ids.isdisjoint(gone):
            if ids.issubset(gone):
                del kept[key]
            else:
                kept[key] = ids - gone
    return kept


class Snapshot:
    """The index of one version as bitmaps (see the module): facet values, groups, sort orders, words met."""

    def __init__(self, token: int, declared: tuple[tuple[str, int], ...], payload: str):
        pieces = iter(json.loads(payload))
        self.token, self.declared = token, declared
        self.everything = BitMap(next(pieces))
        self.values = {facet: {value: BitMap(next(pieces)) for value in values} for facet, values in FACETS.items()}
        self.orders = {sort: Order.of(next(pieces)) for sort in ORDER_BY}
        self.age_min, self.age_max, self.providers = (_groups(next(pieces)) for _ in GROUPED)
        #: Every service's sort keys (`Keys`), read with the first patch; None until then.
        self.keys: dict[int, Keys] | None = None
        self._ages: dict[int, BitMap] = {}
        self._words: dict[WordTerms, tuple[BitMap, BitMap]] = {}
        self._word_queries: tuple[tuple[WordTerms, ...], str] | None = None
        self._vocabulary: Vocabulary | None = None

    # Patching

    def word_queries(self) -> tuple[tuple[WordTerms, ...], str]:
        """The words whose holders are kept, and their tsqueries as a JSON array, an SQL literal (`WORDS`)."""
        if self._word_queries is None:
            words = tuple(self._words)
            self._word_queries = words, _literal(json.dumps([tsquery_terms(terms) for terms in words]))
        return self._word_queries

    def patched(self, token: int, patch: list, words: tuple[WordTerms, ...]) -> Snapshot:
        """A new snapshot of version `token`: this one with the changes of `patch` (see `_version_sql`) applied.

        The changed ids leave every bitmap (everything, facet values, groups, sort orders, the words' holders),
        then the services still indexed come back with the facet values, groups and sort keys read for them,
        each at its place in every order; the holders of `words` (the words asked about, PostgreSQL) are
        patched, the other words forgotten (SQLite: all of them); a loaded vocabulary gains the new terms.
        `self` is left as it was (searches may be reading it); only `keys`, shared, is updated.
        """
        changed_ids, rows, holders, terms, all_keys = patch
        gone = BitMap(changed_ids)
        new = copy.copy(self)
        new.token = token
        keys = self.keys if all_keys is None else {row[0]: _keys(row[1:]) for row in all_keys}
        assert keys is not None  # asked for in the statement whenever the snapshot had none
        new.keys = keys
        present = [row[0] for row in rows]
        for pk in gone:
            keys.pop(pk, None)
        for row in rows:
            keys[row[0]] = _keys(row[5:])
        new.everything = self.everything - gone | BitMap(present)
        having: list[list[int]] = [[] for _ in range(sum(map(len, FACETS.values())))]
        for row in rows:
            for n, flag in enumerate(row[1]):
                if flag == "1":
                    having[n].append(row[0])
        position = iter(range(len(having)))
        new.values = {
            facet: {value: self.values[facet][value] - gone | BitMap(having[next(position)]) for value in values}
            for facet, values in FACETS.items()
        }
        new.age_min, new.age_max, new.providers = (
            _without(groups, gone) for groups in (self.age_min, self.age_max, self.providers)
        )
        for row in rows:
            for groups, value in zip((new.age_min, new.age_max, new.providers), row[2:5], strict=True):
                groups[value] = groups[value] | BitMap([row[0]]) if value in groups else BitMap([row[0]])
        new.orders = {}
        for sort, order in self.orders.items():
            sort_key = SORT_KEYS[sort]
            new.orders[sort] = order.patched(gone, present, lambda pk, sort_key=sort_key: sort_key(keys[pk], pk))
        new._ages = {}
        new._words, new._word_queries = {}, None
        if holders is not None:
            found: dict[int, tuple[list[int], list[int]]] = {}
            for n, pk, in_title in holders:
                holding, titled = found.setdefault(n - 1, ([], []))
                holding.append(pk)
                if in_title:
                    titled.append(pk)
            for n, terms_of in enumerate(words):
                if terms_of in self._words:
                    holding, titled = found.get(n, ((), ()))
                    old_holding, old_titled = self._words[terms_of]
                    new._words[terms_of] = (old_holding - gone | BitMap(holding), old_titled - gone | BitMap(titled))
        if self._vocabulary is not None:
            new._vocabulary = self._vocabulary.with_terms(
                (kind, term)
                for stems, folded in terms or ()
                for kind, text in ((CatalogueTerm.STEM, stems), (CatalogueTerm.FOLDED, folded))
                for term in text.split()
            )
        return new

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
            self._word_queries = None
        found = []
        for terms in words:
            found.append(self._words.pop(terms))
            self._words[terms] = found[-1]  # the most recently used last
        return found

    def match(self, words: list[str]) -> tuple[BitMap, list[BitMap]]:
        """The services holding every word (exact terms, or its typos when they occur nowhere), and per word
        the services whose title holds it. Only services of the snapshot count: a text row left behind by
        tables emptied outside the backend (the SQLite full-text table is no Django model, so a test's flush
        keeps it) holds no service."""
        exact = [exact_terms(word) for word in words]
        resolved = list(exact)
        for n, (holding, _title) in enumerate(self.holders(exact)):
            if not holding.intersection_cardinality(self.everything):
                if self._vocabulary is None:
                    self._vocabulary = Vocabulary()
                resolved[n] = self._vocabulary.typo_terms(words[n]) or exact[n]
        holders = self.holders(resolved)  # asks only for the typos' terms: the exact ones are kept
        matched = BitMap.intersection(self.everything, *(holding for holding, _ in holders))
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
        order = self.orders[sort]
        position, page = 0, []
        for level in levels:
            left = len(level)
            for chunk, bitmap in zip(order.chunks, order.bitmaps, strict=True):
                if not left or position >= stop:
                    break
                inside = level.intersection_cardinality(bitmap)
                left -= inside
                if position + inside <= start:
                    position += inside
                    continue
                for pk in chunk:
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
#: Held while a patched snapshot is made and put in place: patches apply one after the other, each to the
#: latest snapshot (they update its shared `keys`).
_patching = threading.Lock()


def current() -> Snapshot:
    """This process's snapshot of the index, brought up to date in the same query that checks its version:
    patched with the services changed since its version, or rebuilt whole (see `_version_sql`)."""
    key, declared = connection.settings_dict["NAME"], _declared()
    snapshot = _current.get(key)
    if snapshot is not None and snapshot.declared != declared:
        snapshot = None
    connection.ensure_connection()  # the literals are quoted by the driver's connection
    words: tuple[WordTerms, ...] = ()
    word_queries = "NULL"
    if snapshot is not None and postgres() and snapshot._words:
        words, word_queries = snapshot.word_queries()
    parts, slots = _version_sql(
        connection.vendor,
        declared,
        keys=snapshot is not None and snapshot.keys is None,
        terms=snapshot is not None and snapshot._vocabulary is not None,
        words=bool(words),
    )
    limit = max(PATCH_MIN, int(len(snapshot.everything) * PATCH_SHARE)) if snapshot else 0
    filled = {MINE: str(snapshot.token) if snapshot else "NULL", LIMIT: str(limit), WORDS: word_queries}
    sql = parts[0] + "".join(filled[slot] + part for slot, part in zip(slots, parts[1:], strict=True))
    with connection.cursor() as cursor:
        cursor.execute(sql)
        token, data = cursor.fetchone()
    if data is None:
        return snapshot
    if not data.startswith("P"):
        snapshot = _current[key] = Snapshot(token, declared, data)
        return snapshot
    with _patching:
        latest = _current.get(key)
        if latest is snapshot:
            latest = _current[key] = snapshot.patched(token, json.loads(data[1:]), words)
    if latest is None or latest.token != token:
        # Another thread put a snapshot of another version in place meanwhile: this patch no longer applies to it.
        _current.pop(key, None)
        return current()
    return latest


def forget_words() -> None:
    """Empty the text caches of this process's snapshots: the services holding each word met (`holders`)
    and the typo expansions looked up (`Vocabulary.fuzzy`); the bitmaps, the sort orders and the loaded
    vocabulary stay. The next search with any word asks the full-text index again, as the first search
    with a word not met since the last index write does (a write replaces the whole snapshot).

    For measuring that first search (`bench/search_bench.py`, "cold word"); searches never need it.
    """
    for kept in _current.values():
        kept._words.clear()
        kept._word_queries = None
        if kept._vocabulary is not None:
            kept._vocabulary.forget_lookups()
