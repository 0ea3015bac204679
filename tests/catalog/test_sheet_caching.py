"""The service sheet is cacheable by browsers and proxies, and a provider's services come a page at a time."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Site

from catalog.models import ServiceActivity
from home.models import SiteSettings
from tests.booking.factories import GuardianFactory
from tests.catalog import factories
from tests.catalog.conftest import tree_of, tree_rows
from tests.conftest import build_home_page, module_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _world() -> dict:
    """The catalogue and a provider's live service."""
    rows = tree_rows(build_home_page())
    rows["service"] = factories.service(factories.provider(rows["index"], "Ente della scheda"))
    return rows


# Built once for the module: fresh instances for each test, whose changes roll back with it.
_world_keys, world = module_world(_world)


@pytest.fixture
def tree(world):
    return tree_of(world)


@pytest.fixture
def service(world):
    return world["service"]


def test_anonymous_service_page_is_public_and_sets_no_cookie(client, service):
    response = client.get(service.url)

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    assert not response.cookies
    assert not response.has_header("Set-Cookie")
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_anonymous_visitor_is_sent_to_sign_in_and_back_to_the_sheet(client, service):
    html = client.get(service.url).content.decode()

    login = reverse("account_login")
    assert f'href="{login}?next={service.url}"' in html
    assert f'href="{reverse("booking:request_new")}?servizio={service.pk}"' in html


def test_signed_in_family_gets_a_private_page_and_a_working_basket_form(service):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(GuardianFactory().user)

    response = browser.get(service.url)
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)

    added = browser.post(reverse("booking:basket_add"), {"service": service.pk, "csrfmiddlewaretoken": token})
    assert added.status_code == 302
    assert browser.session["booking_basket"] == [service.pk]


def test_service_page_reads_municipi_once(client, service):
    with CaptureQueriesContext(connection) as queries:
        client.get(service.url)

    municipi = [q for q in queries.captured_queries if "catalog_servicemunicipio" in q["sql"]]
    assert len(municipi) == 1


def test_later_visits_read_no_child_relation_of_the_sheet(client, service):
    SiteSettings.for_site(Site.objects.get())  # created on the first visit otherwise, which starts a new generation
    client.get(service.url)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(service.url).content.decode()

    assert "Improvvisazione" in html
    tables = [q["sql"].split(" FROM ", 1)[-1].split()[0] for q in queries.captured_queries]
    relations = {f'"catalog_{name}"' for name in ("serviceactivity", "servicelocation", "servicemunicipio")}
    assert relations.isdisjoint(tables)
    assert '"taggit_tag"' not in tables


def test_published_change_shows_at_once_despite_the_cached_sheet(client, service):
    client.get(service.url)
    ServiceActivity.objects.create(page=service, name="Commedia dell'arte")
    service.save_revision().publish()

    assert "Commedia dell&#x27;arte" in client.get(service.url).content.decode()


def test_provider_page_lists_twelve_services_per_page(client, tree):
    provider = factories.provider(tree["index"])
    for n in range(14):
        factories.service(provider, title=f"Corso {n:02d}", slug=f"corso-{n}")

    first = client.get(provider.url).content.decode()
    second = client.get(provider.url + "?pagina=2").content.decode()

    cards = re.compile(r'<h3 class="card-title h5"><a href="[^"]*">([^<]*)</a>')
    assert len(cards.findall(first)) == 12
    assert len(cards.findall(second)) == 2
    assert set(cards.findall(first)).isdisjoint(cards.findall(second))
    assert "Servizi da 1 a 12 di 14." in first
    assert 'href="?pagina=2"' in first
    assert 'aria-current="page"' in first
    assert 'href="?pagina=1"' in second


def test_provider_page_out_of_range_shows_the_last_page(client, tree):
    provider = factories.provider(tree["index"])
    factories.service(provider, title="Corso unico", slug="corso-unico")

    response = client.get(provider.url + "?pagina=99")

    assert response.status_code == 200
    assert "Corso unico" in response.content.decode()


def test_a_service_moved_under_another_provider_is_still_found_under_its_new_address(client, tree):
    first = factories.provider(tree["index"], "Ente Uno", number=1)
    second = factories.provider(tree["index"], "Ente Due", number=2)
    service = factories.service(first, slug="teatro")
    service.move(second, pos="last-child")

    assert client.get("/catalogo/enti/ente-due/teatro/").status_code == 200
    old_address = client.get("/catalogo/enti/ente-uno/teatro/")
    assert old_address.status_code == 301
    assert old_address["Location"] == "/catalogo/enti/ente-due/teatro/"


def test_a_cached_sheet_costs_six_queries_routing_included(client, service, django_assert_max_num_queries):
    SiteSettings.for_site(Site.objects.get())
    client.get(service.url)
    # site, home page, the service with its provider, view restrictions (2), breadcrumbs
    with django_assert_max_num_queries(6):
        assert client.get(service.url).status_code == 200


def test_a_draft_sheet_is_not_found_and_its_print_view_neither(client, service):
    service.unpublish()

    assert client.get(service.url).status_code == 404
    assert client.get(service.url + "stampa/").status_code == 404
