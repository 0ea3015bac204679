"""The Elasticsearch backend, written with `elasticsearch.dsl`.

Index lifecycle: documents live in timestamped indices (`<alias>-<timestamp>`) behind one alias;
`rebuild` loads a new index and moves the alias in a single `update_aliases` call, so searches
never see an empty or half-built index, then deletes the orphans.

Analysis: every text field uses the built-in `italian` analyzer (elision, Italian stop words,
light Italian stemming) with a `folded` sub-field (elision, lowercase, ASCII folding); queries
ask each word (and its synonyms from `synonyms_it.txt`, see `search.analysis`) with
`fuzziness: AUTO` on both. Autocomplete uses `search_as_you_type` sub-fields of the service and
provider names, so it matches from any word of a name.

Facets are disjunctive: the facet selections go to a `post_filter`, and each facet is counted in
a `filter` aggregation holding every other facet's selection.

The database table is always written first: it is what searches fall back to when the cluster
cannot be reached.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from itertools import islice
from typing import Any

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
    Object,
    Q,
    ScaledFloat,
    Search,
    SearchAsYouType,
    Text,
    analyzer,
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

logger = logging.getLogger(__name__)

DEFAULT_ALIAS = "milano018-catalogue"
BATCH = 500
_COMPAT_MIMETYPE = re.compile(r"application/vnd\.elasticsearch\+([\w-]+);\s*compatible-with=\d+")
#: Errors meaning "the cluster is not there" (as opposed to a bad request, which is a bug).
UNREACHABLE = (TransportConnectionError, ConnectionTimeout)

folded = analyzer(
    "it_folded",
    tokenizer="standard",
    filter=[
        token_filter("it_elision", "elision", articles=sorted(analysis.ARTICLES), articles_case=True),
        "lowercase",
        "asciifolding",
    ],
)


def _text(**fields: Any) -> Text:
    return Text(analyzer="italian", fields={"folded": Text(analyzer=folded), **fields})


class CatalogueDocument(Document):
    """The mapping; the index name is chosen per build (see `new_index`)."""

    id = Long()
    title = _text()
    # Autocomplete: the names' words as search.analysis folds them (elision done in Python, so it
    # does not depend on the server's elision filter), in search_as_you_type fields.
    title_ac = SearchAsYouType(analyzer=folded)
    provider_ac = SearchAsYouType(analyzer=folded)
    title_sort = Keyword()
    summary = _text()
    description = _text()
    tags = _text()
    url = Keyword(index=False)
    provider_id = Long()
    provider_name = _text(raw=Keyword())
    provider_url = Keyword(index=False)
    category = Keyword()
    municipi = Integer()
    age_min = Integer()
    age_max = Integer()
    price = Keyword(index=False)
    sort_price = ScaledFloat(scaling_factor=100)
    free = Boolean()
    voucher = Boolean()
    delivery = Keyword()
    days = Integer()
    wellbeing = Object(properties={code: Byte() for code in WELLBEING})
    wellbeing_codes = Keyword()
    rating_average = Float()
    rating_count = Integer()
    published_at = Date()


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
_FACET_FIELDS = {
    "category": "category",
    "municipio": "municipi",
    "free": "free",
    "voucher": "voucher",
    "delivery": "delivery",
    "day": "days",
    "wellbeing": "wellbeing_codes",
}


class PlainJsonNode(Urllib3HttpNode):
    """Sends `application/json` instead of the client's versioned Elasticsearch media types.

    osmem-server and OpenSearch-API servers answer 406 to `application/vnd.elasticsearch+json;
    compatible-with=N`; settings.ELASTICSEARCH_COMPAT_HEADERS = False selects this node class.
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


def make_client(url: str, compat_headers: bool = True, timeout: float = 5.0) -> Elasticsearch:
    options: dict[str, Any] = {"request_timeout": timeout, "max_retries": 1, "retry_on_timeout": False}
    if not compat_headers:
        options["node_class"] = PlainJsonNode
    return Elasticsearch(url, **options)


