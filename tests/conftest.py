"""Fixtures shared by the whole suite."""

import pytest
from django.conf import settings
from django.utils import translation
from wagtail.models import Page, Site

from home.models import HomePage
from tests.home.factories import HomePageFactory

#: The real search engine node (tests/engines/): started on first use, one for the whole run; the test database
#: migrated once into a template and copied for each worker (tests/testdb.py).
pytest_plugins = ["tests.engines.plugin", "tests.testdb"]


@pytest.fixture(autouse=True)
def _italian_by_default():
    """A request to /en/ leaves English active in the worker's thread: every test starts in Italian."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def home_page(db) -> HomePage:
    """The site's home page, with the default Site pointing at it (what load_demo builds first).

    In a transactional test an earlier one's flush may have emptied Wagtail's tree: its root comes back first.
    """
    from tests.browser.content import ensure_tree_root

    ensure_tree_root()
    root = Page.get_first_root_node()
    for default in root.get_children():
        default.delete()
    home = HomePageFactory(parent=root)
    Site.objects.all().delete()
    Site.objects.create(hostname="testserver", port=80, root_page=home, is_default_site=True, site_name="Milano 0.18")
    return home
