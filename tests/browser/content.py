"""An empty site for a browser test that builds its own pages (a transactional test's flush puts back the rows
Wagtail's migrations insert: the locale, the root page and collection; tests/dbsnapshot.py)."""

from wagtail.models import Page, Site

from home.models import HomePage


def fresh_home() -> HomePage:
    """An empty site for a browser test that builds its own pages: the home page, served at localhost."""
    root = Page.get_first_root_node()
    for default in root.get_children():
        default.delete()
    home = root.add_child(
        instance=HomePage(title="Milano 0.18", slug="home", hero_title="Milano 0.18", hero_text="0-18")
    )
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", root_page=home, is_default_site=True, site_name="Milano 0.18")
    return home
