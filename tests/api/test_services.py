"""The public search API: answer shape, validation, paging, facet counts and cost."""

from decimal import Decimal

import pytest

from search.backends.database import DatabaseBackend
from search.documents import ServiceDocument

URL = "/api/v1/services/"


def get(client, **params):
    return client.get(URL, params)


def test_answer_has_the_documented_shape(client, catalogue):
    response = get(client, q="teatro", page_size=2)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=60" in response["Cache-Control"]
    body = response.json()
    assert set(body) == {"count", "page", "page_size", "results", "facets"}
    assert (body["page"], body["page_size"]) == (1, 2)
    assert len(body["results"]) == 2 and body["count"] >= 2
    hit = body["results"][0]
    assert set(hit) == {
        "id", "title", "url", "summary", "category", "provider", "municipi", "reach_municipi", "age_min", "age_max",
        "price", "price_unit", "price_text", "free", "voucher", "delivery", "rating",
    }  # fmt: skip
    assert set(hit["provider"]) == {"name", "url"} and set(hit["rating"]) == {"average", "count"}
    assert list(body["facets"]) == ["category", "free", "voucher", "municipio", "delivery", "reaches", "day"]
    assert [v["value"] for v in body["facets"]["municipio"]] == list(range(1, 10))
    assert set(body["facets"]["day"][0]) == {"value", "label", "count", "selected"}


def test_price_is_a_decimal_string_or_null(client, catalogue):
    results = get(client, page_size=100).json()["results"]
    by_id = {doc.id: doc for doc in catalogue}
    for hit in results:
        doc = by_id[hit["id"]]
        assert hit["price"] == (None if doc.price is None else f"{doc.price:.2f}")
    assert any(hit["price"] == "90.50" for hit in results)
    assert any(hit["price"] is None for hit in results)


def test_price_always_comes_with_its_unit(client, catalogue):
    results = get(client, page_size=100).json()["results"]
    priced = [hit for hit in results if hit["price"] is not None]
    assert priced and all(hit["price_unit"] in ("session", "month") for hit in priced)
    ninety = next(hit for hit in priced if hit["price"] == "90.50")
    unit = {"session": "a incontro", "month": "al mese"}[ninety["price_unit"]]
    assert ninety["price_text"] == f"€ 90,50 {unit}"
    assert {hit["price_text"] for hit in results if hit["free"]} == {"Gratuito"}


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ({"category": "danza"}, "category"),
        ({"municipio": "10"}, "municipio"),
        ({"age": "diciotto"}, "age"),
        ({"age": "19"}, "age"),
        ({"free": "forse"}, "free"),
        ({"delivery": "posta"}, "delivery"),
        ({"day": "7"}, "day"),
        ({"wellbeing": "felicita"}, "wellbeing"),
        ({"provider": "ente"}, "provider"),
        ({"sort": "prezzo"}, "sort"),
        ({"page": "0"}, "page"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page": "1000", "page_size": "100"}, "page"),
    ],
)
def test_invalid_parameter_gets_400_with_italian_errors(client, catalogue, query, param):
    response = get(client, **query)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == [param]
    assert errors[param] and all(isinstance(message, str) and message for message in errors[param])


def test_every_invalid_parameter_is_reported_at_once(client, catalogue):
    errors = get(client, municipio="0", sort="x").json()["errors"]
    assert set(errors) == {"municipio", "sort"}


def test_pagination_bounds(client, catalogue):
    assert get(client).json()["page_size"] == 20
    full = get(client, page_size=100).json()
    assert len(full["results"]) == full["count"] == len(catalogue)
    pages = [get(client, page=n, page_size=15).json() for n in (1, 2, 3)]
    assert [len(p["results"]) for p in pages] == [15, 15, len(catalogue) - 30]
    assert [hit["id"] for p in pages for hit in p["results"]] == [hit["id"] for hit in full["results"]]
    beyond = get(client, page=4, page_size=15).json()
    assert (beyond["count"], beyond["results"]) == (len(catalogue), [])


def test_facet_counts_match_the_results_they_promise(client, catalogue):
    base = {"category": ["arte", "stem"], "age": 10}
    body = get(client, **base).json()
    for facet in ("municipio", "reaches", "free", "delivery", "day"):
        for value in body["facets"][facet]:
            applied = get(client, **base, **{facet: str(value["value"]).lower()}).json()
            assert applied["count"] == value["count"], (facet, value)
    # Disjunctive: a selected category facet still counts the unselected categories.
    categories = {v["value"]: v for v in body["facets"]["category"]}
    assert categories["arte"]["selected"] and not categories["sport"]["selected"]
    only_sport = get(client, category="sport", age=10).json()["count"]
    assert categories["sport"]["count"] == only_sport


def test_zero_count_and_selected_values_are_returned(client, catalogue):
    body = get(client, q="zzzzzzzzzzzz", municipio="9").json()
    assert body["count"] == 0
    municipi = {v["value"]: v for v in body["facets"]["municipio"]}
    assert len(municipi) == 9 and municipi[9]["selected"] and municipi[9]["count"] == 0


def test_query_count_does_not_grow_with_page_size(client, db, django_assert_max_num_queries):
    docs = [
        ServiceDocument(
            id=n, title=f"Corso {n}", url=f"/s/{n}/", category="sport", provider_id=1, provider_name="Ente",
            municipi=(1 + n % 9,), price=Decimal("10"), delivery=("sede",), days=(n % 7,),
        )
        for n in range(1, 61)
    ]  # fmt: skip
    DatabaseBackend().rebuild(docs)
    with django_assert_max_num_queries(3) as small:
        assert len(get(client, page_size=5).json()["results"]) == 5
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(get(client, page_size=50).json()["results"]) == 50


def test_autocomplete_suggests_services_and_providers(client, catalogue):
    response = client.get(URL + "autocomplete/", {"q": "teat"})
    assert response.status_code == 200
    body = response.json()
    assert body["q"] == "teat"
    labels = {(s["kind"], s["label"]) for s in body["suggestions"]}
    assert ("service", "Laboratorio di teatro per ragazzi") in labels
    assert ("provider", "Teatro dell'Elfo Ragazzi") in labels
    assert client.get(URL + "autocomplete/").json() == {"q": "", "suggestions": []}
    assert client.get(URL + "autocomplete/", {"q": "x" * 101}).status_code == 400


def test_schema_is_openapi_3_and_lists_both_operations(client):
    schema = client.get("/api/v1/schema/").json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {"/api/v1/services/", "/api/v1/services/autocomplete/"}
