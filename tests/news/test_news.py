import datetime
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from news.models import NewsIndexPage, NewsPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(home_page):
    return home_page.add_child(instance=NewsIndexPage(title="Notizie", slug="notizie", intro="Novità del progetto."))


def add_news(index, slug, day, tags=(), live=True, **fields):
    page = NewsPage(
        title=fields.pop("title", f"Notizia {slug}"),
        slug=slug,
        date=day,
        intro=fields.pop("intro", f"Sommario di {slug}."),
        body=fields.pop("body", [("heading", {"text": f"Corpo di {slug}", "level": "h2"})]),
        live=live,
        **fields,
    )
    page.tags.add(*tags)
    index.add_child(instance=page)
    return page


def feed_titles(client) -> list[str]:
    response = client.get("/notizie/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return [item.findtext("title") for item in ET.fromstring(response.content).iter("item")]


def test_feed_lists_exactly_the_live_news_newest_first(client, index):
    add_news(index, "vecchia", datetime.date(2022, 9, 12), title="Elenco Milano 0-18: le finestre")
    add_news(index, "recente", datetime.date(2022, 10, 14), title="Pubblicata la graduatoria")
    add_news(index, "bozza", datetime.date(2022, 11, 1), title="Notizia in bozza", live=False)
    withdrawn = add_news(index, "ritirata", datetime.date(2022, 10, 20), title="Notizia ritirata")
    withdrawn.save_revision().publish()
    withdrawn.unpublish()

    assert feed_titles(client) == ["Pubblicata la graduatoria", "Elenco Milano 0-18: le finestre"]


def test_feed_item_date_is_the_news_date(client, index):
    add_news(index, "graduatoria", datetime.date(2022, 10, 14))

    item = ET.fromstring(client.get("/notizie/feed/").content).find("channel/item")

    assert item.findtext("pubDate").startswith("Fri, 14 Oct 2022")


def test_index_and_news_page_advertise_the_feed(client, index):
    add_news(index, "graduatoria", datetime.date(2022, 10, 14))
    link = '<link rel="alternate" type="application/rss+xml"'
    assert link in client.get("/notizie/").content.decode()
    assert link in client.get("/notizie/graduatoria/").content.decode()


def test_tag_filter_shows_only_the_tagged_live_news_and_the_current_tag(client, index):
    add_news(index, "graduatoria", datetime.date(2022, 10, 14), tags=["Voucher digitali"], title="Graduatoria")
    add_news(index, "hub", datetime.date(2022, 11, 8), tags=["Community hub"], title="Co-progettazione hub")
    add_news(index, "bozza", datetime.date(2022, 11, 9), tags=["Voucher digitali", "Bozze"], live=False)

    html = client.get("/notizie/tag/voucher-digitali/").content.decode()

    assert "Graduatoria" in html
    assert "Co-progettazione hub" not in html
    assert "<h1>Notizie: «Voucher digitali»</h1>" in html
    assert '<span aria-current="page">Voucher digitali (1)</span>' in html
    assert 'href="/notizie/tag/community-hub/"' in html
    assert "Bozze" not in html  # tags only on drafts are not offered


def test_unknown_tag_is_a_404(client, index):
    assert client.get("/notizie/tag/non-esiste/").status_code == 404


def test_listing_is_paginated_ten_per_page_with_accessible_navigation(client, index):
    for day in range(1, 13):
        add_news(index, f"notizia-{day}", datetime.date(2022, 10, day), title=f"Notizia del {day} ottobre")

    first = client.get("/notizie/").content.decode()
    second = client.get("/notizie/?page=2").content.decode()
    beyond = client.get("/notizie/?page=99").content.decode()

    assert first.count("m018-news-card") == 10
    assert "Notizia del 12 ottobre" in first and "Notizia del 2 ottobre" not in first
    assert second.count("m018-news-card") == 2
    assert "Notizia del 1 ottobre" in second
    assert 'aria-label="Pagine delle notizie"' in first
    assert 'href="?page=2" aria-current="page"' in second
    assert "Notizia del 1 ottobre" in beyond  # out of range: the last page, not an error


def test_tag_filter_is_paginated_too(client, index):
    for day in range(1, 12):
        add_news(index, f"voucher-{day}", datetime.date(2022, 10, day), tags=["Voucher"])

    html = client.get("/notizie/tag/voucher/?page=2").content.decode()

    assert html.count("m018-news-card") == 1
    assert 'href="?page=1"' in html


def test_news_page_renders_date_intro_body_and_tag_links(client, index):
    add_news(
        index,
        "graduatoria",
        datetime.date(2022, 10, 14),
        tags=["Voucher digitali"],
        title="Voucher digitali: pubblicata la graduatoria definitiva",
        intro="Sono 5.006 le domande ammesse e finanziate.",
    )

    html = client.get("/notizie/graduatoria/").content.decode()

    assert "<h1>Voucher digitali: pubblicata la graduatoria definitiva</h1>" in html
    assert '<time datetime="2022-10-14">14 ottobre 2022</time>' in html
    assert "Sono 5.006 le domande ammesse e finanziate." in html
    assert "Corpo di graduatoria" in html
    assert '<a href="/notizie/tag/voucher-digitali/">Voucher digitali</a>' in html
    assert '<meta property="og:type" content="article">' in html


def test_news_page_image_has_alt_text(client, index, tmp_path, settings):
    from wagtail.images import get_image_model
    from wagtail.images.tests.utils import get_test_image_file

    settings.MEDIA_ROOT = tmp_path
    image = get_image_model().objects.create(
        title="Bambini al parco", description="Bambine e bambini giocano al parco", file=get_test_image_file()
    )
    add_news(index, "parco", datetime.date(2022, 10, 14), image=image)

    html = client.get("/notizie/parco/").content.decode()

    assert 'alt="Bambine e bambini giocano al parco"' in html


def test_listing_queries_do_not_grow_with_the_number_of_news(client, index, django_assert_max_num_queries):
    add_news(index, "prima", datetime.date(2022, 10, 1), tags=["Voucher", "Famiglie"])
    client.get("/notizie/")
    with CaptureQueriesContext(connection) as one:
        client.get("/notizie/")
    for day in range(2, 11):
        add_news(index, f"notizia-{day}", datetime.date(2022, 10, day), tags=["Voucher", f"Tema {day}"])
    with django_assert_max_num_queries(len(one)):
        html = client.get("/notizie/").content.decode()
    assert html.count("m018-news-card") == 10
    with django_assert_max_num_queries(len(one) + 1):  # + looking the tag up
        client.get("/notizie/tag/voucher/")


def test_date_names_follow_the_language(client, index):
    add_news(index, "graduatoria", datetime.date(2022, 10, 14))

    assert "14 ottobre 2022" in client.get("/notizie/graduatoria/").content.decode()
    assert "14 October 2022" in client.get("/en/notizie/graduatoria/").content.decode()
