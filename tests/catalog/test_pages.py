"""What citizens see: the service sheet, the radar chart, category listings and the challenge include."""

import datetime
import json
import math
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from catalog.queries import live_services_for_challenge
from catalog.radar import radar_chart
from catalog.search_page import PAGE_SIZE
from challenges.models import ChallengeIndexPage, ChallengePage
from core.vocabularies import Category
from search import sync
from tests.catalog import factories
from tests.catalog.conftest import tree_of, tree_rows
from tests.conftest import build_home_page, module_world

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def _challenge(index, number):
    return index.add_child(
        instance=ChallengePage(
            title="Disabilità, bisogni educativi speciali", number=number, age_band="0-18", description="Sfida 6."
        )
    )


def _world() -> dict:
    """The catalogue, the challenges' index and a full sheet addressing challenge 6."""
    home = build_home_page()
    rows = tree_rows(home)
    rows["challenges"] = home.add_child(instance=ChallengeIndexPage(title="Sfide", slug="sfide"))
    provider = factories.provider(rows["index"], name="Ente Uno Nome Lungo")
    sheet = factories.service(provider)
    sheet.challenges = [_challenge(rows["challenges"], 6)]
    sheet.tags.add("teatro")
    sheet.save()
    rows["sheet"] = sheet
    return rows


# Built once for the module: fresh instances for each test, whose changes roll back with it.
_world_keys, world = module_world(_world)


@pytest.fixture
def tree(world):
    return tree_of(world)


@pytest.fixture
def challenge(world):
    """A challenge of its own for each test (no service addresses it), beside the sheet's."""
    return _challenge(world["challenges"], 7)


@pytest.fixture
def sheet(world):
    return world["sheet"]


def test_service_page_renders_every_field_of_the_sheet(client, sheet):
    response = client.get(sheet.url)
    assert response.status_code == 200
    html = response.content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    text = re.sub(r"\( ", "(", re.sub(r" ([,)])", r"\1", text))  # a label's own <span> is not a space
    expected = [
        "Corsi di teatro",
        "Arte",
        "Ente Uno Nome Lungo",
        "Laboratorio teatrale per esprimersi con la voce e il corpo.",
        "Improvvisazione, voce e movimento in gruppo.",
        "Bambine e bambini, ragazze e ragazzi da 6 a 14 anni, Persone con disabilità, Bisogni educativi speciali (BES)",
        "Improvvisazione",
        "Dizione",
        "In sede, A domicilio",
        "Teatro di quartiere, Via Ripamonti 10, Milano (Municipio 5)",
        "Municipio 5 — Vigentino, Chiaravalle, Gratosoglio",
        "Municipio 6 — Barona, Lorenteggio",
        "Attore e formatore teatrale",
        "1 anno",
        "Referenze sì",
        "€ 25,00 a incontro",
        "dal 1 settembre 2026 al 31 luglio 2027",
        "Singola o condivisa",
        "3-5 € 20,00",
        "Voucher Milano 0.18 accettato",
        "Per attivare il servizio è necessario un colloquio telefonico.",
        "Lunedì 09:00-13:00 / 14:00-17:30",
        "Venerdì 09:00-13:00 / 14:00-17:30",
        "Sabato --- chiuso",
        "Domenica --- chiuso",
        "Massimo 5 giorni lavorativi",
        "dal 1 ottobre 2026 al 31 maggio 2027",
        "Mercoledì 17:00-18:30",
        "Sabato 10:00-12:00",
        "Posti disponibili 12",
        "Disabilità, bisogni educativi speciali",
        "teatro",
        "Giulia Rossi",
        "Stampa",
    ]
    missing = [value for value in expected if value not in text]
    assert missing == []


def test_descriptors_are_dots_with_a_text_for_screen_readers(client, sheet):
    html = client.get(sheet.url).content.decode()
    assert '<span class="m018-dots" aria-hidden="true">●●●○○</span><span class="visually-hidden">3 su 5</span>' in html
    assert '●●●●●</span><span class="visually-hidden">5 su 5' in html
    assert '○○○○○</span><span class="visually-hidden">0 su 5' in html
    assert "Corpo e movimento: 3 su 5; Relazioni: 5 su 5" in html


def test_json_ld_describes_the_service_and_its_offer(client, sheet):
    html = client.get(sheet.url).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "Service"
    assert data["name"] == "Corsi di teatro"
    assert data["provider"]["name"] == "Ente Uno Nome Lungo APS"
    assert data["offers"] == {
        "@type": "Offer",
        "price": "25.00",
        "priceCurrency": "EUR",
        "description": "€ 25,00 a incontro",
        "availability": "https://schema.org/InStock",
        "priceSpecification": {
            "@type": "UnitPriceSpecification",
            "price": "25.00",
            "priceCurrency": "EUR",
            "unitText": "a incontro",
            "referenceQuantity": {
                "@type": "QuantitativeValue",
                "value": 1,
                "unitCode": "C62",
                "unitText": "a incontro",
            },
        },
        "validFrom": "2026-09-01",
        "priceValidUntil": "2027-07-31",
    }
    assert data["audience"]["suggestedMinAge"] == 6


