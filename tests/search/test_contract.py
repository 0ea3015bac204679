"""One contract, two backends: the same fixture catalogue, the same ids and the same facet counts.

The Elasticsearch half runs against the real engine node of tests/engines/, or the cluster at
ELASTICSEARCH_URL.
"""

import dataclasses
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.api import FACETS, SearchQuery
from search.backends.database import DatabaseBackend
from search.backends.elasticsearch import ElasticsearchBackend
from tests.conftest import kept_for_the_module
from tests.search.catalogue import CATALOGUE

ALL = frozenset(doc.id for doc in CATALOGUE)

# (case id, query parameters, exact expected ids or None when only parity is asserted)
CASES = [
    ("everything", {}, ALL),
    ("plural finds singular", {"q": "teatri"}, {1, 2, 3, 37}),
    ("stemming: laboratorio finds laboratori", {"q": "laboratorio"}, {1, 23}),
    ("accents folded", {"q": "attivita"}, {14, 39}),
    ("accents kept", {"q": "attività"}, {14, 39}),
    ("short accented word", {"q": "citta"}, {21, 40}),
    ("elision", {"q": "l'arte"}, {4}),
    ("elision with typographic apostrophe", {"q": "l\u2019arte"}, {4}),
    ("synonym calcio/calcetto", {"q": "calcio"}, {9, 10, 38}),
    ("synonym doposcuola/compiti", {"q": "compiti"}, {31, 32}),
    ("synonym coding/programmazione", {"q": "coding"}, {17, 18}),
    ("typo", {"q": "teator"}, None),
    ("typo keeps the right answer", {"q": "laboratroio"}, None),
    ("two words are AND-ed", {"q": "nuoto piscina"}, None),
    ("stop words ignored", {"q": "corsi di nuoto"}, {11}),
    ("no match", {"q": "zzzxqw"}, set()),
    ("provider name", {"q": "girasole"}, None),
    ("category", {"category": ["salute"]}, {25, 26, 27, 28, 29, 30}),
    ("two categories OR-ed", {"category": ["salute", "scuola-plus"]}, None),
    ("municipio", {"municipio": [9]}, {8, 13, 19, 27, 33, 37}),
    ("two municipi with a category", {"category": ["arte", "stem"], "municipio": [1, 2]}, {1, 2, 17, 20, 21, 39}),
    ("reaches a municipio at home", {"reaches": [6]}, {27}),
    ("reaches: municipi OR-ed", {"reaches": [1, 9]}, {16, 27}),
    ("where it takes place AND where it reaches", {"municipio": [5], "reaches": [5]}, {27}),
    ("reaches with a category", {"reaches": [5], "category": ["sport"]}, {16}),
    ("no service reaches it", {"reaches": [7]}, set()),
    ("free", {"free": [True]}, None),
    ("paid", {"free": [False]}, None),
    ("voucher", {"voucher": [True]}, None),
    ("delivery online", {"delivery": ["online"]}, None),
    ("delivery at home or online", {"delivery": ["domicilio", "online"]}, None),
    ("day", {"day": [6]}, {2, 16, 24, 39}),
    ("days with delivery", {"delivery": ["online"], "day": [3]}, {3, 18, 22}),
    ("wellbeing", {"wellbeing": ["self_determination"]}, None),
    ("wellbeing with voucher", {"wellbeing": ["creativity"], "voucher": [False]}, {2, 5, 7, 24, 33, 39, 40}),
    ("age inside ranges and open-ended ones", {"age": 5}, {2, 7, 11, 14, 16, 23, 27, 28, 30, 33, 39}),
    ("age at the top of the range", {"age": 18, "free": [True]}, {2, 21, 25, 34}),
    ("age outside every range", {"age": 0}, {2, 16}),
    ("provider", {"provider": 3}, {1, 2, 3, 37}),
    ("text + filters", {"q": "ragazzi", "category": ["sport", "stem"], "free": [False], "municipio": [2, 9]}, None),
    ("all at once", {"category": ["sport"], "municipio": [1, 4, 7], "age": 9, "voucher": [True], "day": [0]}, None),
]


@pytest.fixture(scope="module")
def _db_catalogue_of_the_module(django_db_setup, django_db_blocker):
    """The fixture catalogue loaded once for the module into the database backend (`kept_for_the_module`)."""
    with kept_for_the_module(django_db_blocker):
        DatabaseBackend().rebuild(CATALOGUE)
        yield


@pytest.fixture
def db_catalogue(db, _db_catalogue_of_the_module):
    """The database backend over the module's catalogue (tests/search/conftest.py's, without a rebuild per test)."""
    return DatabaseBackend()


def run(backend, params):
    return backend.search(SearchQuery(page_size=100, **params))