def to_source(doc: ServiceDocument) -> dict[str, Any]:
    return {
        "id": doc.id,
        "title": doc.title,
        "title_sort": analysis.fold(doc.title),
        "title_ac": " ".join(analysis.folded(doc.title)),
        "provider_ac": " ".join(analysis.folded(doc.provider_name)),
        "summary": doc.summary,
        "description": doc.description,
        "tags": list(doc.tags),
        "url": doc.url,
        "provider_id": doc.provider_id,
        "provider_name": doc.provider_name,
        "provider_url": doc.provider_url,
        "category": doc.category,
        "municipi": list(doc.municipi),
        "age_min": doc.age_min,
        "age_max": doc.age_max,
        "price": None if doc.price is None else str(doc.price),
        "sort_price": None if doc.sort_price is None else float(doc.sort_price),
        "free": doc.free,
        "voucher": doc.voucher,
        "delivery": list(doc.delivery),
        "days": list(doc.days),
        "wellbeing": dict(doc.wellbeing),
        "wellbeing_codes": list(doc.wellbeing_codes()),
        "rating_average": doc.rating_average,
        "rating_count": doc.rating_count,
        "published_at": doc.published_at.isoformat() if doc.published_at else None,
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
        age_min=source.get("age_min"),
        age_max=source.get("age_max"),
        price=None if source.get("price") is None else Decimal(source["price"]),
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
    return Q("terms", **{_FACET_FIELDS[facet]: sorted(values)})


def _age_filter(age: int) -> Q:
    def bound(field: str, op: str) -> Q:
        return Q("bool", should=[Q("range", **{field: {op: age}}), ~Q("exists", field=field)], minimum_should_match=1)

    return bound("age_min", "lte") & bound("age_max", "gte")


def _batches(items: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, client: Elasticsearch, alias: str = DEFAULT_ALIAS, fallback: SearchBackend | None = None):
        self.client = client
        self.alias = alias
        self.fallback = fallback

    @classmethod
    def from_settings(cls, fallback: SearchBackend | None = None) -> ElasticsearchBackend:
        client = make_client(settings.ELASTICSEARCH_URL, getattr(settings, "ELASTICSEARCH_COMPAT_HEADERS", True))
        return cls(client, getattr(settings, "ELASTICSEARCH_INDEX", DEFAULT_ALIAS), fallback)

    # Index lifecycle

    def new_index(self) -> str:
        """Create an empty timestamped index with the catalogue mapping and return its name."""
        name = f"{self.alias}-{timezone.now():%Y%m%d%H%M%S%f}"
        index = Index(name, using=self.client)
        index.settings(number_of_shards=1)
        index.document(CatalogueDocument)
        index.create()
        return name

    def indices(self) -> dict[str, bool]:
        """Every index of this catalogue, with whether the alias points at it."""
        try:
            found = self.client.indices.get(index=f"{self.alias}-*", allow_no_indices=True)
        except NotFoundError:
            return {}
        return {name: self.alias in (info.get("aliases") or {}) for name, info in found.items()}

    def ensure_index(self) -> None:
        """Make sure the alias exists, so a write never auto-creates an index without the mapping."""
        if not self.client.indices.exists_alias(name=self.alias):
            self.client.indices.update_aliases(actions=[{"add": {"index": self.new_index(), "alias": self.alias}}])

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
            self.client.indices.refresh(index=name)
            actions: list[dict[str, Any]] = [
                {"remove": {"index": old, "alias": self.alias}} for old, aliased in self.indices().items() if aliased
            ]
            actions.append({"add": {"index": name, "alias": self.alias}})
            self.client.indices.update_aliases(actions=actions)
            for orphan in [old for old, aliased in self.indices().items() if not aliased]:
                self.client.indices.delete(index=orphan, ignore_unavailable=True)
        except UNREACHABLE as error:
            raise SearchUnavailable(str(error)) from error
        return written

    def _bulk(self, index: str, actions: Iterable[dict[str, Any]], refresh: bool = False) -> None:
        helpers.bulk(self.client, actions, index=index, refresh=refresh, chunk_size=BATCH)

    def index(self, docs: Iterable[ServiceDocument]) -> int:
        docs = list(docs)
        if self.fallback is not None:
            self.fallback.index(docs)
        try:
            self.ensure_index()
            self._bulk(self.alias, ({"_id": str(doc.id), "_source": to_source(doc)} for doc in docs), refresh=True)
        except UNREACHABLE as error:
            raise SearchUnavailable(str(error)) from error
        return len(docs)

    def delete(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        if self.fallback is not None:
            self.fallback.delete(ids)
        try:
            self.ensure_index()
            helpers.bulk(
                self.client,
                ({"_op_type": "delete", "_id": str(i)} for i in ids),
                index=self.alias,
                refresh=True,
                raise_on_error=False,
            )
        except UNREACHABLE as error:
            raise SearchUnavailable(str(error)) from error

    def check(self, docs: Iterable[ServiceDocument]) -> Drift:
        expected = {doc.id: to_source(doc) for doc in docs}
        stored = {
            int(hit["_id"]): hit["_source"]
            for hit in helpers.scan(self.client, index=self.alias, query={"query": {"match_all": {}}})
        }
        return Drift(
            missing=sorted(expected.keys() - stored.keys()),
            extra=sorted(stored.keys() - expected.keys()),
            stale=sorted(i for i in expected.keys() & stored.keys() if expected[i] != stored[i]),
        )

    # Reading

    def build_search(self, query: SearchQuery) -> Search:
        search = Search(using=self.client, index=self.alias)
        words = analysis.query_words(query.q)
        if words:
            search = search.query(
                Q(
                    "bool",
                    must=[
                        Q(
                            "bool",
                            should=[
                                Q("multi_match", query=alternative, fields=TEXT_FIELDS, fuzziness="AUTO")
                                for alternative in analysis.alternatives(word)
                            ],
                            minimum_should_match=1,
                        )
                        for word in words
                    ],
                )
            )
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

    def search(self, query: SearchQuery) -> SearchResult:
        try:
            response = self.build_search(query).execute()
        except (*UNREACHABLE, ApiError) as error:
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
        if not analysis.folded(prefix):
            return []

        def matching(field: str) -> Q:
            return Q("multi_match", query=prefix, type="bool_prefix", operator="and", fields=[field + s for s in SAYT])

        try:
            services = (
                Search(using=self.client, index=self.alias)
                .query(matching("title_ac"))
                .sort("_score", "title_sort", "id")
                .source(["title", "url"])
                .extra(size=limit)
                .execute()
            )
            providers = Search(using=self.client, index=self.alias).query(matching("provider_ac")).extra(size=0)
            providers.aggs.bucket("names", "terms", field="provider_name.raw", size=limit, order={"_key": "asc"})
            providers.aggs["names"].bucket("url", "top_hits", size=1, _source=["provider_url"])
            names = providers.execute().to_dict()["aggregations"]["names"]["buckets"]
        except (*UNREACHABLE, ApiError) as error:
            return self._fall_back("autocomplete", error, lambda backend: backend.autocomplete(prefix, limit))
        return [
            Suggestion(bucket["key"], "provider", bucket["url"]["hits"]["hits"][0]["_source"].get("provider_url", ""))
            for bucket in names
        ] + [Suggestion(hit.title, "service", hit.url) for hit in services]

    def _fall_back(self, what: str, error: Exception, call: Callable[[SearchBackend], Any]) -> Any:
        """Answer from the database when the cluster is unreachable, unhealthy (5xx) or has no index yet.

        A 4xx other than 404 is a bad request, i.e. a bug: it is raised, not hidden.
        """
        if isinstance(error, ApiError) and not (error.status_code == 404 or error.status_code >= 500):
            raise error
        if self.fallback is None:
            raise SearchUnavailable(str(error)) from error
        logger.warning("Elasticsearch %s failed (%s): falling back to the database backend", what, error)
        return call(self.fallback)
