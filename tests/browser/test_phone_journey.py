"""A parent on a phone (issue 10, "Journey"): the catalogue shows results first, with the filters folded into
«Filtri (n)»; no page of the site scrolls sideways at 360 px; the pages changed for it stay at zero axe-core
violations and zero Nu HTML Checker errors."""

import re
from urllib.parse import urlsplit

import pytest

from tests.browser import axe
from tests.browser.conftest import MOBILE
from tests.browser.navigation import follow
from tests.htmlcheck import html_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 360, "height": 780}
DEMO_FAMILY, DEMO_PASSWORD = "famiglia@milano018.example", "milano018-demo"


@pytest.fixture
def catalogue(live_server):
    """Fourteen services (enough to fill more than a phone's screen) in three categories."""
    from search import sync
    from tests.browser.content import fresh_home
    from tests.catalog import factories

    home = fresh_home()
    catalog, _categories, index = factories.catalog_tree(home)
    provider = factories.provider(index, name="Polisportiva del Parco")
    categories = ["sport"] * 8 + ["arte"] * 4 + ["stem"] * 2
    pages = [
        factories.service(provider, title=f"Attività {n}", slug=f"attivita-{n}", category=category)
        for n, category in enumerate(categories)
    ]
    sync.update(page.pk for page in pages)
    return catalog.url + "cerca/"


def phone(browser, live_server, *, javascript: bool = True, viewport=MOBILE):
    context = browser.new_context(
        base_url=live_server.url, viewport=viewport, locale="it-IT", is_mobile=True, java_script_enabled=javascript
    )
    context.set_default_timeout(15_000)
    return context


def first_card_top_below_the_search_box(tab) -> float:
    """The first result card's top, in px from the top of the screen, once the search box is scrolled to the top."""
    tab.locator(".m018-searchbox").evaluate("e => e.scrollIntoView({block: 'start'})")
    return tab.locator(".m018-results .card").first.evaluate("e => e.getBoundingClientRect().top")


def test_catalogue_on_a_phone_shows_results_first_and_the_filters_on_demand(browser, live_server, catalogue):
    from playwright.sync_api import expect

    context = phone(browser, live_server)
    tab = context.new_page()
    tab.goto(catalogue)
    panel, summary = tab.locator("#m018-filters"), tab.locator("#m018-filters > summary")
    status = tab.locator("#m018-search-status")
    expect(summary).to_have_text("Filtri")
    assert panel.get_attribute("open") is None
    assert first_card_top_below_the_search_box(tab) < MOBILE["height"]
    axe.assert_accessible(tab, "ricerca nel catalogo, telefono")

    summary.click()
    expect(tab.locator("label[for=f-category-sport]")).to_be_visible()
    axe.assert_accessible(tab, "ricerca nel catalogo, filtri aperti")
    tab.locator("label[for=f-category-sport]").click()
    # Ticking changes what the parent sees at once: the panel's count and its button, then the count above the results.
    expect(summary).to_have_text(re.compile(r"^Filtri \(1\)"))
    show = tab.get_by_role("button", name="Mostra 8 servizi")
    expect(show).to_be_visible()
    assert panel.get_attribute("open") is not None  # the panel stays open while the results change under it
    show.click()
    expect(status).to_have_text("8 servizi trovati")
    expect(panel).not_to_have_attribute("open", "")  # closed by the click (the count above was already there)
    assert tab.locator(".m018-chip").first.inner_text().startswith("Categoria: Sport")
    assert 0 <= status.evaluate("e => e.getBoundingClientRect().top") < MOBILE["height"] / 2
    assert first_card_top_below_the_search_box(tab) < MOBILE["height"]
    context.close()


def test_the_filters_work_on_a_phone_without_javascript(browser, live_server, catalogue):
    context = phone(browser, live_server, javascript=False)
    tab = context.new_page()
    tab.goto(catalogue)
    tab.locator("#m018-filters > summary").click()
    tab.locator("label[for=f-category-arte]").click()
    # The count is the page's: no script updates it.
    follow(tab.get_by_role("button", name="Mostra 14 servizi"), re.compile(r"category=arte"))
    assert tab.locator("#m018-search-status").inner_text() == "4 servizi trovati"
    assert tab.locator("#m018-filters > summary").inner_text().startswith("Filtri (1)")
    assert first_card_top_below_the_search_box(tab) < MOBILE["height"]
    context.close()


PUBLIC_SKIP = ("/admin", "/django-admin", "/accounts/", "/static/", "/media/", "/documents/", "/api/", "/en/")


def _same_site_links(tab) -> list[str]:
    hrefs = tab.locator("a[href]").evaluate_all("els => els.map(e => e.href)")
    paths = []
    for href in hrefs:
        parts = urlsplit(href)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        download = re.search(r"\.(pdf|csv|json|xml|ics|txt)$|/(scarica|stampa|feed|rss)/", parts.path)
        if parts.netloc == urlsplit(tab.url).netloc and not path.startswith(PUBLIC_SKIP) and not download:
            paths.append(path)
    return paths


def test_no_page_scrolls_sideways_at_360_px(browser, live_server, demo_site):
    """The family area (signed in as the demo family) and the public pages linked from the home page, the catalogue
    and the family area: at 360 px the document is never wider than the screen. The family's pages changed by the
    issue also pass axe-core and the Nu HTML Checker."""
    context = phone(browser, live_server, viewport=NARROW)
    tab = context.new_page()
    tab.goto("/accounts/login/")
    tab.get_by_label("Email").fill(DEMO_FAMILY)
    tab.get_by_label("Password").fill(DEMO_PASSWORD)
    follow(tab.locator("form[action^='/accounts/login/'] button[type=submit]"), re.compile(r"/famiglia/$"))

    from catalog.models import ServicePage

    paid = ServicePage.objects.live().filter(is_free=False, voucher_accepted=True).order_by("pk").first()
    request_form = f"/famiglia/richieste/nuova/?servizio={paid.pk}"
    queue = [request_form, "/famiglia/", "/famiglia/richieste/", "/famiglia/acquisti/", "/", "/catalogo/cerca/"]
    seen: set[str] = set()
    too_wide: dict[str, int] = {}
    family_pages: dict[str, str] = {}
    while queue and len(seen) < 90:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = tab.goto(path)
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        width = tab.evaluate("document.documentElement.scrollWidth")
        if width > NARROW["width"]:
            too_wide[path] = width
        if path.startswith("/famiglia/") and "/dati/" not in path and len(family_pages) < 10:
            axe.assert_accessible(tab, f"area famiglia a 360 px: {path}")
            family_pages[path] = tab.content()
        if len(seen) < 20:  # the first pages' links: each kind of page, without walking the whole catalogue
            links = [link for link in _same_site_links(tab) if link not in seen]
            queue = [link for link in links if link.startswith("/famiglia/")] + queue
            queue += [link for link in links if not link.startswith("/famiglia/")]
    assert len(seen) >= 30
    assert not too_wide, f"pages wider than 360 px: {too_wide}"
    assert {"/famiglia/", request_form, "/famiglia/richieste/", "/famiglia/acquisti/"} <= set(family_pages)
    assert html_errors(family_pages) == {}
    context.close()
