"""The catalogue search pages without JavaScript: GET forms, counts, chips, sorting, paging, no-result help."""

import re

import pytest
from django.core.cache import cache
from wagtail.models import Page

from core.vocabularies import Category
from search import sync
from tests.catalog import factories
from tests.conftest import build_home_page, kept_for_the_module

pytestmark = pytest.mark.django_db


def build_catalogue(home_page) -> dict:
    """The catalogue tree with one provider and three services, indexed (`search.sync`); returns its pages."""
    catalog, categories, index = factories.catalog_tree(home_page)
    provider = factories.provider(index, name="Teatro Aperto")
    pages = [
        factories.service(provider, title="Teatro per ragazzi", slug="teatro"),
        factories.service(provider, title="Coro di quartiere", slug="coro", is_free=True, price_amount=None),
        factories.service(provider, title="Calcetto al parco", slug="calcetto", category=Category.SPORT),
    ]
    pages[1].locations.update(municipio=1)  # the choir takes place in Municipio 1, the others in 5
    sync.update(page.pk for page in pages)
    return {"categories": categories, "pages": pages, "search_url": catalog.url + "cerca/"}


@pytest.fixture(scope="module")
def _catalogue_keys(django_db_setup, django_db_blocker):
    """`build_catalogue` once for the module (`kept_for_the_module`): the pages' keys and the search page's URL."""
    with kept_for_the_module(django_db_blocker):
        built = build_catalogue(build_home_page())
        yield {
            "categories": {code: page.pk for code, page in built["categories"].items()},
            "pages": [page.pk for page in built["pages"]],
            "search_url": built["search_url"],
        }


@pytest.fixture
def catalogue(db, _catalogue_keys) -> dict:
    """The module's catalogue (`build_catalogue`, built once): fresh instances of its pages for each test.

    The cache is emptied first, as a test building its own catalogue would find it: the site chrome cached by an
    earlier test may hold what its rollback took away (the site settings' row a first page view creates).
    """
    cache.clear()
    keys = _catalogue_keys
    return {
        "categories": {code: Page.objects.get(pk=pk).specific for code, pk in keys["categories"].items()},
        "pages": [Page.objects.get(pk=pk).specific for pk in keys["pages"]],
        "search_url": keys["search_url"],
    }


def titles(html: str) -> list[str]:
    return re.findall(r'<h3 class="card-title h5"><a href="[^"]*">([^<]*)</a>', html)


def test_search_page_filters_with_a_plain_get_form(client, catalogue):
    html = client.get(catalogue["search_url"], {"category": "arte", "municipio": "5"}).content.decode()
    assert titles(html) == ["Teatro per ragazzi"]
    assert "1 servizio trovato" in html
    assert 'role="combobox"' in html and 'aria-controls="m018-q-listbox"' in html
    # Counts are disjunctive: municipio 1 still shows the free choir while 5 is ticked.
    label = r'id="f-municipio-1"[^>]*>\s*<label[^>]*>Municipio 1 — Centro storico <span class="m018-count">\(1\)'
    assert re.search(label, html)
    # A zero-count value is shown, disabled; a selected one is checked.
    assert re.search(r'value="9" id="f-municipio-9" disabled', html)
    assert re.search(r'value="5" id="f-municipio-5" checked', html)


def test_chips_are_links_that_remove_one_filter(client, catalogue):
    html = client.get(catalogue["search_url"], {"category": "arte", "municipio": ["1", "5"]}).content.decode()
    chips = {
        label: url.replace("&amp;", "&")
        for url, label in re.findall(r'<a class="m018-chip" href="([^"]*)" data-search-link>([^<]*)<', html)
    }
    five = "Dove si svolge: Municipio 5 — Vigentino, Chiaravalle, Gratosoglio"
    assert chips == {
        "Categoria: Arte": "/catalogo/cerca/?municipio=1&municipio=5",
        "Dove si svolge: Municipio 1 — Centro storico": "/catalogo/cerca/?category=arte&municipio=5",
        five: "/catalogo/cerca/?category=arte&municipio=1",
    }
    dropped = chips["Dove si svolge: Municipio 1 — Centro storico"]
    assert titles(client.get(dropped).content.decode()) == ["Teatro per ragazzi"]