def facet_table(result):
    return {facet: result.facet_counts(facet) for facet in FACETS}


@pytest.mark.parametrize(("params", "expected"), [pytest.param(p, e, id=name) for name, p, e in CASES])
def test_backends_agree(db_catalogue, es_catalogue, params, expected):
    in_db, in_es = run(db_catalogue, params), run(es_catalogue, params)

    assert set(in_db.ids) == set(in_es.ids)
    assert in_db.count == in_es.count == len(in_db.ids)
    assert facet_table(in_db) == facet_table(in_es)
    if expected is not None:
        assert set(in_db.ids) == expected


def test_typos_are_tolerated(db_catalogue, es_catalogue):
    for backend in (db_catalogue, es_catalogue):
        assert {1, 2, 3, 37} <= set(run(backend, {"q": "teator"}).ids)
        assert 1 in run(backend, {"q": "laboratroio"}).ids


def test_selected_and_zero_count_values_are_returned(db_catalogue, es_catalogue):
    for backend in (db_catalogue, es_catalogue):
        result = run(backend, {"category": ["salute"], "municipio": [9], "delivery": ["domicilio"]})
        municipi = {fv.value: fv for fv in result.facets["municipio"]}
        assert list(municipi) == list(range(1, 10))
        assert municipi[9].selected and not municipi[1].selected
        # Municipio counts ignore the municipio selection but keep the category and delivery ones.
        assert municipi[9].count == 1 and municipi[5].count == 1 and municipi[1].count == 0
        assert result.ids == [27]


def test_where_it_takes_place_and_where_it_reaches_are_counted_apart(db_catalogue, es_catalogue):
    for backend in (db_catalogue, es_catalogue):
        result = run(backend, {"reaches": [6]})
        # The municipio where it takes place: only 27 reaches Municipio 6, and its venues are in 5 and 9.
        assert {m: n for m, n in result.facet_counts("municipio").items() if n} == {5: 1, 9: 1}
        # Where it reaches ignores its own selection: 16 reaches 1-5, 27 reaches 5, 6 and 9.
        assert result.facet_counts("reaches") == {1: 1, 2: 1, 3: 1, 4: 1, 5: 2, 6: 1, 7: 0, 8: 0, 9: 1}
        reaches = {fv.value: fv for fv in result.facets["reaches"]}
        assert reaches[6].selected and not reaches[5].selected
        assert result.ids == [27]


def test_facet_counts_exclude_their_own_selection(db_catalogue, es_catalogue):
    for backend in (db_catalogue, es_catalogue):
        result = run(backend, {"category": ["salute"]})
        assert result.facet_counts("category") == {"sport": 9, "arte": 10, "stem": 8, "salute": 6, "scuola-plus": 7}
        assert sum(result.facet_counts("free").values()) == 6


@pytest.mark.parametrize("sort", ["price", "-price", "rating", "newest", "name"])
def test_sorts_agree(db_catalogue, es_catalogue, sort):
    params = {"category": ["sport", "arte"], "sort": sort}
    assert run(db_catalogue, params).ids == run(es_catalogue, params).ids


def test_price_sort_counts_free_as_zero_and_unknown_last(db_catalogue):
    ids = run(db_catalogue, {"category": ["arte"], "sort": "price"}).ids
    by_id = {doc.id: doc for doc in CATALOGUE}
    prices = [by_id[i].sort_price for i in ids]
    known = [p for p in prices if p is not None]
    assert known == sorted(known) and known[0] == 0
    assert prices[len(known) :] == [None] * (len(prices) - len(known))


def test_pages_partition_the_results(db_catalogue, es_catalogue):
    for backend in (db_catalogue, es_catalogue):
        pages = [backend.search(SearchQuery(sort="name", page=n, page_size=15)) for n in (1, 2, 3)]
        assert [len(p.hits) for p in pages] == [15, 15, 10]
        assert {i for p in pages for i in p.ids} == ALL
        assert all(p.count == 40 for p in pages)


def test_relevance_puts_title_matches_first(db_catalogue, es_catalogue):
    for backend in (db_catalogue, es_catalogue):
        ids = run(backend, {"q": "scuola"}).ids
        assert ids[0] == 10 and 36 in ids  # 36 is newer but says "scuola" only in its summary


def test_hits_carry_the_whole_document(db_catalogue, es_catalogue):
    by_id = {doc.id: doc for doc in CATALOGUE}
    for backend in (db_catalogue, es_catalogue):
        for hit in run(backend, {}).hits:
            assert hit == by_id[hit.id]


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("citt", {"Astronomia in città"}),
        ("sci", {"Fondazione Scienza per Tutti", "Laboratori di scienze naturali", "Perché la scienza?"}),
        ("scuola cal", {"Scuola calcio"}),
        ("elfo", {"Teatro dell'Elfo Ragazzi"}),
        ("", set()),
    ],
)
def test_autocomplete_matches_any_word_of_names(db_catalogue, es_catalogue, prefix, expected):
    for backend in (db_catalogue, es_catalogue):
        assert {s.label for s in backend.autocomplete(prefix)} == expected


