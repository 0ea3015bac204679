"""A search engine that hangs: short timeouts and a circuit breaker send searches to the database at once."""

import socket

import pytest

from search.api import SearchQuery, SearchUnavailable, get_backend
from tests.search.catalogue import CATALOGUE


class HangingServer:
    """Listens on 127.0.0.1 and never answers; `connections` counts the connections made to it so far.

    No server thread: the kernel completes each connection and queues it, and `connections` accepts
    the queued ones in the caller's thread. A thread counting them raced the assertions: under heavy
    CPU load it was not scheduled before the search's 0.3 s read timeout ran out, and a connection the
    search had made was not counted yet.
    """

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.setblocking(False)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.held = []

    @property
    def connections(self) -> int:
        while True:
            try:
                conn, _ = self.sock.accept()
            except BlockingIOError:
                return len(self.held)
            self.held.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.fixture
def hung(settings):
    server = HangingServer()
    settings.ELASTICSEARCH_URL = server.url
    settings.ELASTICSEARCH_COMPAT_HEADERS = False
    settings.ELASTICSEARCH_READ_TIMEOUT = 0.3
    settings.ELASTICSEARCH_BREAKER_RESET = 3600
    yield server
    server.close()


def test_a_hung_engine_sends_searches_to_the_database_at_once(db_catalogue, hung, caplog):
    first = get_backend().search(SearchQuery(q="teatri"))
    assert first.backend == "database" and set(first.ids) == {1, 2, 3, 37}
    assert hung.connections == 1
    assert "falling back to the database" in caplog.text

    # The breaker is open: the next searches, suggestions and writes do not wait for the engine again.
    for _ in range(5):
        assert get_backend().search(SearchQuery(category=frozenset({"salute"}))).backend == "database"
    assert [s.label for s in get_backend().autocomplete("citt")] == ["Astronomia in città"]
    with pytest.raises(SearchUnavailable):
        get_backend().index(CATALOGUE[:1])
    assert hung.connections == 1


def test_after_the_pause_one_search_tries_the_engine_again(db_catalogue, hung, settings):
    settings.ELASTICSEARCH_BREAKER_RESET = 0
    assert get_backend().search(SearchQuery(q="calcio")).backend == "database"
    assert get_backend().search(SearchQuery(q="calcio")).backend == "database"
    assert hung.connections == 2


def test_a_working_engine_closes_the_breaker(db_catalogue, es_catalogue, settings, es_connection):
    settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_COMPAT_HEADERS = es_connection
    settings.ELASTICSEARCH_INDEX = es_catalogue.alias
    settings.ELASTICSEARCH_BREAKER_RESET = 0
    backend = get_backend()
    backend.breaker.failed()
    assert backend.search(SearchQuery(q="teatri")).backend == "elasticsearch"
    assert get_backend().breaker.closed
