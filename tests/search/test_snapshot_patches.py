"""The database backend patches its bitmaps of the index after a write (snapshot.py, `Snapshot.patched`).

A family searching right after a provider edits a sheet must get exactly what a process that rebuilt its
bitmaps from the tables would answer: the same totals, facet counts, pages in every sort and word matches.
Hypothesis writes and deletes services (new titles, prices, ratings, dates, words, facets), then the patched
snapshot and a fresh one answer the same searches. Runs on SQLite, and on PostgreSQL with DATABASE_URL.
"""

import dataclasses
import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.api import FACETS, SearchQuery
from search.backends.database import DatabaseBackend, ordering, snapshot, writing
from search.models import CatalogueChange
from tests.search.catalogue import CATALOGUE

SORTS = ["relevance", "price", "-price", "rating", "newest", "name"]
BASE = datetime.datetime(2026, 1, 10, 9, 0, tzinfo=datetime.UTC)
#: Titles whose sort keys tie, differ only by case, accents or punctuation, and bring words new to the index.
TITLES = [
    "Teatro per ragazzi",
    "teatro per ragazzi",
    "Àrte e teatro",
    "arte, teatro",
    "Zumba al parco",
    "Nuoto libero",
    "L'orto in città",
    "a b",
    "Calcio d'estate",
]
SEARCHES = [
    *(SearchQuery(sort=sort, page_size=100) for sort in SORTS),
    SearchQuery(q="teatro", page_size=100),
    SearchQuery(q="teatro ragazzi", sort="name", page_size=100),
    SearchQuery(q="zumba", page_size=100),  # a word that only the writes bring
    SearchQuery(q="zumbba", page_size=100),  # its typo: the vocabulary must learn the new term
    SearchQuery(q="teator", page_size=100),
    SearchQuery(q="nuoto", municipio=frozenset({1, 9}), sort="price", page_size=100),
    SearchQuery(category=frozenset({"arte"}), free=frozenset({True}), page_size=100),
    SearchQuery(age=9, sort="rating", page_size=100),
    SearchQuery(provider=3, sort="-price", page_size=100),
    SearchQuery(provider=9, page_size=100),
    SearchQuery(day=frozenset({0, 6}), wellbeing=frozenset({"creativity"}), page=2, page_size=7),
]

edits = st.fixed_dictionaries(
    {
        "id": st.integers(1, 46),
        "like": st.integers(0, len(CATALOGUE) - 1),
        "title": st.sampled_from(TITLES),
        "price": st.sampled_from([None, "0", "10", "10.50", "120", "9999.99"]),
        "free": st.booleans(),
        "rating": st.sampled_from([None, 2.5, 4.0, 4.333333333333333, 0.1 + 0.2, 5.0]),
        "count": st.integers(0, 3),
        "published": st.sampled_from(
            [None, BASE, BASE + datetime.timedelta(microseconds=1), BASE - datetime.timedelta(days=400)]
        ),
        "municipi": st.sets(st.integers(1, 9), max_size=2),
        "provider": st.sampled_from([1, 3, 9]),
        "age": st.sampled_from([(None, None), (6, 10), (9, 9), (12, None)]),
        "category": st.sampled_from(["arte", "sport", "stem"]),
    }
)
writes = st.lists(
    st.one_of(
        edits.map(lambda edit: ("index", [edit])),
        st.lists(edits, min_size=2, max_size=4, unique_by=lambda edit: edit["id"]).map(lambda batch: ("index", batch)),
        st.sets(st.integers(1, 46), min_size=1, max_size=3).map(lambda ids: ("delete", sorted(ids))),
    ),
    min_size=1,
    max_size=6,
)


def document(edit):
    age_min, age_max = edit["age"]
    return dataclasses.replace(
        CATALOGUE[edit["like"]],
        id=edit["id"],
        title=edit["title"],
        summary=f"{edit['title']} e altro",
        price=None if edit["price"] is None else Decimal(edit["price"]),
        free=edit["free"],
        rating_average=edit["rating"],
        rating_count=edit["count"],
        published_at=edit["published"],
        municipi=tuple(edit["municipi"]),
        provider_id=edit["provider"],
        age_min=age_min,
        age_max=age_max,
        category=edit["category"],
    )


def answers(backend):
    return [
        (result.count, result.ids, {facet: result.facet_counts(facet) for facet in FACETS})
        for result in map(backend.search, SEARCHES)
    ]


