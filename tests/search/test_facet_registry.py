"""A facet is declared once (search/facets.py): one added to the registry appears everywhere, nothing else edited.

The throwaway facet "area" groups the categories under other names and reads the column and field the index
already holds, so adding it is the declaration alone (search/README.md, "Facets are declared once").
"""

import re

import pytest
from django.http import QueryDict

from core.vocabularies import Category
from search import sync
from search.api import SearchQuery, SearchQueryError
from search.backends.elasticsearch import ElasticsearchBackend
from search.facets import FACETS, Facet, Filtering
from search.openapi import openapi_schema
from search.params import parse_params
from tests.catalog import factories
from tests.search.catalogue import CATALOGUE

AREA = Facet(
    code="area",
    label="Area tematica",
    vocabulary={"sport": "Corpo", "arte": "Espressione", "stem": "Scienza", "salute": "Cura", "scuola-plus": "Studio"},
    filtering=Filtering.SINGLE,
    field="category",
    column="category",
    values_of=lambda doc: (doc.category,),
    hint=lambda: "Scegli un'area tematica.",
    description="Area tematica.",
)


@pytest.fixture
def area_facet(monkeypatch):
    monkeypatch.setitem(FACETS, AREA.code, AREA)
    return AREA


def test_the_parser_reads_and_checks_a_declared_facet(area_facet):
    query = parse_params(QueryDict("area=arte&area=stem"))
    assert query.area == frozenset({"arte", "stem"}) == query.selected("area")
    with pytest.raises(SearchQueryError) as refused:
        parse_params(QueryDict("area=cucina"))
    assert refused.value.errors == {"area": ["Valore non valido: cucina. Scegli un'area tematica."]}


def test_without_the_declaration_the_parameter_does_not_exist():
    assert "area" not in FACETS
    with pytest.raises(TypeError):
        SearchQuery(area=frozenset({"arte"}))


def test_the_openapi_schema_describes_a_declared_facet(area_facet):
    schema = openapi_schema()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/services/"]["get"]["parameters"]}
    assert parameters["area"]["schema"] == {"type": "array", "items": {"type": "string", "enum": list(AREA.values)}}
    assert parameters["area"]["description"].startswith("Area tematica.")
    facets = schema["components"]["schemas"]["SearchResult"]["properties"]["facets"]
    assert "area" in facets["required"]
    assert facets["properties"]["area"]["items"]["properties"]["value"]["enum"] == list(AREA.values)


def test_both_backends_filter_and_count_a_declared_facet(area_facet, db_catalogue, es_client, es_alias):
    engine = ElasticsearchBackend(es_client, alias=es_alias)
    engine.rebuild(CATALOGUE)
    by_category = {code: sum(doc.category == code for doc in CATALOGUE) for code in AREA.values}
    for backend in (db_catalogue, engine):
        everything = backend.search(SearchQuery(page_size=100))
        assert everything.facet_counts("area") == by_category
        narrowed = backend.search(SearchQuery(area=frozenset({"arte"}), page_size=100))
        assert {hit.category for hit in narrowed.hits} == {"arte"}
        assert narrowed.count == by_category["arte"]
        assert [value.label for value in narrowed.facets["area"]] == list(AREA.vocabulary.values())


@pytest.mark.django_db
def test_the_search_page_and_the_api_show_a_declared_facet(area_facet, client, home_page):
    catalog, _categories, index = factories.catalog_tree(home_page)
    provider = factories.provider(index, name="Teatro Aperto")
    pages = [
        factories.service(provider, title="Teatro per ragazzi", slug="teatro"),
        factories.service(provider, title="Calcetto al parco", slug="calcetto", category=Category.SPORT),
    ]
    sync.update(page.pk for page in pages)

    html = client.get(catalog.url + "cerca/", {"area": "arte"}).content.decode()
    assert '<legend class="m018-facet-legend">Area tematica</legend>' in html
    assert re.search(
        r'value="arte" id="f-area-arte" checked>\s*<label[^>]*>Espressione <span class="m018-count">\(1\)', html
    )
    assert re.search(r'id="f-area-sport"[^>]*>\s*<label[^>]*>Corpo <span class="m018-count">\(1\)', html)
    assert re.search(r'<a class="m018-chip" href="/catalogo/cerca/" data-search-link>Area tematica: Espressione<', html)
    assert re.findall(r'<h3 class="card-title h5"><a href="[^"]*">([^<]*)</a>', html) == ["Teatro per ragazzi"]

    answer = client.get("/api/v1/services/", {"area": "sport"}).json()
    assert [hit["title"] for hit in answer["results"]] == ["Calcetto al parco"]
    assert {value["value"]: value["count"] for value in answer["facets"]["area"]} == {
        "sport": 1,
        "arte": 1,
        "stem": 0,
        "salute": 0,
        "scuola-plus": 0,
    }