filters = st.fixed_dictionaries(
    {},
    optional={facet: st.frozensets(st.sampled_from(values), min_size=1, max_size=3) for facet, values in FACETS.items()}
    | {"age": st.integers(0, 18), "q": st.sampled_from(["ragazzi", "scuola", "estate", "giochi"])},
)


def assert_counts_match_filtering(backend, params):
    result = backend.search(SearchQuery(page_size=1, **params))
    for facet, values in FACETS.items():
        for value in values:
            narrowed = backend.search(SearchQuery(page_size=1, **{**params, facet: frozenset({value})}))
            assert result.facet_counts(facet)[value] == narrowed.count, (facet, value)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=filters)
def test_database_facet_counts_equal_filtered_counts(db_catalogue, params):
    assert_counts_match_filtering(db_catalogue, params)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=filters)
def test_elasticsearch_facet_counts_equal_filtered_counts(es_catalogue, params):
    assert_counts_match_filtering(es_catalogue, params)


def test_database_search_queries_do_not_grow_with_the_page(db_catalogue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(page_size):
        with CaptureQueriesContext(connection) as captured:
            result = db_catalogue.search(SearchQuery(q="servizio", municipio=frozenset({2, 9}), page_size=page_size))
        return len(captured), len(result.hits)

    queries_for(1)  # loads the vocabulary cache
    small, large = queries_for(1), queries_for(100)
    assert small[1] == 1 and large[1] > 10
    assert small[0] == large[0] <= 3  # vocabulary check, all counts, the page


def test_postgresql_matches_text_with_its_full_text_index(db_catalogue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("full-text search index exists on PostgreSQL only")
    from search.models import CatalogueEntry

    assert not CatalogueEntry.objects.filter(search_vector__isnull=True).exists()
    with CaptureQueriesContext(connection) as captured:
        assert set(db_catalogue.search(SearchQuery(q="teatri")).ids) == {1, 2, 3, 37}
    assert any("@@" in q["sql"] and "to_tsquery" in q["sql"] for q in captured.captured_queries)


def test_typos_of_synonyms_find_what_the_synonyms_find(db_catalogue, es_catalogue):
    """Issue 18 item 16: typo tolerance reaches synonyms on both backends."""
    for backend in (db_catalogue, es_catalogue):
        teatro = set(run(backend, {"q": "teatro"}).ids)
        assert teatro == {1, 2, 3, 37}
        assert set(run(backend, {"q": "recitazione"}).ids) == teatro
        assert set(run(backend, {"q": "recitazone"}).ids) == teatro, backend.name
        assert set(run(backend, {"q": "teatr"}).ids) >= teatro, backend.name
        assert set(run(backend, {"q": "calcetot"}).ids) >= {9, 10, 38}, backend.name


#: "Laboratorio dell'orto" next to two other laboratories.
ORTO = [
    dataclasses.replace(CATALOGUE[0], id=101, title="Laboratorio dell\u2019orto"),
    dataclasses.replace(CATALOGUE[0], id=102, title="Laboratorio di ceramica"),
    dataclasses.replace(CATALOGUE[0], id=103, title="Orto in città"),
]


@pytest.fixture(scope="module")
def orto_engine(es_client):
    """The engine holding `ORTO`, indexed once for the module (its tests only read it)."""
    engine = ElasticsearchBackend(es_client, alias=f"test-orto-{uuid.uuid4().hex[:12]}")
    engine.rebuild(ORTO)
    yield engine
    es_client.indices.delete(index=f"{engine.alias}-*", ignore_unavailable=True, allow_no_indices=True)


@pytest.fixture
def orto(db, orto_engine):
    """Both backends holding `ORTO` (the database's rows in the test's own transaction, in place of the catalogue)."""
    database = DatabaseBackend()
    database.rebuild(ORTO)
    return database, orto_engine


@pytest.mark.parametrize(
    "typed",
    ["laboratorio de", "laboratorio dell", "laboratorio dell'", "laboratorio dell'o", "Laboratorio dell\u2019or"],
)
def test_autocomplete_keeps_a_name_while_its_article_is_typed(orto, typed):
    """Issue 18 item 17: the suggestion does not vanish at the article, on either backend."""
    for backend in orto:
        labels = [s.label for s in backend.autocomplete(typed) if s.kind == "service"]
        assert labels == ["Laboratorio dell\u2019orto"], backend.name
