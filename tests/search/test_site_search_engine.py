"""The site-wide page search tests (tests/home), run again with Wagtail's Elasticsearch backend on the real engine.

The same test functions run on Wagtail's database backend in tests/home/test_site_views.py.
"""

import uuid

import pytest
from modelsearch.index import get_indexed_models
from wagtail.search.backends import get_search_backend

from tests.home.test_site_views import (  # noqa: F401 (collected here a second time, on the engine)
    pages,
    test_search_finds_a_page_by_a_word_of_its_body,
    test_search_paginates_with_links_keeping_the_query,
    test_search_without_results_says_so_in_italian,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def wagtail_search_on_the_engine(settings, es_connection, es_client):
    url, compat = es_connection
    prefix = f"test-pages-{uuid.uuid4().hex[:12]}-"
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "tests.engines.wagtail_search" if not compat else "wagtail.search.backends.elasticsearch9",
            "URLS": [url],
            "INDEX_PREFIX": prefix,
            "TIMEOUT": 30,
        }
    }
    backend = get_search_backend()
    # What `manage.py update_index` does first: fresh indices with each model's mapping.
    backend.reset_indexes()
    for model in get_indexed_models():
        backend.get_index_for_model(model).add_model(model)
    yield backend
    es_client.indices.delete(index=f"{prefix}*", ignore_unavailable=True, allow_no_indices=True)


def test_the_site_search_really_asks_the_engine(wagtail_search_on_the_engine, home_page):
    from home.models import HomePage

    assert type(wagtail_search_on_the_engine).__module__.startswith(("tests.engines", "modelsearch.backends.elastic"))
    assert list(HomePage.objects.search("Milano")) == [home_page.specific]
