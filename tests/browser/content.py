"""What a transactional browser test needs before `load_demo`: the rows Wagtail's migrations insert."""

from django.conf import settings
from wagtail.models import Collection, Locale, Page, Site

from home.models import HomePage


def ensure_tree_root() -> None:
    """Recreate what Wagtail's migrations insert (locale, root page, root collection) after a test's flush."""
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


def fresh_home() -> HomePage:
    """An empty site for a browser test that builds its own pages: the home page, served at localhost."""
    ensure_tree_root()
    root = Page.get_first_root_node()
    for default in root.get_children():
        default.delete()
    home = root.add_child(
        instance=HomePage(title="Milano 0.18", slug="home", hero_title="Milano 0.18", hero_text="0-18")
    )
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", root_page=home, is_default_site=True, site_name="Milano 0.18")
    return home
