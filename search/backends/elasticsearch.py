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

import datetime
import functools
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from itertools import islice
from typing import Any

import urllib3
from django.conf import settings
from django.utils import timezone
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, Urllib3HttpNode
from elasticsearch import ApiError, Elasticsearch, NotFoundError, helpers
from elasticsearch.dsl import (
    Boolean,
    Byte,
    Date,
    Document,
    Float,
    Index,
    Integer,
    Keyword,
    Long,
    Mapping,
    MultiSearch,
    Object,
    Q,
    ScaledFloat,
    Search,
    SearchAsYouType,
    Text,
    analyzer,
    char_filter,
    token_filter,
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
from search.documents import WELLBEING, ServiceDocument
from search.facets import FACETS as DECLARED
from search.facets import Facet

logger = logging.getLogger(__name__)

DEFAULT_ALIAS = "milano018-catalogue"
BATCH = 500
#: Seconds: writes (bulk loads, rebuilds, drift checks) may take longer than a search.
WRITE_TIMEOUT = 60.0
_COMPAT_MIMETYPE = re.compile(r"application/vnd\.elasticsearch\+([\w-]+);\s*compatible-with=\d+")
#: Errors meaning "the cluster is not there" (as opposed to a bad request, which is a bug).
UNREACHABLE = (TransportConnectionError, ConnectionTimeout)

_elision = token_filter("it_elision", "elision", articles=sorted(analysis.ARTICLES), articles_case=True)
_synonyms = token_filter("it_synonyms", "synonym_graph", synonyms=analysis.synonym_rules())
_stop = token_filter("it_stop", "stop", stopwords=sorted(analysis.FOLDED_STOPWORDS))
_stemmer = token_filter("it_stemmer", "stemmer", language="light_italian")
# The apostrophes search.analysis accepts: typographic and modifier ones become plain (for elision),
# or, for autocomplete, a space (a word and its article are two words there).
_APOSTROPHES = ("\u2019", "\u02bc", "`")
_apostrophes = char_filter("it_apostrophes", "mapping", mappings=[f"{a}=>'" for a in _APOSTROPHES])
_split_apostrophes = char_filter(
    "it_split_apostrophes", "mapping", mappings=[f"{a}=>\\u0020" for a in ("'", *_APOSTROPHES)]
)
_FOLD = [_elision, "lowercase", "asciifolding"]
# At index time a synonym graph must be flattened before it is written (Lucene's rule).
_SYNONYMS = [_synonyms, "flatten_graph"]


def _analyzer(name: str, filters: list[Any], chars: Any = _apostrophes) -> Any:
    return analyzer(name, tokenizer="standard", char_filter=[chars], filter=filters)


text_analyzer = _analyzer("it_text", [*_FOLD, *_SYNONYMS, _stop, _stemmer])
text_search_analyzer = _analyzer("it_text_search", [*_FOLD, _stop, _stemmer])
folded_analyzer = _analyzer("it_folded", [*_FOLD, *_SYNONYMS])
folded_search_analyzer = _analyzer("it_folded_search", _FOLD)
autocomplete_analyzer = _analyzer("it_autocomplete", ["lowercase", "asciifolding"], _split_apostrophes)


def _text(**fields: Any) -> Text:
    return Text(
        analyzer=text_analyzer,
        search_analyzer=text_search_analyzer,
        fields={"folded": Text(analyzer=folded_analyzer, search_analyzer=folded_search_analyzer), **fields},
    )


def facet_mapping(facet: Facet) -> Any:
    """The mapping type of a facet's field: boolean, integer or keyword, after its values."""
    return {bool: Boolean, int: Integer, str: Keyword}[facet.value_type]()


class CatalogueDocument(Document):
    """The mapping; the index name is chosen per build (see `new_index`). The facets' fields are added
    from their declarations (`search.facets`) by `catalogue_mapping`."""

    id = Long()
    title = _text()
    # Autocomplete: the names again, in search_as_you_type fields (any word of a name matches).
    title_ac = SearchAsYouType(analyzer=autocomplete_analyzer)
    provider_ac = SearchAsYouType(analyzer=autocomplete_analyzer)
    title_sort = Keyword()
    summary = _text()
    description = _text()
    tags = _text()
    url = Keyword(index=False)
    provider_id = Long()
    provider_name = _text(raw=Keyword())
    provider_url = Keyword(index=False)
    age_min = Integer()
    age_max = Integer()
    price = Keyword(index=False)
    sort_price = ScaledFloat(scaling_factor=100)
    price_unit = Keyword(index=False)
    wellbeing = Object(properties={code: Byte() for code in WELLBEING})
    rating_average = Float()
    rating_count = Integer()
    published_at = Date()


def catalogue_mapping() -> Mapping:
    """The catalogue's mapping: `CatalogueDocument`'s fields plus one field per declared facet."""
    mapping = Mapping()
    for name, facet in ((facet.field, facet) for facet in DECLARED.values()):
        mapping.field(name, facet_mapping(facet))
    return mapping


TEXT_FIELDS = [
    f"{name}{suffix}"
    for name, boost in (("title", "^3"), ("summary", ""), ("description", ""), ("provider_name", ""), ("tags", ""))
    for suffix in (boost, f".folded{boost}")
]
SAYT = ("", "._2gram", "._3gram")
SORTS: dict[str, list[Any]] = {
    "relevance": ["_score", {"published_at": {"order": "desc", "missing": "_last"}}, "id"],
    "price": [{"sort_price": {"order": "asc", "missing": "_last"}}, "id"],
    "-price": [{"sort_price": {"order": "desc", "missing": "_last"}}, "id"],
    "rating": [{"rating_average": {"order": "desc", "missing": "_last"}}, {"rating_count": "desc"}, "id"],
    "newest": [{"published_at": {"order": "desc", "missing": "_last"}}, "id"],
    "name": ["title_sort", "id"],
}


class CatalogueNode(Urllib3HttpNode):
    """The HTTP node with separate connect and read timeouts (seconds) for searches.

    A request given its own `request_timeout` (the writes: `WRITE_TIMEOUT`) uses that instead.
    """

    connect_timeout = 0.5
    read_timeout = 2.0

    def __init__(self, config):
        super().__init__(config)
        self.pool.timeout = urllib3.Timeout(connect=self.connect_timeout, read=self.read_timeout)


class PlainJsonNode(CatalogueNode):
    """Sends `application/json` instead of the client's versioned Elasticsearch media types.

    OpenSearch-API servers answer 406 to `application/vnd.elasticsearch+json; compatible-with=N`;
    settings.ELASTICSEARCH_COMPAT_HEADERS = False selects this node class.
    """

    def perform_request(self, method, target, body=None, headers=None, request_timeout=None, **kwargs):
        if headers:
            headers = headers.copy()
            for name in ("accept", "content-type"):
                if headers.get(name):
                    headers[name] = _COMPAT_MIMETYPE.sub(r"application/\1", headers[name])
        return super().perform_request(
            method, target, body=body, headers=headers, request_timeout=request_timeout, **kwargs
        )


def make_client(
    url: str, compat_headers: bool = True, timeout: float = 2.0, connect_timeout: float = 0.5
) -> Elasticsearch:
    """A client whose searches give up after `connect_timeout` / `timeout` seconds, without retries."""
    base = CatalogueNode if compat_headers else PlainJsonNode
    node_class = type(base.__name__, (base,), {"connect_timeout": connect_timeout, "read_timeout": timeout})
    return Elasticsearch(url, node_class=node_class, max_retries=0, retry_on_timeout=False)


@functools.cache
def _client(url: str, compat_headers: bool, timeout: float, connect_timeout: float) -> Elasticsearch:
    """One client (and connection pool) per configuration and process; the client is thread-safe."""
    return make_client(url, compat_headers, timeout, connect_timeout)


class CircuitBreaker:
    """Keeps requests away from a cluster that just failed.

    Closed: every request goes. A failure opens it: `allow()` answers False for `reset` seconds,
    so callers fall back at once instead of waiting for timeouts. Then it lets one request through
    (half-open): success closes it, failure opens it again. Thread-safe; the lock is never held
    during a request (pybreaker holds its lock across the call, which would serialize searches).
    """

    def __init__(self, reset: float = 30.0):
        self.reset = reset
        self._opened_at: float | None = None
        self._trial = False
        self._lock = threading.Lock()

    @property
    def closed(self) -> bool:
        return self._opened_at is None

    def allow(self) -> bool:
        with self._lock:
            if self._opened_at is None:
                return True
            if not self._trial and time.monotonic() - self._opened_at >= self.reset:
                self._trial = True
                return True
            return False

    def succeeded(self) -> None:
        with self._lock:
            self._opened_at, self._trial = None, False

    def failed(self) -> None:
        with self._lock:
            self._opened_at, self._trial = time.monotonic(), False


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(url: str, reset: float) -> CircuitBreaker:
    """The process-wide breaker of one cluster URL."""
    with _breakers_lock:
        breaker = _breakers.get(url)
        if breaker is None or breaker.reset != reset:
            breaker = _breakers[url] = CircuitBreaker(reset)
        return breaker


class Unhealthy(SearchUnavailable):
    """The circuit breaker is open: the cluster failed moments ago and is not asked again yet."""


def _is_failure(error: Exception) -> bool:
    """Errors that mean the cluster misbehaves (down, slow, 5xx), as opposed to a missing index or a bug."""
    return isinstance(error, UNREACHABLE) or (isinstance(error, ApiError) and error.status_code >= 500)


def to_source(doc: ServiceDocument) -> dict[str, Any]:
    return {
        "id": doc.id,
        "title": doc.title,
        "title_sort": analysis.fold(doc.title),
        "title_ac": doc.title,
        "provider_ac": doc.provider_name,
        "summary": doc.summary,
        "description": doc.description,
        "tags": list(doc.tags),
        "url": doc.url,
        "provider_id": doc.provider_id,
        "provider_name": doc.provider_name,
        "provider_url": doc.provider_url,
        "age_min": doc.age_min,
        "age_max": doc.age_max,
        "price": None if doc.price is None else str(doc.price),
        "sort_price": None if doc.sort_price is None else float(doc.sort_price),
        "price_unit": doc.price_unit,
        "wellbeing": dict(doc.wellbeing),
        "rating_average": doc.rating_average,
        "rating_count": doc.rating_count,
        "published_at": doc.published_at.isoformat() if doc.published_at else None,
        # Every facet's field, as its declaration says (search.facets).
        **{facet.field: facet.indexed(doc) for facet in DECLARED.values()},
    }


def from_source(source: dict[str, Any]) -> ServiceDocument:
    published = source.get("published_at")
    return ServiceDocument(
        id=int(source["id"]),
        title=source["title"],
        summary=source.get("summary", ""),
        description=source.get("description", ""),
        url=source.get("url", ""),
        provider_id=int(source["provider_id"]),
        provider_name=source.get("provider_name", ""),
        provider_url=source.get("provider_url", ""),
        category=source["category"],
        municipi=tuple(source.get("municipi") or ()),
        reach_municipi=tuple(source.get("reach_municipi") or ()),
        age_min=source.get("age_min"),
        age_max=source.get("age_max"),
        price=None if source.get("price") is None else Decimal(source["price"]),
        price_unit=source.get("price_unit") or "",
        free=bool(source.get("free")),
        voucher=bool(source.get("voucher")),
        delivery=tuple(source.get("delivery") or ()),
        days=tuple(source.get("days") or ()),
        wellbeing=dict(source.get("wellbeing") or {}),
        rating_average=source.get("rating_average"),
        rating_count=source.get("rating_count") or 0,
        published_at=datetime.datetime.fromisoformat(published) if published else None,
        tags=tuple(source.get("tags") or ()),
    )


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
        client = _client(
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
            if _is_failure(error):
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

    def index(self, docs: Iterable[ServiceDocument]) -> int:
        docs = list(docs)
        if self.fallback is not None:
            self.fallback.index(docs)

        def write() -> None:
            self.ensure_index()
            self._bulk(self.alias, ({"_id": str(doc.id), "_source": to_source(doc)} for doc in docs), refresh=True)

        try:
            self.guarded(write)
        except UNREACHABLE as error:
            raise SearchUnavailable(str(error)) from error
        return len(docs)

    def delete(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        if self.fallback is not None:
            self.fallback.delete(ids)

        def write() -> None:
            self.ensure_index()
            helpers.bulk(
                self.writer,
                ({"_op_type": "delete", "_id": str(i)} for i in ids),
                index=self.alias,
                refresh=True,
                raise_on_error=False,
            )

        try:
            self.guarded(write)
        except UNREACHABLE as error:
            raise SearchUnavailable(str(error)) from error

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
