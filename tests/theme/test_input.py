"""Bad input at the edge: control characters never reach a record or break an XML/JSON output, odd ids and keys
never give a 500 (issue 18, items 8 and 9)."""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from booking.models import Order, Payment
from news.models import NewsIndexPage, NewsPage
from tests.booking.factories import ChildFactory, make_request, quoted, service_setup
from tests.catalog import factories as catalog
from theme.input import parse_id, strip_control_characters

pytestmark = pytest.mark.django_db
CONTROL = "\x00\x01\x08\x0b\x0c\x1b\x7f"
STORED = CONTROL[1:]  # what a record can hold (PostgreSQL refuses NUL), e.g. written before input was cleaned


@pytest.fixture
def market(home_page):
    provider, service, staff = service_setup(home_page)
    return {"provider": provider, "service": service, "staff": staff}


def test_strip_control_characters_keeps_tabs_newlines_and_every_letter():
    assert strip_control_characters(f"Città{CONTROL} è\tbella\r\n") == "Città è\tbella\r\n"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("42", 42),
        (" 7 ", 7),
        ("0", None),
        ("-1", None),
        ("1e3", None),
        ("²", None),
        ("9" * 19, None),
        ("9" * 5000, None),
    ],
)
def test_parse_id_accepts_only_small_ascii_numbers(value, expected):
    assert parse_id(value) == expected


def test_a_news_with_control_characters_keeps_the_feed_valid_xml(client, home_page):
    index = home_page.add_child(instance=NewsIndexPage(title="Notizie", slug="notizie", intro=f"Novità{STORED}"))
    news = NewsPage(title=f"Titolo{STORED}", slug="n", date=datetime.date(2026, 5, 4), intro="Sommario\x0bdue")
    news.tags.add(f"tag{STORED}")
    index.add_child(instance=news)
    response = client.get("/notizie/feed/")
    assert response.status_code == 200
    item = ET.fromstring(response.content).find("channel/item")
    assert (item.findtext("title"), item.findtext("description")) == ("Titolo", "Sommariodue")


def test_the_sitemap_stays_valid_xml_with_control_characters_in_titles(client, home_page):
    home_page.add_child(instance=NewsIndexPage(title=f"Notizie{STORED}", slug="notizie", intro=STORED))
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert ET.fromstring(response.content) is not None


def test_json_ld_and_the_api_stay_valid_json_with_control_characters(client, home_page):
    _catalog, _categories, index = catalog.catalog_tree(home_page)
    provider = catalog.provider(index, f"Ente{STORED}")
    service = catalog.service(provider, title=f"Teatro{STORED}", summary=f"Voce\x0be corpo{STORED}")
    page = client.get(service.url)
    assert page.status_code == 200
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page.text, re.S).group(1)
    assert json.loads(script)["description"] == f"Voce\x0be corpo{STORED}"  # escaped as \u000b, valid JSON
    api = client.get("/api/v1/services/")
    assert api.status_code == 200 and json.loads(api.content)


def test_control_characters_typed_in_an_admin_form_are_stripped_before_saving(client, home_page):
    application = catalog.RegisterApplicationFactory(organisation_name="Teatro")
    admin = get_user_model().objects.create_superuser("comune", "comune@example.org", "una-password-lunga-42")
    client.force_login(admin)
    reason = f"Manca\x0b lo statuto{CONTROL}.\r\nRiprovate."
    response = client.post(reverse("register_applications:reject", args=[application.pk]), {"reason": reason})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.rejection_reason == "Manca lo statuto.\r\nRiprovate."


def test_control_characters_in_a_family_form_are_stripped_before_saving(client, market):
    request = make_request(market["service"])
    client.force_login(request.guardian.user)
    client.post(reverse("booking:request", args=[request.pk]), {"body": "Buongiorno\x00,\x0b a presto"})
    assert request.messages.get().body == "Buongiorno, a presto"


@pytest.mark.parametrize("query", ["%00", "%22", "%22%22%22", "(", "*", "NEAR(", "a%00b", "%27%3B--", "-", "^"])
def test_site_search_answers_every_query_without_a_server_error(client, home_page, query):
    response = client.get(f"/cerca/?q={query}")
    assert response.status_code == 200


def test_a_huge_service_id_on_the_request_form_is_no_service(client, market):
    child = ChildFactory()
    client.force_login(child.guardian.user)
    response = client.get(reverse("booking:request_new") + "?servizio=" + "9" * 5000)
    assert response.status_code == 302
    response = client.post(reverse("booking:basket_add"), {"service": "9" * 5000})
    assert response.status_code == 404


def test_a_huge_service_id_in_the_providers_request_list_filters_nothing(client, market):
    make_request(market["service"])
    client.force_login(market["staff"])
    response = client.get(reverse("booking_provider_requests") + "?servizio=" + "9" * 5000)
    assert response.status_code == 200


@pytest.mark.parametrize("length", [65, 93, 100, 500])
def test_an_overlong_payment_attempt_key_is_refused_without_paying(client, market, length):
    child = ChildFactory()
    quote = quoted(market["service"], market["staff"], child=child)
    client.force_login(child.guardian.user)
    client.post(reverse("booking:quote_decide", args=[quote.request.pk]), {"decision": "accept"})
    order = Order.objects.get(quote=quote)
    response = client.post(
        reverse("booking:order_pay", args=[order.pk]), {"method": "card", "attempt_key": "k" * length}
    )
    # The choice comes back with the pay form to send again; nothing was paid.
    assert response.status_code == 200
    assert not Payment.objects.filter(order=order).exists()
    assert "La pagina di pagamento non è più valida: ricaricala e riprova." in response.text
