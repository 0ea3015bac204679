"""The Elasticsearch backend, written with `elasticsearch.dsl`.

Index lifecycle: documents live in timestamped indices (`<alias>-<timestamp>`) behind one alias;
`rebuild` loads a new index and moves the alias in a single `update_aliases` call, so searches
never see an empty or half-built index, then deletes the orphans.

Analysis happens in the engine (`search.analysis` mirrors it for the database backend): text
fields use `it_text` (standard tokenizer, elision, lowercase, ASCII folding, a `synonym_graph`
filter fed from `synonyms_it.txt`, Italian stop words, the light Italian stemmer) with a `folded`
sub-field (the same without stop words and stemming). Synonyms are added at index time; the search
analyzers are the same chains without them, and each query word is a `multi_match`. A word whose exact
and stemmed terms occur in no document gets `fuzziness: AUTO:4,8` (`analysis.FUZZINESS`, with
`prefix_length` 1 and `max_expansions` 50), so a typo of a word reaches its synonyms too; a word the
index holds is matched exactly (one `_msearch` asks both questions; a second request only for typos),
as the database backend does. Autocomplete uses
`search_as_you_type` fields analyzed by `it_autocomplete` (apostrophes split words instead of
eliding them, so a name stays suggested while its article is typed).

Facets are disjunctive: the facet selections go to a `post_filter`, and each facet is counted in
a `filter` aggregation holding every other facet's selection.

The database table is always written first: it is what searches fall back to when the cluster
cannot be reached, answers slowly or errs. Searches have short connect and read timeouts
(`ELASTICSEARCH_CONNECT_TIMEOUT`, `ELASTICSEARCH_READ_TIMEOUT`), and a circuit breaker per cluster
URL: after a failure the cluster is left alone for `ELASTICSEARCH_BREAKER_RESET` seconds, searches go
to the database at once and writes are queued (`search.sync`), then one request tries again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from django.conf import settings
from django.utils import timezone
from elasticsearch import ApiError, Elasticsearch, NotFoundError, helpers
from elasticsearch.dsl import (
    Index,
    MultiSearch,
    Q,
    Search,
)

from search import analysis
from search.api import (
    FACETS,
    Drift,
    SearchBackend,
    SearchQuery,
    SearchResult,
    SearchUnavailable,
    Suggestion,
    build_facets,
)
from search.backends.es_mapping import SAYT, TEXT_FIELDS, CatalogueDocument, catalogue_mapping, from_source, to_source
from search.backends.es_transport import (
    UNREACHABLE,
    CircuitBreaker,
    PlainJsonNode,
    Unhealthy,
    breaker_for,
    is_failure,
    make_client,
    shared_client,
)
from search.documents import ServiceDocument
from search.facets import FACETS as DECLARED

# The mapping (es_mapping) and the transport (es_transport) live apart; these names stay importable from here.
__all__ = ["UNREACHABLE", "ElasticsearchBackend", "PlainJsonNode", "make_client"]

logger = logging.getLogger(__name__)

DEFAULT_ALIAS = "milano018-catalogue"
BATCH = 500
#: Seconds: writes (bulk loads, rebuilds, drift checks) may take longer than a search.
WRITE_TIMEOUT = 60.0
SORTS: dict[str, list[Any]] = {
    "relevance": ["_score", {"published_at": {"order": "desc", "missing": "_last"}}, "id"],
    "price": [{"sort_price": {"order": "asc", "missing": "_last"}}, "id"],
    "-price": [{"sort_price": {"order": "desc", "missing": "_last"}}, "id"],
    "rating": [{"rating_average": {"order": "desc", "missing": "_last"}}, {"rating_count": "desc"}, "id"],
    "newest": [{"published_at": {"order": "desc", "missing": "_last"}}, "id"],
    "name": ["title_sort", "id"],
}


def facet_filter(facet: str, values: Iterable[Any]) -> Q:
    """Documents having any of `values` in the facet's field (OR within a facet)."""
    return Q("terms", **{DECLARED[facet].field: sorted(values)})


def _age_filter(age: int) -> Q:
    def bound(field: str, op: str) -> Q:
        return Q("bool", should=[Q("range", **{field: {op: age}}), ~Q("exists", field=field)], minimum_should_match=1)

    return bound("age_min", "lte") & bound("age_max", "gte")


def _word_query(word: str, fuzzy: bool) -> Q:
    """One query word over the text fields: exact and stemmed, or within its typo distance."""
    if not fuzzy:
        return Q("multi_match", query=word, fields=TEXT_FIELDS)
    return Q(
        "multi_match",
        query=word,
        fields=TEXT_FIELDS,
        fuzziness=analysis.FUZZINESS,
        prefix_length=analysis.FUZZY_PREFIX_LENGTH,
        max_expansions=analysis.FUZZY_MAX_EXPANSIONS,
    )


