"""Browser: searching the catalogue with filters, chips and the back button, enhanced by catalog/search.js."""

import re
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.browser import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# title, category, municipi (of its venues), age_min, age_max
SERVICES = [
    ("Teatro per ragazzi", "arte", (1,), 6, 12),
    ("Coro di voci bianche", "arte", (2,), 8, 14),
    ("Laboratorio di pittura", "arte", (3,), 6, 12),
    ("Fotografia per adolescenti", "arte", (1,), 14, 18),
    ("Calcetto al parco", "sport", (1, 2), 6, 12),
]


@pytest.fixture
def catalogue(live_server):
    from catalog.models import ServiceLocation
    from search import sync
    from tests.browser.content import fresh_home
    from tests.catalog import factories

    home = fresh_home()
    catalog, _categories, index = factories.catalog_tree(home)
    provider = factories.provider(index, name="Casa delle Arti")
    pages = []
    for n, (title, category, municipi, age_min, age_max) in enumerate(SERVICES):
        page = factories.service(
            provider, title=title, slug=f"servizio-{n}", category=category, age_min=age_min, age_max=age_max
        )
        page.locations.all().delete()  # where each takes place: a venue in each of its municipi
        ServiceLocation.objects.bulk_create(
            [ServiceLocation(page=page, address=f"Via Padova {m}, Milano", municipio=m) for m in municipi]
        )
        pages.append(page)
    sync.update(page.pk for page in pages)
    return catalog.url + "cerca/"


def tick(page, checkbox_id):
    page.locator(f"label[for={checkbox_id}]").click()


def results(page) -> list[str]:
    return sorted(page.locator(".m018-results .card-title").all_inner_texts())


def chips(page) -> list[str]:
    """Chip labels without the hidden "— togli il filtro" and the decorative cross (U+00D7): the chip's own text."""
    return page.locator(".m018-chip").evaluate_all(
        """chips => chips.map((chip) => [...chip.childNodes].filter((node) => node.nodeType === Node.TEXT_NODE)
          .map((node) => node.textContent).join("").trim())"""
    )


def query_of(page) -> list[tuple[str, str]]:
    return sorted(parse_qsl(urlsplit(page.url).query, keep_blank_values=True))


FILTERED = [("age", "10"), ("category", "arte"), ("municipio", "1"), ("municipio", "2")]


def test_filters_chips_and_back_button(page, catalogue):
    from playwright.sync_api import expect

    status = page.locator("#m018-search-status")
    page.goto(catalogue)
    expect(status).to_have_text("5 servizi trovati")
    axe.assert_accessible(page, "ricerca nel catalogo")

    tick(page, "f-category-arte")
    expect(status).to_have_text("4 servizi trovati")
    assert query_of(page) == [("category", "arte")]
    # Disjunctive counts: Sport keeps its count while Arte is ticked.
    expect(page.locator("label[for=f-category-sport] .m018-count")).to_have_text("(1)")

    tick(page, "f-municipio-1")
    expect(status).to_have_text("2 servizi trovati")
    tick(page, "f-municipio-2")
    expect(status).to_have_text("3 servizi trovati")
    page.select_option("#m018-age", "10")
    expect(status).to_have_text("2 servizi trovati")
    assert query_of(page) == FILTERED
    assert results(page) == ["Coro di voci bianche", "Teatro per ragazzi"]
    assert chips(page) == [
        "Categoria: Arte",
        "Dove si svolge: Municipio 1 — Centro storico",
        "Dove si svolge: Municipio 2 — Stazione Centrale, Gorla, Turro, Greco, Crescenzago",
        "Età: 10 anni",
    ]
    expect(page.locator("label[for=f-municipio-3] .m018-count")).to_have_text("(1)")
    expect(page.locator("#f-municipio-9")).to_be_disabled()

    page.get_by_role("link", name=re.compile("Dove si svolge: Municipio 2")).click()
    expect(status).to_have_text("1 servizio trovato")
    assert query_of(page) == [("age", "10"), ("category", "arte"), ("municipio", "1")]
    assert results(page) == ["Teatro per ragazzi"]
    expect(page.locator("#f-municipio-2")).not_to_be_checked()

    page.go_back()
    expect(status).to_have_text("2 servizi trovati")
    assert query_of(page) == FILTERED
    assert results(page) == ["Coro di voci bianche", "Teatro per ragazzi"]
    expect(page.locator("#f-municipio-2")).to_be_checked()
    axe.assert_accessible(page, "ricerca nel catalogo con filtri")

    # The URL is the state: opened afresh it shows the same search.
    page.goto(page.url)
    expect(status).to_have_text("2 servizi trovati")


def test_autocomplete_is_a_keyboard_combobox(page, catalogue):
    from playwright.sync_api import expect

    page.goto(catalogue)
    box = page.get_by_role("combobox", name="Cerca un servizio o un ente")
    box.fill("teat")
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("ArrowDown")
    active = box.get_attribute("aria-activedescendant")
    assert active and page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    box.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#m018-q-listbox")).to_be_hidden()
    box.press("Enter")
    expect(page.locator("#m018-search-status")).to_have_text("1 servizio trovato")
    expect(page).to_have_url(re.compile(r"\?q=teat$"))


def test_category_page_starts_on_its_category(page, catalogue):
    from playwright.sync_api import expect

    status = page.locator("#m018-search-status")
    page.goto(catalogue.replace("cerca/", "arte/"))
    expect(status).to_have_text("4 servizi trovati")
    expect(page.locator("#f-category-arte")).to_be_checked()
    tick(page, "f-municipio-1")
    expect(status).to_have_text("2 servizi trovati")
    assert query_of(page) == [("category", "arte"), ("municipio", "1")]
    tick(page, "f-category-arte")
    expect(status).to_have_text("3 servizi trovati")
    assert query_of(page) == [("category", ""), ("municipio", "1")]
