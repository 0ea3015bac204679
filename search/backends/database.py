"""The embedded backend: search over `CatalogueEntry` rows with the shared Italian analysis.

Text matching uses the same analysis as the Elasticsearch mapping (stems + folded words with their
synonyms written at index time, the same typo tolerance of the query words against the index
vocabulary), so both backends find the same documents on SQLite and PostgreSQL. One aggregate
query computes the total and every disjunctive facet count.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from django.contrib.postgres.search import SearchQuery as TextQuery
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Case, Count, F, Max, Q, Value, When
from django.db.models.lookups import GreaterThan

from search import analysis
from search.api import FACETS, Drift, SearchBackend, SearchQuery, SearchResult, Suggestion, build_facets
from search.documents import ServiceDocument
from search.facets import FACETS as DECLARED
from search.facets import Filtering, to_mask
from search.models import CatalogueEntry, CatalogueTerm

BATCH = 1000
NOTHING = Q(pk__in=[])
_ORDERINGS: dict[str, list[Any]] = {
    "price": [F("sort_price").asc(nulls_last=True), "id"],
    "-price": [F("sort_price").desc(nulls_last=True), "id"],
    "rating": [F("rating_average").desc(nulls_last=True), "-rating_count", "id"],
    "newest": [F("published_at").desc(nulls_last=True), "id"],
    "name": ["title_sort", "id"],
}
_UPDATE_FIELDS = [f.name for f in CatalogueEntry._meta.concrete_fields if not f.primary_key and f.editable]


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _fill_search_vectors(rows) -> None:
    if _postgres():
        rows.update(
            search_vector=SearchVector("text_stems", config="simple", weight="A")
            + SearchVector("text_folded", config="simple", weight="B")
        )


def _lexeme(term: str, weight: str) -> str:
    return "'{}':{}".format(term.replace("\\", "\\\\").replace("'", "''"), weight)


def _batches(items: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _any(conditions: Iterable[Q]) -> Q:
    conditions = list(conditions)
    return functools.reduce(operator.or_, conditions) if conditions else NOTHING


def _all(conditions: Iterable[Q]) -> Q:
    return functools.reduce(operator.and_, conditions, Q())


def value_condition(facet: str, values: Iterable[Any]) -> Q:
    """Rows having any of `values` for `facet` (OR within a facet)."""
    values = list(values)
    declared = DECLARED[facet]
    if declared.filtering is Filtering.MULTI:
        return Q(GreaterThan(F(declared.column).bitand(to_mask(values, declared.bits)), 0))
    return Q(**{f"{declared.column}__in": values})


def _condition_sql(facet: str, values: Iterable[Any]) -> tuple[str, list[Any]]:
    """`value_condition` as SQL over the facets' columns (`search.facets`: a bitmask for MULTI facets)."""
    values = sorted(values)
    declared = DECLARED[facet]
    if declared.filtering is Filtering.MULTI:
        return f"({declared.column} & %s) > 0", [to_mask(values, declared.bits)]
    return f"{declared.column} IN ({', '.join(['%s'] * len(values))})", values


class Vocabulary:
    """The index vocabulary grouped by term length, cached per process with its fuzzy lookups.

    The cache key is (row count, highest id): terms are only ever added, or all deleted, and ids
    are never reused (AUTOINCREMENT on SQLite, sequences on PostgreSQL), so the key changes
    whenever the vocabulary does; checking it costs one tiny query per search.
    """

    _cached: Vocabulary | None = None

    def __init__(self, key: tuple[int, int | None]):
        self.key = key
        self.by_length: dict[str, dict[int, list[str]]] = {CatalogueTerm.STEM: {}, CatalogueTerm.FOLDED: {}}
        for kind, term in CatalogueTerm.objects.values_list("kind", "term"):
            self.by_length[kind].setdefault(len(term), []).append(term)
        self._fuzzy: dict[tuple[str, str], list[str]] = {}

    @classmethod
    def current(cls) -> Vocabulary:
        state = CatalogueTerm.objects.aggregate(n=Count("id"), last=Max("id"))
        key = (state["n"], state["last"])
        if cls._cached is None or cls._cached.key != key:
            cls._cached = cls(key)
        return cls._cached

    def fuzzy(self, kind: str, term: str) -> list[str]:
        if (kind, term) not in self._fuzzy:
            limit = analysis.max_edits(term)
            candidates = [
                t for n in range(len(term) - limit, len(term) + limit + 1) for t in self.by_length[kind].get(n, ())
            ]
            self._fuzzy[kind, term] = analysis.fuzzy_matches(term, candidates)
        return self._fuzzy[kind, term]


