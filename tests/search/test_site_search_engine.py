"""The site-wide page search tests (tests/home), run again with Wagtail's Elasticsearch backend on the real engine.

The same test functions run on Wagtail's database backend in tests/home/test_site_views.py.
"""

import uuid

import pytest
from django.test import override_settings
from elasticsearch import helpers
from modelsearch.index import get_indexed_models
from wagtail.search.backends import get_search_backend

from tests.home.test_site_views import (  # noqa: F401 (collected here a second time, on the engine)
    pages,
    test_search_finds_a_page_by_a_word_of_its_body,
    test_search_paginates_with_links_keeping_the_query,
    test_search_without_results_says_so_in_italian,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def engine_backends(es_connection, es_client):
    """The WAGTAILSEARCH_BACKENDS of the module: Wagtail's indices on the engine, made once with each model's mapping
    (what `manage.py update_index` does first); the tests write and delete documents in them. Deleted at the end."""
    url, compat = es_connection
    prefix = f"test-pages-{uuid.uuid4().hex[:12]}-"
    backends = {
        "default": {
            "BACKEND": "tests.engines.wagtail_search" if not compat else "wagtail.search.backends.elasticsearch9",
            "URLS": [url],
            "INDEX_PREFIX": prefix,
            "TIMEOUT": 30,
        }
    }
    with override_settings(WAGTAILSEARCH_BACKENDS=backends):
        backend = get_search_backend()
        backend.reset_indexes()
        for model in get_indexed_models():
            backend.get_index_for_model(model).add_model(model)
    yield backends
    es_client.indices.delete(index=f"{prefix}*", ignore_unavailable=True, allow_no_indices=True)


@pytest.fixture(autouse=True)
def wagtail_search_on_the_engine(settings, engine_backends, es_client):
    """Wagtail's search on the engine, its indices emptied first: a test finds only the documents of its own pages
    (the database rolls back after each test, the engine does not)."""
    settings.WAGTAILSEARCH_BACKENDS = engine_backends
    prefix = engine_backends["default"]["INDEX_PREFIX"]
    # The engine's node has no `_delete_by_query` (a module it does not load): the documents are found, then deleted.
    left = es_client.search(index=f"{prefix}*", query={"match_all": {}}, source=False, size=10_000)["hits"]["hits"]
    if left:
        actions = [{"_op_type": "delete", "_index": hit["_index"], "_id": hit["_id"]} for hit in left]
        helpers.bulk(es_client, actions, refresh=True)
    return get_search_backend()


def test_the_site_search_really_asks_the_engine(wagtail_search_on_the_engine, home_page):
    from home.models import HomePage

    assert type(wagtail_search_on_the_engine).__module__.startswith(("tests.engines", "modelsearch.backends.elastic"))
    assert list(HomePage.objects.search("Milano")) == [home_page.specific]