def _batches(items: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(
        self,
        client: Elasticsearch,
        alias: str = DEFAULT_ALIAS,
        fallback: SearchBackend | None = None,
        breaker: CircuitBreaker | None = None,
    ):
        self.client = client
        #: The same connections with the longer timeout of bulk loads and scans.
        self.writer = client.options(request_timeout=WRITE_TIMEOUT)
        self.alias = alias
        self.fallback = fallback
        self.breaker = breaker or CircuitBreaker()

    @classmethod
    def from_settings(cls, fallback: SearchBackend | None = None) -> ElasticsearchBackend:
        url = settings.ELASTICSEARCH_URL
        client = shared_client(
            url,
            getattr(settings, "ELASTICSEARCH_COMPAT_HEADERS", True),
            float(getattr(settings, "ELASTICSEARCH_READ_TIMEOUT", 2.0)),
            float(getattr(settings, "ELASTICSEARCH_CONNECT_TIMEOUT", 0.5)),
        )
        breaker = breaker_for(url, float(getattr(settings, "ELASTICSEARCH_BREAKER_RESET", 30.0)))
        return cls(client, getattr(settings, "ELASTICSEARCH_INDEX", DEFAULT_ALIAS), fallback, breaker)

    def guarded(self, call: Callable[[], Any]) -> Any:
        """Run a request through the circuit breaker; raises Unhealthy without calling when it is open."""
        if not self.breaker.allow():
            raise Unhealthy(f"{self.alias}: the search cluster failed recently")
        try:
            result = call()
        except Exception as error:
            if is_failure(error):
                self.breaker.failed()
            else:
                self.breaker.succeeded()
            raise
        self.breaker.succeeded()
        return result

    # Index lifecycle

    def new_index(self) -> str:
        """Create an empty timestamped index with the catalogue mapping and return its name."""
        name = f"{self.alias}-{timezone.now():%Y%m%d%H%M%S%f}"
        index = Index(name, using=self.writer)
        index.settings(number_of_shards=1)
        index.document(CatalogueDocument)
        index.mapping(catalogue_mapping())
        index.create()
        return name

    def indices(self) -> dict[str, bool]:
        """Every index of this catalogue, with whether the alias points at it."""
        try:
            found = self.writer.indices.get(index=f"{self.alias}-*", allow_no_indices=True)
        except NotFoundError:
            return {}
        return {name: self.alias in (info.get("aliases") or {}) for name, info in found.items()}

    def ensure_index(self) -> None:
        """Make sure the alias exists, so a write never auto-creates an index without the mapping."""
        if not self.writer.indices.exists_alias(name=self.alias):
            self.writer.indices.update_aliases(actions=[{"add": {"index": self.new_index(), "alias": self.alias}}])

    def rebuild(self, docs: Iterable[ServiceDocument], progress: Callable[[int], None] | None = None) -> int:
        docs = list(docs)
        if self.fallback is not None:
            self.fallback.rebuild(docs)
        try:
            name = self.new_index()
            written = 0
            for batch in _batches(docs):
                self._bulk(name, ({"_index": name, "_id": str(doc.id), "_source": to_source(doc)} for doc in batch))
                written += len(batch)
                if progress:
                    progress(written)
            self.writer.indices.refresh(index=name)
            actions: list[dict[str, Any]] = [
                {"remove": {"index": old, "alias": self.alias}} for old, aliased in self.indices().items() if aliased
            ]
            actions.append({"add": {"index": name, "alias": self.alias}})
            self.writer.indices.update_aliases(actions=actions)
            for orphan in [old for old, aliased in self.indices().items() if not aliased]:
                self.writer.indices.delete(index=orphan, ignore_unavailable=True)
        except UNREACHABLE as error:
            raise SearchUnavailable(str(error)) from error
        return written

    def _bulk(self, index: str, actions: Iterable[dict[str, Any]], refresh: bool = False) -> None:
        helpers.bulk(self.writer, actions, index=index, refresh=refresh, chunk_size=BATCH)

    def _write(self, write: Callable[[], Any]) -> None:
        """Run `write` on the alias, made first if missing (never an auto-created index without the mapping), through
        the circuit breaker. Raises SearchUnavailable when the cluster cannot be reached, Unhealthy when the breaker
        is open."""

        def on_the_alias() -> None:
            self.ensure_index()
            write()

        try:
            self.guarded(on_the_alias)
        except UNREACHABLE as error:
            raise SearchUnavailable(str(error)) from error

    def index(self, docs: Iterable[ServiceDocument]) -> int:
        docs = list(docs)
        if self.fallback is not None:
            self.fallback.index(docs)
        actions = ({"_id": str(doc.id), "_source": to_source(doc)} for doc in docs)
        self._write(lambda: self._bulk(self.alias, actions, refresh=True))
        return len(docs)

    def delete(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        if self.fallback is not None:
            self.fallback.delete(ids)
        actions = ({"_op_type": "delete", "_id": str(i)} for i in ids)
        self._write(lambda: helpers.bulk(self.writer, actions, index=self.alias, refresh=True, raise_on_error=False))

    def check(self, docs: Iterable[ServiceDocument]) -> Drift:
        expected = {doc.id: to_source(doc) for doc in docs}
        try:
            stored = {
                int(hit["_id"]): hit["_source"]
                for hit in helpers.scan(self.writer, index=self.alias, query={"query": {"match_all": {}}})
            }
        except UNREACHABLE as error:
            raise SearchUnavailable(str(error)) from error
        return Drift(
            missing=sorted(expected.keys() - stored.keys()),
            extra=sorted(stored.keys() - expected.keys()),
            stale=sorted(i for i in expected.keys() & stored.keys() if expected[i] != stored[i]),
        )

    # Reading

    def build_search(self, query: SearchQuery, typos: frozenset[str] = frozenset()) -> Search:
        """The search request; the words in `typos` (absent from the index) are matched with typo tolerance."""
        search = Search(using=self.client, index=self.alias)
        words = analysis.query_words(query.q)
        if words:
            # Every word must match somewhere; the engine stems it, and its synonyms are in the index.
            search = search.query(Q("bool", must=[_word_query(word, fuzzy=word in typos) for word in words]))
        if query.age is not None:
            search = search.filter(_age_filter(query.age))
        if query.provider is not None:
            search = search.filter("term", provider_id=query.provider)
        active = {facet: facet_filter(facet, query.selected(facet)) for facet in FACETS if query.selected(facet)}
        if active:
            search = search.post_filter(Q("bool", filter=list(active.values())))
        for facet, values in FACETS.items():
            others = [f for name, f in active.items() if name != facet]
            search.aggs.bucket(facet, "filter", filter=Q("bool", filter=others)).bucket(
                "values", "filters", filters={str(i): facet_filter(facet, [v]) for i, v in enumerate(values)}
            )
        sort = query.effective_sort
        return search.sort(*SORTS[sort]).extra(from_=query.offset, size=query.page_size, track_total_hits=True)

    def _execute(self, query: SearchQuery):
        """The response to `query`: one `_msearch` holding the exact search and, per word, whether the index
        holds it; when a word is missing, a second request with typo tolerance for the missing words."""
        words = analysis.query_words(query.q)
        if not words:
            return self.build_search(query).execute()
        multi = MultiSearch(using=self.client, index=self.alias).add(self.build_search(query))
        for word in words:
            multi = multi.add(
                Search().query(_word_query(word, fuzzy=False)).extra(size=0, terminate_after=1, track_total_hits=1)
            )
        response, *checks = multi.execute(raise_on_error=False)
        if response is None or None in checks:
            # A failed part (no index, say): the plain request raises the cluster's own error.
            return self.build_search(query).execute()
        typos = frozenset(word for word, check in zip(words, checks, strict=True) if not check.hits.total.value)
        return self.build_search(query, typos).execute() if typos else response

    def search(self, query: SearchQuery) -> SearchResult:
        try:
            response = self.guarded(lambda: self._execute(query))
        except (*UNREACHABLE, ApiError, Unhealthy) as error:
            return self._fall_back("search", error, lambda backend: backend.search(query))
        counts = {
            facet: {
                value: response.aggregations[facet]["values"]["buckets"][str(i)]["doc_count"]
                for i, value in enumerate(values)
            }
            for facet, values in FACETS.items()
        }
        return SearchResult(
            count=response.hits.total.value,
            hits=[from_source(hit.to_dict()) for hit in response],
            facets=build_facets(query, counts),
            query=query,
            backend=self.name,
        )

    def autocomplete(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        if not analysis.autocomplete_words(prefix):
            return []

        def matching(field: str) -> Q:
            return Q("multi_match", query=prefix, type="bool_prefix", operator="and", fields=[field + s for s in SAYT])

        services = (
            Search(using=self.client, index=self.alias)
            .query(matching("title_ac"))
            .sort("_score", "title_sort", "id")
            .source(["title", "url"])
            .extra(size=limit)
        )
        providers = Search(using=self.client, index=self.alias).query(matching("provider_ac")).extra(size=0)
        providers.aggs.bucket("names", "terms", field="provider_name.raw", size=limit, order={"_key": "asc"})
        providers.aggs["names"].bucket("url", "top_hits", size=1, _source=["provider_url"])
        try:
            services = self.guarded(services.execute)
            names = self.guarded(providers.execute).to_dict()["aggregations"]["names"]["buckets"]
        except (*UNREACHABLE, ApiError, Unhealthy) as error:
            return self._fall_back("autocomplete", error, lambda backend: backend.autocomplete(prefix, limit))
        return [
            Suggestion(bucket["key"], "provider", bucket["url"]["hits"]["hits"][0]["_source"].get("provider_url", ""))
            for bucket in names
        ] + [Suggestion(hit.title, "service", hit.url) for hit in services]

    def _fall_back(self, what: str, error: Exception, call: Callable[[SearchBackend], Any]) -> Any:
        """Answer from the database when the cluster is unreachable, slow, unhealthy (5xx or a recent
        failure: the breaker is open) or has no index yet.

        A 4xx other than 404 is a bad request, i.e. a bug: it is raised, not hidden.
        """
        if isinstance(error, ApiError) and not (error.status_code == 404 or error.status_code >= 500):
            raise error
        if self.fallback is None:
            raise SearchUnavailable(str(error)) from error
        logger.warning("Elasticsearch %s failed (%s): falling back to the database backend", what, error)
        return call(self.fallback)
