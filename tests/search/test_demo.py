"""load_demo leaves the catalogue search ready: the index holds exactly the live demo services."""

from io import StringIO

import pytest
from django.core.management import call_command

from catalog.models import ServicePage
from catalog.search_sync import service_documents
from search.api import SearchQuery, get_backend
from search.backends.database import DatabaseBackend


@pytest.mark.django_db
def test_load_demo_fills_the_search_index(home_page):
    call_command("load_demo", stdout=StringIO())
    live = ServicePage.objects.live().public().count()
    assert live > 500
    assert not DatabaseBackend().check(service_documents())
    result = get_backend().search(SearchQuery(category=frozenset({"sport"})))
    assert 0 < result.count < live
    assert result.count == ServicePage.objects.live().public().filter(category="sport").count()