def facet_conditions(query: SearchQuery) -> dict[str, Q]:
    return {facet: value_condition(facet, query.selected(facet)) for facet in FACETS if query.selected(facet)}


class DatabaseBackend(SearchBackend):
    name = "database"

    # Writing

    def index(self, docs: Iterable[ServiceDocument]) -> int:
        written = 0
        for batch in _batches(docs):
            entries = [CatalogueEntry.from_document(doc) for doc in batch]
            with transaction.atomic():
                CatalogueEntry.objects.bulk_create(
                    entries, update_conflicts=True, unique_fields=["id"], update_fields=_UPDATE_FIELDS
                )
                self._add_vocabulary(entries)
                _fill_search_vectors(CatalogueEntry.objects.filter(pk__in=[e.id for e in entries]))
            written += len(entries)
        return written

    def delete(self, ids: Iterable[int]) -> None:
        CatalogueEntry.objects.filter(pk__in=list(ids)).delete()

    def rebuild(self, docs: Iterable[ServiceDocument], progress: Callable[[int], None] | None = None) -> int:
        written = 0
        with transaction.atomic():
            CatalogueEntry.objects.all().delete()
            CatalogueTerm.objects.all().delete()
            for batch in _batches(docs):
                entries = [CatalogueEntry.from_document(doc) for doc in batch]
                CatalogueEntry.objects.bulk_create(entries)
                self._add_vocabulary(entries)
                written += len(entries)
                if progress:
                    progress(written)
            _fill_search_vectors(CatalogueEntry.objects.all())
        return written

    def check(self, docs: Iterable[ServiceDocument]) -> Drift:
        expected = {doc.id: doc for doc in docs}
        stored = {entry.id: entry.to_document() for entry in CatalogueEntry.objects.iterator(chunk_size=2000)}
        return Drift(
            missing=sorted(expected.keys() - stored.keys()),
            extra=sorted(stored.keys() - expected.keys()),
            stale=sorted(i for i in expected.keys() & stored.keys() if expected[i] != stored[i]),
        )

    @staticmethod
    def _add_vocabulary(entries: list[CatalogueEntry]) -> None:
        stems = {t for e in entries for t in e.text_stems.split()}
        folded = {t for e in entries for t in e.text_folded.split()}
        CatalogueTerm.objects.bulk_create(
            [CatalogueTerm(kind=CatalogueTerm.STEM, term=t[:100]) for t in stems]
            + [CatalogueTerm(kind=CatalogueTerm.FOLDED, term=t[:100]) for t in folded],
            ignore_conflicts=True,
        )

    # Reading

    def search(self, query: SearchQuery) -> SearchResult:
        rows = CatalogueEntry.objects.all()
        words = analysis.query_words(query.q)
        score = None
        if words:
            text, title = self._text_conditions(words)
            rows = rows.filter(_all(text))
            score = functools.reduce(
                operator.add, (Case(When(cond, then=Value(1)), default=Value(0)) for cond in title)
            )
        if query.age is not None:
            rows = rows.filter(Q(age_min__isnull=True) | Q(age_min__lte=query.age)).filter(
                Q(age_max__isnull=True) | Q(age_max__gte=query.age)
            )
        if query.provider is not None:
            rows = rows.filter(provider_id=query.provider)

        active = facet_conditions(query)
        total, counts = self._counts(rows, query)
        sort = query.effective_sort
        page = rows.filter(_all(active.values()))
        if sort == "relevance" and score is not None:
            page = page.annotate(score=score).order_by("-score", F("published_at").desc(nulls_last=True), "id")
        else:
            page = page.order_by(*_ORDERINGS.get(sort, _ORDERINGS["newest"]))
        hits = [entry.to_document() for entry in page[query.offset : query.offset + query.page_size]]
        return SearchResult(count=total, hits=hits, facets=build_facets(query, counts), query=query, backend=self.name)

    @staticmethod
    def _counts(rows, query: SearchQuery) -> tuple[int, dict[str, dict[Any, int]]]:
        """The total and every facet value's disjunctive count, in one query.

        Written as SQL over the filtered rows because the conditions are tiny (an IN list or a
        bit test) and there are ~35 of them: building them as ORM aggregates costs more than
        running the query.
        """
        active = {facet: _condition_sql(facet, query.selected(facet)) for facet in FACETS if query.selected(facet)}
        columns, params = [], []

        def count_where(conditions: list[tuple[str, list[Any]]]) -> None:
            sql = " AND ".join(c for c, _ in conditions) or "1 = 1"
            columns.append(f"COALESCE(SUM(CASE WHEN {sql} THEN 1 ELSE 0 END), 0)")
            params.extend(p for _, ps in conditions for p in ps)

        count_where(list(active.values()))
        for facet, values in FACETS.items():
            others = [cond for name, cond in active.items() if name != facet]
            for value in values:
                count_where([*others, _condition_sql(facet, [value])])
        try:
            columns_used = sorted({facet.column for facet in DECLARED.values()})
            base_sql, base_params = rows.values(*columns_used).query.sql_with_params()
        except EmptyResultSet:
            return 0, {}
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(columns)} FROM ({base_sql}) base", [*params, *base_params])
            numbers = iter(cursor.fetchone())
        total = next(numbers)
        return total, {facet: {value: next(numbers) for value in values} for facet, values in FACETS.items()}

    def _text_conditions(self, words: list[str]) -> tuple[list[Q], list[Q]]:
        """For each query word: rows matching it anywhere, and rows matching it in the title."""
        vocabulary = Vocabulary.current()
        text, title = [], []
        for word in words:
            # The word as the engine's search analyzers see it; synonyms are already in the index.
            stems = set(vocabulary.fuzzy(CatalogueTerm.STEM, analysis.query_stem(word)))
            folded = set(vocabulary.fuzzy(CatalogueTerm.FOLDED, analysis.query_folded(word)))
            if _postgres():
                lexemes = [_lexeme(t, "A") for t in sorted(stems)] + [_lexeme(t, "B") for t in sorted(folded)]
                text.append(
                    Q(search_vector=TextQuery(" | ".join(lexemes), config="simple", search_type="raw"))
                    if lexemes
                    else NOTHING
                )
            else:
                text.append(
                    _any(Q(text_stems__contains=f" {t} ") for t in sorted(stems))
                    | _any(Q(text_folded__contains=f" {t} ") for t in sorted(folded))
                )
            title.append(
                _any(Q(title_stems__contains=f" {t} ") for t in sorted(stems))
                | _any(Q(title_folded__contains=f" {t} ") for t in sorted(folded))
            )
        return text, title

    def autocomplete(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        words = analysis.autocomplete_words(prefix)
        if not words:
            return []
        *complete, last = words

        def matching(column: str) -> Q:
            return _all(Q(**{f"{column}__contains": f" {w} "}) for w in complete) & Q(
                **{f"{column}__contains": f" {last}"}
            )

        services = CatalogueEntry.objects.filter(matching("title_ac")).order_by("title_sort", "id")
        providers = (
            CatalogueEntry.objects.filter(matching("provider_ac"))
            .values_list("provider_name", "provider_url")
            .order_by("provider_name")
            .distinct()
        )
        return [Suggestion(name, "provider", url) for name, url in providers[:limit]] + [
            Suggestion(entry.title, "service", entry.url) for entry in services.only("title", "url")[:limit]
        ]
