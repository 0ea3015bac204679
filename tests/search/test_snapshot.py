"""The database backend's bitmaps of the index (search/backends/database/snapshot.py) follow every write.

Each process keeps them per index version; these tests check what a family would notice if they did not:
a service published or withdrawn after the bitmaps were built, pages that skip or repeat services when
the sort order is cut in many chunks, and a text vector the full-text index reads differently from the text.
"""

import dataclasses

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.api import SearchQuery
from search.backends.database import DatabaseBackend, ordering, snapshot
from search.backends.database.writing import vector_literal
from tests.search.catalogue import CATALOGUE

SORTS = ["relevance", "price", "-price", "rating", "newest", "name"]


def queries(backend, query):
    with CaptureQueriesContext(connection) as captured:
        result = backend.search(query)
    return result, len(captured)


def test_a_search_after_a_write_sees_it_for_the_same_number_of_queries(db_catalogue):
    query = SearchQuery(q="teatro", municipio=frozenset({9}), page_size=100)
    before, _ = queries(db_catalogue, query)
    _, warm = queries(db_catalogue, query)
    new = dataclasses.replace(CATALOGUE[0], id=999, municipi=(9,))
    DatabaseBackend().index([new])  # another backend object: only the index version tells the news
    after, stale = queries(db_catalogue, query)
    assert after.count == before.count + 1 and 999 in after.ids
    # The version query brings the changed services (PostgreSQL: with the cached words' holders among them);
    # SQLite forgets its cached words on a write (snapshot.py) and asks the text index for this one again.
    assert stale == (warm if connection.vendor == "postgresql" else warm + 1)
    DatabaseBackend().delete([999])
    assert queries(db_catalogue, query)[0].ids == before.ids


def test_on_postgresql_every_search_checks_the_version_through_the_function(db_catalogue):
    """The version statement (~10 KB) goes to `search_catalogue_version` (migration 0010), which runs it only when
    the version changed: PostgreSQL no longer parses and plans it for every search. Warm or after a write, the
    search's first query is that call, and the write's service is found through it."""
    if connection.vendor != "postgresql":
        pytest.skip("the function exists on PostgreSQL only")
    query = SearchQuery(category=frozenset({CATALOGUE[0].category}), page_size=100)
    db_catalogue.search(query)
    DatabaseBackend().index([dataclasses.replace(CATALOGUE[0], id=998)])
    for _ in ("after the write", "warm"):
        with CaptureQueriesContext(connection) as captured:
            result = db_catalogue.search(query)
        assert captured[0]["sql"].startswith("SELECT token, data FROM search_catalogue_version("), captured[0]["sql"]
        assert 998 in result.ids


def test_forgotten_words_are_asked_again_and_found_the_same(db_catalogue):
    # The benchmark's "cold word" figures empty the per-word cache; the answers must not change with it.
    for query in (SearchQuery(q="teatro ragazzi", page_size=100), SearchQuery(q="teator", page_size=100)):
        first, _ = queries(db_catalogue, query)
        again, warm = queries(db_catalogue, query)
        snapshot.forget_words()
        cold, asked = queries(db_catalogue, query)
        assert first.count > 0 and cold.ids == again.ids == first.ids and cold.facets == first.facets
        assert asked > warm  # the full-text index is asked again; the bitmaps are kept


@pytest.mark.parametrize("sort", SORTS)
def test_pages_walk_the_sort_order_across_chunks(db, monkeypatch, sort):
    monkeypatch.setattr(ordering, "CHUNK", 4)  # 40 services in 10 chunks
    backend = DatabaseBackend()
    backend.rebuild(CATALOGUE)  # a new index version: the next search builds its bitmaps with small chunks
    q = "ragazzi" if sort == "relevance" else ""
    whole = backend.search(SearchQuery(q=q, sort=sort, page_size=100))
    assert whole.count > 7
    paged = [backend.search(SearchQuery(q=q, sort=sort, page=n, page_size=7)).ids for n in range(1, 8)]
    assert [pk for page in paged for pk in page] == whole.ids


def test_vectors_written_as_literals_equal_what_the_text_search_parser_makes(db):
    if connection.vendor != "postgresql":
        pytest.skip("tsvectors exist on PostgreSQL only")
    stems, folded = ["sant'ambrogio", "teatr", "ragazz"], ["sant'ambrogio", "teatro", "ragazzi"]
    parsed = "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'B')"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT CAST(%s AS tsvector) = ({parsed}), to_tsquery('simple', %s) @@ CAST(%s AS tsvector)",
            [
                vector_literal(("A", stems), ("B", folded)),
                " ".join(stems),
                " ".join(folded),
                "'sant''ambrogio':A",
                vector_literal(("A", stems), ("B", folded)),
            ],
        )
        same, found = cursor.fetchone()
    assert same and found


def test_text_left_behind_by_emptied_tables_matches_no_service(db_catalogue):
    # A flush outside the backend (tests between them) empties the Django tables but not SQLite's full-text
    # table; on PostgreSQL the text lives in the entry rows themselves. Either way, only indexed services count.
    query = SearchQuery(q="teatro", page_size=100)
    before = db_catalogue.search(query)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO search_catalogue_fts (rowid, stems, folded, title_stems, title_folded)"
                " VALUES (424242, 'teatr', 'teatro', 'teatr', 'teatro')"
            )
        DatabaseBackend().index([CATALOGUE[0]])  # a new index version: the next search reads the text again
    after = db_catalogue.search(query)
    assert after.count == before.count > 0 and 424242 not in after.ids