def test_print_view_has_the_print_button_and_is_not_indexed(client, sheet):
    response = client.get(sheet.url + "stampa/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "data-m018-print" in html and "onclick=" not in html  # a handler in milano018.js: CSP forbids inline ones
    assert '<meta name="robots" content="noindex">' in html
    assert "Massimo 5 giorni lavorativi" in html


def test_radar_svg_is_valid_xml_and_points_match_the_scores(client, sheet):
    html = client.get(sheet.url).content.decode()
    svg = re.search(r"<svg class=\"m018-radar\".*?</svg>", html, re.S).group(0)
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}desc").text.startswith("Corpo e movimento: 3 su 5")
    area = next(p for p in root.iter(f"{SVG}polygon") if p.get("class") == "area")
    points = [tuple(map(float, pair.split(","))) for pair in area.get("points").split()]
    chart = radar_chart([("a", 3), ("b", 5), ("c", 2), ("d", 4), ("e", 0)])
    assert points == chart.points
    distances = [round(math.dist(point, (chart.center, chart.center)) / chart.radius * 5, 1) for point in points]
    assert distances == [3, 5, 2, 4, 0]


def test_radar_geometry_first_axis_points_up_and_scores_are_clamped():
    chart = radar_chart([("a", 5), ("b", 9), ("c", -1)], size=200)
    (x0, y0), (x1, y1), (x2, y2) = chart.points
    assert (x0, y0) == (100.0, round(100 - chart.radius, 2))
    assert round(math.dist((x1, y1), (100, 100)), 1) == round(chart.radius, 1)
    assert (x2, y2) == (100.0, 100.0)
    assert len(chart.rings) == 5


def test_service_sheet_validation_in_italian(tree):
    provider = factories.provider(tree["index"])
    with pytest.raises(ValidationError) as error:
        factories.service(provider, age_min=12, age_max=8)
    assert "L'età massima non può essere inferiore all'età minima." in error.value.message_dict["age_max"]
    with pytest.raises(ValidationError) as error:
        factories.service(provider, slug="b", price_amount=None)
    assert "price_amount" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        factories.service(provider, slug="c", age_max=19)
    assert "age_max" in error.value.message_dict
    free = factories.service(provider, slug="d", is_free=True, price_amount=None, price_unit="")
    assert free.price_label() == "Gratuito"


def _services(provider, count, category=Category.ARTE, start=0):
    """Live services, indexed as publishing them would (the category page lists the search index)."""
    pages = [
        factories.service(
            provider,
            title=f"Servizio {start + i}",
            slug=f"servizio-{start + i}",
            category=category,
            published_at=datetime.datetime(2026, 9, 1, tzinfo=datetime.UTC) + datetime.timedelta(days=start + i),
        )
        for i in range(count)
    ]
    sync.update(page.pk for page in pages)
    return pages


def test_category_page_lists_live_services_of_its_category_newest_first(client, tree):
    provider = factories.provider(tree["index"])
    _services(provider, 3)
    nuoto = factories.service(provider, title="Nuoto", slug="nuoto", category=Category.SPORT)
    draft = factories.service(provider, title="Bozza di teatro", slug="bozza", live=False)
    sync.update([nuoto.pk, draft.pk])
    html = client.get(tree["categories"][Category.ARTE].url).content.decode()
    assert "3 servizi trovati" in html
    assert html.index("Servizio 2") < html.index("Servizio 1") < html.index("Servizio 0")
    assert "Nuoto" not in html
    assert "Bozza di teatro" not in html


def test_category_page_is_paginated(client, tree):
    provider = factories.provider(tree["index"])
    _services(provider, PAGE_SIZE + 1)
    category = tree["categories"][Category.ARTE]
    second = client.get(category.url, {"page": 2}).content.decode()
    assert "Servizio 0" in second
    assert "Servizio 1<" not in second
    assert "Pagina 2 di 2" in second


def test_category_listing_query_count_does_not_grow_with_the_page(client, tree, django_assert_max_num_queries):
    provider = factories.provider(tree["index"])
    other = factories.provider(tree["index"], name="Ente Due", number=2)
    category = tree["categories"][Category.ARTE]
    _services(provider, 2)
    client.get(category.url)  # warm the site-root and settings caches
    with django_assert_max_num_queries(20) as few:
        client.get(category.url)
    _services(other, PAGE_SIZE, start=10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(category.url)
    assert response.content.decode().count("card-title") == PAGE_SIZE


def test_challenge_include_lists_live_services_addressing_it(tree, challenge, rf, django_assert_num_queries):
    provider = factories.provider(tree["index"])
    addressed = factories.service(provider, title="Teatro inclusivo", slug="teatro-inclusivo")
    addressed.challenges = [challenge]
    addressed.save()
    draft = factories.service(provider, title="Bozza inclusiva", slug="bozza", live=False)
    draft.challenges = [challenge]
    draft.save()
    factories.service(provider, title="Altro servizio", slug="altro")
    with django_assert_num_queries(3):  # view restrictions, services with providers, municipi
        services = live_services_for_challenge(challenge)
        [s.municipio_labels() for s in services]
    assert [s.title for s in services] == ["Teatro inclusivo"]
    html = render_to_string("catalog/includes/challenge_services.html", {"challenge": challenge}, request=rf.get("/"))
    assert "Teatro inclusivo" in html
    assert "Bozza inclusiva" not in html
    assert "Altro servizio" not in html


def test_challenge_include_says_when_there_is_nothing(challenge, rf):
    html = render_to_string("catalog/includes/challenge_services.html", {"challenge": challenge}, request=rf.get("/"))
    assert "Non ci sono ancora servizi pubblicati" in html


def test_catalogue_index_and_provider_page(client, tree, sheet):
    index_html = client.get(tree["catalog"].url).content.decode()
    assert "Sport" in index_html and "Arte" in index_html
    provider_html = client.get(sheet.get_parent().url).content.decode()
    assert "Corsi di teatro" in provider_html
    assert "Ente del Terzo Settore" in provider_html
    assert Decimal("25.00") == sheet.price_amount
