"""The header menu and the footer: content, order, query counts and cache invalidation."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from home.models import ContentPage, Partner, SiteSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def legal_pages(home_page):
    pages = {}
    for field, title in [
        ("accessibility_page", "Dichiarazione di accessibilità"),
        ("privacy_page", "Informativa privacy"),
        ("legal_notes_page", "Note legali"),
        ("cookie_page", "Informativa sui cookie"),
        ("contacts_page", "Contatti"),
    ]:
        pages[field] = home_page.add_child(instance=ContentPage(title=title))
    settings = SiteSettings.for_site(Site.objects.get())
    for field, page in pages.items():
        setattr(settings, field, page)
    settings.save()
    return pages


def footer_links(html: str) -> list[str]:
    small_prints = html.split('class="it-footer-small-prints', 1)[1]
    return [chunk.split("</a>")[0].split(">")[-1] for chunk in small_prints.split("<a ")[1:]]


def test_footer_has_the_legal_links_in_order_and_the_eu_notice(client, legal_pages):
    Partner.objects.create(name="Urban Innovative Actions", role=Partner.Role.FUNDER, url="https://uia-initiative.eu/")
    Partner.objects.create(name="ActionAid", role=Partner.Role.PARTNER)
    html = client.get("/").content.decode()
    assert footer_links(html) == [
        "Dichiarazione di accessibilità",
        "Informativa privacy",
        "Note legali",
        "Informativa sui cookie",
        "Contatti",
        "Mappa del sito",
    ]
    # The funding notice in Italian (the seeds named the fund in English).
    assert "cofinanziato dal Fondo europeo di sviluppo regionale (FESR)" in html
    assert "European Regional Development Fund" not in html
    assert '<a href="https://uia-initiative.eu/">Urban Innovative Actions</a>' in html
    assert "ActionAid" in html


def test_unpublished_legal_page_leaves_the_footer(client, legal_pages):
    legal_pages["privacy_page"].unpublish()
    assert "Informativa privacy" not in footer_links(client.get("/").content.decode())


def test_menu_and_footer_cost_no_queries_once_cached(client, legal_pages):
    def chrome_queries(captured) -> list[str]:
        return [q["sql"] for q in captured if "home_partner" in q["sql"] or "home_sitesettings" in q["sql"]]

    with CaptureQueriesContext(connection) as cold:
        client.get("/")
    with CaptureQueriesContext(connection) as warm:
        client.get("/")
    assert chrome_queries(cold.captured_queries)
    assert chrome_queries(warm.captured_queries) == []
    assert len(warm.captured_queries) < len(cold.captured_queries)


def test_footer_fetches_the_four_legal_pages_in_one_query(client, legal_pages):
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    ids = sorted(page.pk for page in legal_pages.values())
    in_clause = f'"wagtailcore_page"."id" IN ({", ".join(map(str, ids))})'
    page_queries = [q["sql"] for q in queries.captured_queries if '"wagtailcore_page"."title"' in q["sql"]]
    one_by_one = [sql for sql in page_queries if any(f'"wagtailcore_page"."id" = {pk}' in sql for pk in ids)]
    assert len([sql for sql in page_queries if in_clause in sql]) == 1
    assert one_by_one == []


def test_publishing_a_page_refreshes_the_cached_menu(client, home_page):
    section = home_page.add_child(instance=ContentPage(title="Il progetto", show_in_menus=True))
    assert ">Il progetto<" in client.get("/").content.decode()
    section.title = "Il progetto WISH MI"
    section.save_revision().publish()
    assert ">Il progetto WISH MI<" in client.get("/").content.decode()


def test_unpublishing_a_page_removes_it_from_the_menu(client, home_page):
    section = home_page.add_child(instance=ContentPage(title="Il progetto", show_in_menus=True))
    client.get("/")
    section.unpublish()
    assert ">Il progetto<" not in client.get("/").content.decode()


def test_menu_marks_the_current_section(client, home_page):
    section = home_page.add_child(instance=ContentPage(title="Il progetto", show_in_menus=True))
    section.add_child(instance=ContentPage(title="Il budget"))
    html = client.get("/il-progetto/il-budget/").content.decode()
    assert 'class="nav-link active" href="/il-progetto/" aria-current="true"' in html
    html = client.get("/il-progetto/").content.decode()
    assert 'class="nav-link active" href="/il-progetto/" aria-current="page"' in html


def _without_nonces(response) -> str:
    return re.sub(r'nonce="[^"]*"', "", response.content.decode())


def _site_queries(captured) -> list[str]:
    return [q["sql"] for q in captured if 'FROM "wagtailcore_site"' in q["sql"]]


@pytest.mark.parametrize("url", ["/cerca/?q=teatro", "/valuta/non-un-gettone/"])
def test_pages_of_django_views_and_their_404s_find_the_site_without_a_query_once_cached(client, home_page, url):
    """The chrome's site lookup (one CASE query over the sites) is cached with the chrome: a Django view's page and a
    404 answered by a Django view (the redirects middleware looks the site up on every 404) ask it no more."""
    client.get(url)  # its first visit creates the site settings: a new generation of the chrome cache
    with CaptureQueriesContext(connection) as cold:
        first = client.get(url)
    with CaptureQueriesContext(connection) as warm:
        again = client.get(url)
    assert _site_queries(cold.captured_queries)
    assert again.status_code == first.status_code
    assert _without_nonces(again) == _without_nonces(first)
    assert _site_queries(warm.captured_queries) == []
    assert len(warm.captured_queries) <= len(cold.captured_queries)


def test_a_changed_site_is_looked_up_again(client, home_page):
    client.get("/cerca/?q=teatro")
    client.get("/cerca/?q=teatro")
    with CaptureQueriesContext(connection) as warm:
        client.get("/cerca/?q=teatro")
    assert _site_queries(warm.captured_queries) == []
    site = Site.objects.get()
    site.site_name = "Milano 0-18"
    site.save()
    with CaptureQueriesContext(connection) as after_change:
        response = client.get("/cerca/?q=teatro")
    assert response.status_code == 200
    assert _site_queries(after_change.captured_queries)


def test_an_unknown_host_gets_the_default_site_also_from_the_cache(client, home_page, settings):
    """A host no site names gets the default site's chrome, cached or not (Wagtail's fallback)."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "altro.testserver"]
    section = home_page.add_child(instance=ContentPage(title="Il progetto", show_in_menus=True))
    assert section.live
    for _ in range(3):
        assert ">Il progetto<" in client.get("/cerca/", HTTP_HOST="altro.testserver").content.decode()
