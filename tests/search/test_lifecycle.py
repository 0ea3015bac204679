"""Index lifecycle: atomic alias swaps, the management command, drift, and falling back to the database."""

import logging
import socket
import threading

import pytest
from django.core.management import CommandError, call_command
from elasticsearch import ApiError

from search.api import SearchQuery, SearchUnavailable, get_backend
from search.backends.database import DatabaseBackend
from search.backends.elasticsearch import ElasticsearchBackend, PlainJsonNode, make_client
from search.documents import ServiceDocument
from tests.search.catalogue import CATALOGUE

ALL = {doc.id for doc in CATALOGUE}


def catalogue_source():
    return list(CATALOGUE)


@pytest.fixture
def es_backend(es_client, es_alias):
    return ElasticsearchBackend(es_client, alias=es_alias)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_rebuild_swaps_the_alias_and_removes_orphans(es_backend):
    es_backend.rebuild(CATALOGUE[:10])
    first = es_backend.indices()
    es_backend.rebuild(CATALOGUE)
    second = es_backend.indices()

    assert list(first.values()) == [True] and list(second.values()) == [True]
    assert first.keys().isdisjoint(second.keys())
    assert es_backend.search(SearchQuery(page_size=100)).count == 40


def test_searches_during_rebuilds_never_fail_or_come_back_empty(es_backend):
    es_backend.rebuild(CATALOGUE)
    counts, errors = [], []
    rebuilding = threading.Event()
    rebuilding.set()

    def search_while_rebuilding():
        while rebuilding.is_set() or not counts:
            try:
                counts.append(es_backend.search(SearchQuery(category=frozenset({"arte"}))).count)
            except Exception as error:  # the assertion below reports it
                errors.append(error)

    thread = threading.Thread(target=search_while_rebuilding)
    thread.start()
    try:
        for _ in range(3):
            es_backend.rebuild(CATALOGUE)
    finally:
        rebuilding.clear()
        thread.join(timeout=60)

    assert errors == []
    assert counts and set(counts) == {10}


def test_index_and_delete_update_search_and_the_database(db, es_backend):
    backend = ElasticsearchBackend(es_backend.client, alias=es_backend.alias, fallback=DatabaseBackend())
    backend.index(CATALOGUE[:5])
    renamed = ServiceDocument(**{**CATALOGUE[0].__dict__, "title": "Laboratorio di marionette"})
    backend.index([renamed])
    backend.delete([2])

    for engine in (backend, DatabaseBackend()):
        assert set(engine.search(SearchQuery()).ids) == {1, 3, 4, 5}
        assert engine.search(SearchQuery(q="marionette")).ids == [1]
    assert not backend.check([renamed, *CATALOGUE[2:5]])


def test_check_lists_missing_extra_and_stale_documents(es_backend):
    es_backend.rebuild(CATALOGUE[:5])
    changed = ServiceDocument(**{**CATALOGUE[2].__dict__, "free": not CATALOGUE[2].free})
    drift = es_backend.check([CATALOGUE[0], CATALOGUE[1], changed, CATALOGUE[3], CATALOGUE[5]])
    assert (drift.missing, drift.extra, drift.stale) == ([6], [5], [3])


def test_database_check_lists_drift(db_catalogue):
    changed = ServiceDocument(**{**CATALOGUE[0].__dict__, "price": None})
    drift = db_catalogue.check([changed, *CATALOGUE[1:39]])
    assert (drift.missing, drift.extra, drift.stale) == ([], [40], [1])


def test_search_falls_back_to_the_database_when_elasticsearch_is_down(db_catalogue, caplog):
    down = ElasticsearchBackend(
        make_client(f"http://127.0.0.1:{closed_port()}", timeout=1), alias="nowhere", fallback=db_catalogue
    )
    with caplog.at_level(logging.WARNING, logger="search.backends.elasticsearch"):
        result = down.search(SearchQuery(q="teatri"))
        suggestions = down.autocomplete("citt")

    assert result.backend == "database" and set(result.ids) == {1, 2, 3, 37}
    assert [s.label for s in suggestions] == ["Astronomia in città"]
    assert "falling back to the database" in caplog.text


def test_writes_reach_the_database_even_when_elasticsearch_is_down(db):
    down = ElasticsearchBackend(
        make_client(f"http://127.0.0.1:{closed_port()}", timeout=1), alias="nowhere", fallback=DatabaseBackend()
    )
    with pytest.raises(SearchUnavailable):
        down.index(CATALOGUE[:3])
    assert set(DatabaseBackend().search(SearchQuery()).ids) == {1, 2, 3}


def test_without_fallback_an_unreachable_cluster_is_reported():
    down = ElasticsearchBackend(make_client(f"http://127.0.0.1:{closed_port()}", timeout=1), alias="nowhere")
    with pytest.raises(SearchUnavailable):
        down.search(SearchQuery())


def test_compat_headers_setting_selects_plain_json(settings, es_connection):
    url, compat = es_connection
    settings.ELASTICSEARCH_URL = url
    settings.ELASTICSEARCH_COMPAT_HEADERS = False
    backend = get_backend()
    assert isinstance(backend, ElasticsearchBackend)
    assert isinstance(backend.client.transport.node_pool.get(), PlainJsonNode)
    backend.client.info()
    if not compat:  # OpenSearch: the client's default versioned media types are refused
        with pytest.raises(ApiError) as refused:
            make_client(url, compat_headers=True).count(query={"match_all": {}})
        assert refused.value.status_code == 406


def test_get_backend_is_the_database_without_a_url(settings):
    settings.ELASTICSEARCH_URL = ""
    assert isinstance(get_backend(), DatabaseBackend)


@pytest.fixture
def command_settings(settings, es_connection, es_alias):
    url, compat = es_connection
    settings.ELASTICSEARCH_URL = url
    settings.ELASTICSEARCH_COMPAT_HEADERS = compat
    settings.ELASTICSEARCH_INDEX = es_alias
    settings.SEARCH_DOCUMENT_SOURCE = "tests.search.test_lifecycle.catalogue_source"
    return settings


def test_rebuild_command_reports_progress_and_check_command_finds_no_drift(db, command_settings, capsys):
    call_command("catalogue_index", "rebuild")
    out = capsys.readouterr().out
    assert "Indicizzazione di 40 servizi (elasticsearch)" in out
    assert "[##############################] 40/40" in out
    assert set(get_backend().search(SearchQuery(page_size=100)).ids) == ALL

    call_command("catalogue_index", "check")
    assert "Indice allineato (40 servizi)" in capsys.readouterr().out


def test_check_command_fails_and_lists_drift(db, command_settings, capsys):
    call_command("catalogue_index", "rebuild")
    get_backend().delete([7])
    with pytest.raises(CommandError):
        call_command("catalogue_index", "check")
    assert "mancanti: 7" in capsys.readouterr().out


def test_database_rebuild_command(db, settings, capsys):
    settings.ELASTICSEARCH_URL = ""
    settings.SEARCH_DOCUMENT_SOURCE = "tests.search.test_lifecycle.catalogue_source"
    call_command("catalogue_index", "rebuild")
    assert "40/40" in capsys.readouterr().out
    assert DatabaseBackend().search(SearchQuery()).count == 40


def test_search_falls_back_when_the_index_does_not_exist(db_catalogue, es_client):
    backend = ElasticsearchBackend(es_client, alias="never-built", fallback=db_catalogue)
    assert backend.search(SearchQuery(q="calcio")).backend == "database"
