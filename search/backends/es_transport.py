"""How the Elasticsearch backend talks to the cluster: HTTP nodes with short timeouts, and a circuit breaker.

Searches give up after `ELASTICSEARCH_CONNECT_TIMEOUT` / `ELASTICSEARCH_READ_TIMEOUT` seconds without
retries; after a failure the breaker of that cluster URL keeps requests away for
`ELASTICSEARCH_BREAKER_RESET` seconds (see `search.backends.elasticsearch`).
"""

from __future__ import annotations

import functools
import re
import threading
import time

import urllib3
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, Urllib3HttpNode
from elasticsearch import ApiError, Elasticsearch

from search.api import SearchUnavailable

_COMPAT_MIMETYPE = re.compile(r"application/vnd\.elasticsearch\+([\w-]+);\s*compatible-with=\d+")
#: Errors meaning "the cluster is not there" (as opposed to a bad request, which is a bug).
UNREACHABLE = (TransportConnectionError, ConnectionTimeout)


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
def shared_client(url: str, compat_headers: bool, timeout: float, connect_timeout: float) -> Elasticsearch:
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


def is_failure(error: Exception) -> bool:
    """Errors that mean the cluster misbehaves (down, slow, 5xx), as opposed to a missing index or a bug."""
    return isinstance(error, UNREACHABLE) or (isinstance(error, ApiError) and error.status_code >= 500)
