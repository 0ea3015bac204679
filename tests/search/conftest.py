"""Search fixtures: the fixture catalogue in both backends.

Elasticsearch: the cluster at ELASTICSEARCH_URL when it is set, otherwise the real engine node of
tests/engines/ (OpenSearch 2.19.6, started once for the run). In CI (CI=true) an engine that cannot
be started fails the run instead of skipping the Elasticsearch half of the contract.
"""

import os
import uuid

import pytest

from search.backends.database import DatabaseBackend
from search.backends.elasticsearch import ElasticsearchBackend, make_client
from tests.engines.plugin import unavailable
from tests.search.catalogue import CATALOGUE


@pytest.fixture(scope="session")
def es_connection(request):
    """(url, compat_headers) of the cluster the contract runs against."""
    url = os.environ.get("ELASTICSEARCH_URL")
    if url:
        return url, os.environ.get("ELASTICSEARCH_COMPAT_HEADERS", "1").lower() in {"1", "true", "yes", "on"}
    # OpenSearch answers 406 to the client's versioned media types: plain JSON (ELASTICSEARCH_COMPAT_HEADERS=0).
    return request.getfixturevalue("search_engine").url, False


@pytest.fixture(autouse=True)
def _patient_engine_reads(settings):
    """The shared test machine can be slower than production's 2 s read timeout; test_resilience sets its own."""
    settings.ELASTICSEARCH_READ_TIMEOUT = 30


@pytest.fixture(scope="session")
def es_client(es_connection):
    url, compat = es_connection
    client = make_client(url, compat_headers=compat, timeout=30)
    try:
        client.info()
    except Exception as error:  # any failure here means "no cluster"
        unavailable(f"no Elasticsearch at {url}: {error}")
    return client


@pytest.fixture
def es_alias(es_client):
    """A fresh alias per test, removed afterwards (safe on a shared real cluster)."""
    alias = f"test-catalogue-{uuid.uuid4().hex[:12]}"
    yield alias
    es_client.indices.delete(index=f"{alias}-*", ignore_unavailable=True, allow_no_indices=True)


@pytest.fixture(scope="session")
def es_catalogue(es_client):
    """The fixture catalogue indexed once for the session (read-only tests share it)."""
    backend = ElasticsearchBackend(es_client, alias=f"test-contract-{uuid.uuid4().hex[:12]}")
    backend.rebuild(CATALOGUE)
    yield backend
    es_client.indices.delete(index=f"{backend.alias}-*", ignore_unavailable=True, allow_no_indices=True)


@pytest.fixture
def db_catalogue(db):
    backend = DatabaseBackend()
    backend.rebuild(CATALOGUE)
    return backend
