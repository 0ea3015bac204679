"""Site search, sitemap.xml, robots.txt and the 404 page, as a visitor sees them."""

import pytest

from home.demo import ensure_child, paragraph, stream
from home.models import ContentPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(home_page):
    live = ensure_child(
        home_page,
        ContentPage,
        "progetto",
        title="Il progetto WISH MI",
        body=stream(paragraph("<p>Le famiglie ricevono un voucher digitale per le attività.</p>")),
    )
    draft = ContentPage(title="Bozza riservata", slug="bozza", live=False, body=stream(paragraph("<p>voucher</p>")))
    home_page.add_child(instance=draft)
    unpublished = ensure_child(home_page, ContentPage, "ritirata", title="Pagina ritirata")
    unpublished.unpublish()
    return live, draft, unpublished


def test_search_finds_a_page_by_a_word_of_its_body(client, pages):
    html = client.get("/cerca/", {"q": "voucher"}).content.decode()

    assert 'role="status"' in html
    assert "1 risultato per «voucher»" in html
    assert 'href="/progetto/"' in html
    assert '<span class="m018-badge m018-badge--info">Pagina</span>' in html  # the result's type, a visitor's word
    assert "Pagina di contenuto" not in html
    assert "Bozza riservata" not in html


def test_search_without_results_says_so_in_italian(client, pages):
    html = client.get("/cerca/", {"q": "ornitorinco"}).content.decode()

    assert "0 risultati per «ornitorinco»" in html
    assert "Nessun risultato" in html
    assert "prova con parole diverse" in html


def test_search_paginates_with_links_keeping_the_query(client, home_page):
    for number in range(12):
        ensure_child(home_page, ContentPage, f"pagina-{number}", title=f"Giardino {number}", intro="Un giardino.")

    html = client.get("/cerca/", {"q": "giardino"}).content.decode()

    assert "12 risultati per «giardino»" in html
    assert 'href="?q=giardino&amp;page=2"' in html
    second = client.get("/cerca/", {"q": "giardino", "page": 2}).content.decode()
    assert second.count('<h2 class="h5 mb-1">') == 2


def test_sitemap_lists_exactly_the_live_pages(client, pages):
    live, draft, unpublished = pages

    xml = client.get("/sitemap.xml").content.decode()

    assert "<loc>http://testserver/</loc>" in xml
    assert f"<loc>{live.full_url}</loc>" in xml
    assert xml.count("<loc>") == 2
    assert draft.url_path not in xml and "/bozza/" not in xml
    assert "/ritirata/" not in xml and not unpublished.live


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")

    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_unknown_page_is_an_italian_404_with_a_way_back(client, home_page):
    response = client.get("/non-esiste-proprio/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Pagina non trovata" in html
    assert 'href="/"' in html
