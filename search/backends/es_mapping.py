"""The Elasticsearch catalogue index's analysis chain and mapping, and documents as the engine stores them.

The analyzers mirror `search.analysis` (the database backend computes the same tokens in Python;
`tests/search/test_analysis.py` compares them on the engine's `_analyze`). The facets' fields are added
from their declarations (`search.facets`).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from elasticsearch.dsl import (
    Boolean,
    Byte,
    Date,
    Document,
    Float,
    Integer,
    Keyword,
    Long,
    Mapping,
    Object,
    ScaledFloat,
    SearchAsYouType,
    Text,
    analyzer,
    char_filter,
    token_filter,
)

from search import analysis
from search.documents import WELLBEING, ServiceDocument
from search.facets import FACETS as DECLARED
from search.facets import Facet

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