def test_category_page_preselects_its_category_and_can_be_widened(client, catalogue):
    sport = catalogue["categories"][Category.SPORT]
    html = client.get(sport.url).content.decode()
    assert titles(html) == ["Calcetto al parco"]
    assert re.search(r'value="sport" id="f-category-sport" checked', html)
    widened = client.get(sport.url, {"category": ""}).content.decode()
    assert len(titles(widened)) == 3


def test_no_results_offers_to_drop_the_filter_that_emptied_the_list(client, catalogue):
    html = client.get(catalogue["search_url"], {"category": "sport", "free": "true"}).content.decode()
    assert titles(html) == []
    assert "Nessun servizio corrisponde a questa ricerca." in html
    offers = re.findall(r'<li><a href="([^"]*)" data-search-link>Togli ([^:]*): (\d+) serviz', html)
    assert ("/catalogo/cerca/?category=sport", "costo", "1") in offers
    assert ("/catalogo/cerca/?free=true", "categoria", "1") in offers


def test_sort_and_pagination_are_links(client, catalogue):
    html = client.get(catalogue["search_url"], {"sort": "name"}).content.decode()
    assert titles(html) == ["Calcetto al parco", "Coro di quartiere", "Teatro per ragazzi"]
    assert '<option value="name" selected>' in html
    assert '<option value="" selected>Più recenti</option>' in client.get(catalogue["search_url"]).content.decode()


def test_invalid_parameters_are_explained_and_ignored(client, catalogue):
    response = client.get(catalogue["search_url"], {"municipio": "12", "category": "arte"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Il municipio è un numero da 1 a 9." in html
    assert len(titles(html)) == 2


def test_fragment_is_only_the_results_region(client, catalogue):
    html = client.get(catalogue["search_url"], {"category": "arte", "fragment": "1"}).content.decode()
    assert html.lstrip().startswith('<div class="m018-search-layout" data-count-text="2 servizi trovati">')
    assert "<html" not in html


def test_search_page_query_count_does_not_grow_with_results(client, catalogue, django_assert_max_num_queries):
    client.get(catalogue["search_url"])  # warm the site and settings caches
    with django_assert_max_num_queries(20) as few:
        client.get(catalogue["search_url"], {"category": "sport"})
    provider = catalogue["pages"][0].get_parent()
    more = [factories.service(provider, title=f"Servizio {n}", slug=f"s-{n}") for n in range(10)]
    sync.update(page.pk for page in more)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(catalogue["search_url"]).content.decode()
    assert len(titles(html)) == 12


def test_site_search_finds_services_and_providers_with_their_type(client, catalogue):
    html = client.get("/cerca/", {"q": "Teatro"}).content.decode()
    badges = re.findall(r'm018-badge--info">([^<]+)<', html)
    assert "Teatro per ragazzi" in html and "Servizio" in badges
    assert "Teatro Aperto" in html and "Ente" in badges


def test_filters_fold_into_a_disclosure_that_counts_them(client, catalogue):
    plain = client.get(catalogue["search_url"]).content.decode()
    assert re.search(r'<details class="m018-filters-panel" id="m018-filters">\s*<summary[^>]*>Filtri</summary>', plain)
    html = client.get(catalogue["search_url"], {"category": "arte", "municipio": "5", "age": "9"}).content.decode()
    summary = re.search(r"<summary[^>]*>(.*?)</summary>", html, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", summary) == "Filtri (3): 3 attivi"
    assert "Mostra 1 servizio" in html  # the panel's own submit button: works without JavaScript
    # The count and the chips come before the first result card in the page.
    assert html.index('id="m018-search-status"') < html.index('class="m018-chip"') < html.index("card-title")


def test_cards_show_the_price_with_its_unit(client, catalogue):
    html = client.get(catalogue["search_url"]).content.decode()
    assert "Prezzo: € 25,00 a incontro" in html
    assert "Prezzo: Gratuito" in html
