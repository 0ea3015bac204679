"""The embedded backend: search over `CatalogueEntry` rows with the shared Italian analysis.

Text matching uses the same analysis as the Elasticsearch mapping (stems + folded words, synonyms,
AUTO typo tolerance against the index vocabulary), so both backends find the same documents on
SQLite and PostgreSQL. One aggregate query computes the total and every disjunctive facet count.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from django.db import transaction
from django.db.models import Case, Count, F, Q, Value, When
from django.db.models.lookups import GreaterThan

from search import analysis
from search.api import FACETS, Drift, SearchBackend, SearchQuery, SearchResult, Suggestion, build_facets
from search.documents import ServiceDocument
from search.models import (
    DAY_BITS,
    DELIVERY_BITS,
    MUNICIPIO_BITS,
    WELLBEING_BITS,
    CatalogueEntry,
    CatalogueTerm,
    to_mask,
)

BATCH = 1000
NOTHING = Q(pk__in=[])
_MASK_FACETS = {
    "municipio": ("municipi_mask", MUNICIPIO_BITS),
    "delivery": ("delivery_mask", DELIVERY_BITS),
    "day": ("days_mask", DAY_BITS),
    "wellbeing": ("wellbeing_mask", WELLBEING_BITS),
}
_FIELD_FACETS = {"category": "category", "free": "free", "voucher": "voucher"}
_ORDERINGS: dict[str, list[Any]] = {
    "price": [F("sort_price").asc(nulls_last=True), "id"],
    "-price": [F("sort_price").desc(nulls_last=True), "id"],
    "rating": [F("rating_average").desc(nulls_last=True), "-rating_count", "id"],
    "newest": [F("published_at").desc(nulls_last=True), "id"],
    "name": ["title_sort", "id"],
}
_UPDATE_FIELDS = [f.name for f in CatalogueEntry._meta.concrete_fields if not f.primary_key]


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
    if facet in _MASK_FACETS:
        column, bits = _MASK_FACETS[facet]
        return Q(GreaterThan(F(column).bitand(to_mask(values, bits)), 0))
    return Q(**{f"{_FIELD_FACETS[facet]}__in": values})


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
        aggregates: dict[str, Any] = {"total": Count("pk", filter=_all(active.values()))}
        for facet, values in FACETS.items():
            others = _all(cond for name, cond in active.items() if name != facet)
            for i, value in enumerate(values):
                aggregates[f"{facet}__{i}"] = Count("pk", filter=others & value_condition(facet, [value]))
        totals = rows.aggregate(**aggregates)
        counts = {
            facet: {value: totals[f"{facet}__{i}"] for i, value in enumerate(values)}
            for facet, values in FACETS.items()
        }

        sort = query.effective_sort
        page = rows.filter(_all(active.values()))
        if sort == "relevance" and score is not None:
            page = page.annotate(score=score).order_by("-score", F("published_at").desc(nulls_last=True), "id")
        else:
            page = page.order_by(*_ORDERINGS.get(sort, _ORDERINGS["newest"]))
        hits = [entry.to_document() for entry in page[query.offset : query.offset + query.page_size]]
        return SearchResult(
            count=totals["total"], hits=hits, facets=build_facets(query, counts), query=query, backend=self.name
        )

    def _text_conditions(self, words: list[str]) -> tuple[list[Q], list[Q]]:
        """For each query word: rows matching it anywhere, and rows matching it in the title."""
        vocabulary: dict[str, list[str]] = {CatalogueTerm.STEM: [], CatalogueTerm.FOLDED: []}
        for kind, term in CatalogueTerm.objects.values_list("kind", "term"):
            vocabulary[kind].append(term)
        text, title = [], []
        for word in words:
            stems, folded = set(), set()
            for alternative in analysis.alternatives(word):
                stems.update(analysis.fuzzy_matches(analysis.light_stem(alternative), vocabulary[CatalogueTerm.STEM]))
                folded.update(analysis.fuzzy_matches(analysis.fold(alternative), vocabulary[CatalogueTerm.FOLDED]))
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
        words = analysis.folded(prefix)
        if not words:
            return []
        *complete, last = words

        def matching(column: str) -> Q:
            return _all(Q(**{f"{column}__contains": f" {w} "}) for w in complete) & Q(
                **{f"{column}__contains": f" {last}"}
            )

        services = CatalogueEntry.objects.filter(matching("title_folded")).order_by("title_sort", "id")
        providers = (
            CatalogueEntry.objects.filter(matching("provider_folded"))
            .values_list("provider_name", "provider_url")
            .order_by("provider_name")
            .distinct()
        )
        return [Suggestion(name, "provider", url) for name, url in providers[:limit]] + [
            Suggestion(entry.title, "service", entry.url) for entry in services.only("title", "url")[:limit]
        ]