def fresh_answers(backend):
    """The snapshot and the answers of a process meeting this index version for the first time (the process's
    own snapshot is put back after)."""
    kept = dict(snapshot._current)
    snapshot._current.clear()
    try:
        return snapshot.current(), answers(backend)
    finally:
        snapshot._current.clear()
        snapshot._current.update(kept)


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(ordering, "CHUNK", 4)  # 40 services in 10 chunks: patches split and empty them


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=writes)
def test_a_patched_snapshot_answers_what_a_fresh_one_answers(db, small_chunks, steps):
    backend = DatabaseBackend()
    backend.rebuild(CATALOGUE)
    answers(backend)  # the bitmaps, the words' holders and the vocabulary of the version before the writes
    for kind, payload in steps:
        if kind == "index":
            backend.index([document(edit) for edit in payload])
        else:
            backend.delete(payload)
        patched = answers(backend)
        kept = snapshot.current()
        assert kept.keys is not None  # patched, not reloaded
        fresh, expected = fresh_answers(backend)
        assert patched == expected
        for sort in ordering.ORDER_BY:
            assert kept.orders[sort].ids() == fresh.orders[sort].ids(), sort
            assert all(0 < len(chunk) < 2 * ordering.CHUNK for chunk in kept.orders[sort].chunks)
        assert kept.everything == fresh.everything
        assert kept.values == fresh.values
        assert (kept.age_min, kept.age_max, kept.providers) == (fresh.age_min, fresh.age_max, fresh.providers)
        assert {w: h for w, h in kept._words.items() if w in fresh._words} == fresh._words
        assert snapshot.current() is kept


def counted(backend, query):
    with CaptureQueriesContext(connection) as captured:
        result = backend.search(query)
    return result, len(captured)


@pytest.mark.parametrize("q", ["", "teatro"])
def test_a_search_after_a_write_of_one_service_makes_the_queries_of_a_warm_one(
    db_catalogue, django_assert_num_queries, q
):
    if q and connection.vendor != "postgresql":
        pytest.skip("SQLite forgets its cached words on a write (snapshot.py): a word is asked again")
    query = SearchQuery(q=q, sort="price", page_size=100)
    db_catalogue.search(query)
    _, warm = counted(db_catalogue, query)
    # The first write's patch also reads every service's sort keys (in the same statement); the second does not.
    for price in ("1", "9000"):
        DatabaseBackend().index([dataclasses.replace(CATALOGUE[0], price=Decimal(price), free=False)])
        with django_assert_num_queries(warm):
            result = db_catalogue.search(query)
        assert snapshot.current().keys is not None  # patched, not reloaded
        # At its new place: after the services costing less (the free ones cost 0), before those costing more.
        others = [CATALOGUE[pk - 1].sort_price for pk in result.ids if pk != 1]
        assert result.ids.index(1) == sum(1 for other in others if other is not None and other < Decimal(price))


def test_a_rebuild_many_changes_or_a_version_older_than_the_log_reload_the_snapshot(db_catalogue, monkeypatch):
    query = SearchQuery(q="teatro", page_size=100)
    monkeypatch.setattr(snapshot, "PATCH_MIN", 2)  # 40 services: at most 2 changed services are patched
    monkeypatch.setattr(writing, "KEPT_CHANGES", 3)
    before = db_catalogue.search(query)
    writer = DatabaseBackend()

    def patched_after(write) -> bool:
        db_catalogue.search(query)
        writer.index([CATALOGUE[1]])  # the snapshot reads the sort keys with its first patch
        db_catalogue.search(query)
        write()
        result = db_catalogue.search(query)
        assert (result.count, result.ids) == (before.count, before.ids)
        return snapshot.current().keys is not None

    assert patched_after(lambda: writer.index(CATALOGUE[:2]))
    assert not patched_after(lambda: writer.index(CATALOGUE[:3]))
    assert not patched_after(lambda: writer.rebuild(CATALOGUE))
    assert patched_after(lambda: [writer.index([doc]) for doc in (CATALOGUE[0], CATALOGUE[1], CATALOGUE[0])])
    # Four writes while three are kept: the write after the snapshot's version is no longer in the log.
    assert not patched_after(lambda: [writer.index([CATALOGUE[0]]) for _ in range(4)])
    assert CatalogueChange.objects.count() == 3


class Rollback(Exception):
    pass


def test_a_snapshot_of_a_write_rolled_back_is_reloaded_whole(db_catalogue):
    query = SearchQuery(q="teatro", page_size=100)
    before = db_catalogue.search(query)
    with pytest.raises(Rollback), transaction.atomic():
        DatabaseBackend().index([dataclasses.replace(CATALOGUE[0], id=999)])
        assert 999 in db_catalogue.search(query).ids  # this process's snapshot: a version that never commits
        raise Rollback
    DatabaseBackend().index([CATALOGUE[1]])  # the log links the committed versions only
    after = db_catalogue.search(query)
    assert (after.count, after.ids) == (before.count, before.ids)
    assert snapshot.current().keys is None  # reloaded, not patched
