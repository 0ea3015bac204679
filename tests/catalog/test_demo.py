"""The demo catalogue: deterministic, idempotent, every workflow state for the demo provider accounts.

A small catalogue (5 providers) is loaded once for this module, in a transaction rolled back at the end; each test runs
in a savepoint of its own inside it (`kept_for_the_module`).
"""

import io
import random

import pytest
from django.core.cache import cache
from wagtail.models import WorkflowState

from catalog import demo
from catalog.models import CategoryPage, ProviderPage, ServicePage
from tests.conftest import build_home_page, kept_for_the_module

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _small_demo(django_db_setup, django_db_blocker):
    """The demo catalogue with 5 providers (PROVIDERS, for the whole module) on a bare home page; what it printed."""
    with pytest.MonkeyPatch.context() as patch, kept_for_the_module(django_db_blocker):
        patch.setattr(demo, "PROVIDERS", 5)
        build_home_page()
        out = io.StringIO()
        demo.load(out)
        yield out.getvalue()


@pytest.fixture
def small_demo(_small_demo, db) -> str:
    """What the module's load printed; the cache starts empty (a test's pages may have cached what it saw)."""
    cache.clear()
    return _small_demo


def test_demo_builds_the_catalogue_with_every_workflow_state(small_demo, client):
    assert "50 nuove schede servizio" in small_demo
    assert sorted(CategoryPage.objects.values_list("slug", flat=True)) == sorted(
        ["sport", "arte", "stem", "salute", "scuola-plus"]
    )
    assert ProviderPage.objects.count() == 5
    assert ServicePage.objects.count() == 50
    owned = ServicePage.objects.filter(owner__username="ente1")
    assert owned.filter(live=False).exists()
    assert WorkflowState.objects.filter(
        object_id__in=[str(pk) for pk in owned.values_list("pk", flat=True)], status=WorkflowState.STATUS_IN_PROGRESS
    ).exists()
    assert ServicePage.objects.child_of(owned.first().get_parent()).live().count() >= 8
    assert client.login(username="ente1", password=demo.DEMO_PASSWORD)
    live = ServicePage.objects.live().first()
    assert client.get(live.url).status_code == 200
    assert client.get("/catalogo/sport/").status_code == 200


def test_demo_is_idempotent_and_deterministic(small_demo):
    before = list(ServicePage.objects.order_by("path").values_list("title", "price_amount", "age_min"))
    out = io.StringIO()
    demo.load(out)
    assert "0 nuove schede servizio" in out.getvalue()
    assert list(ServicePage.objects.order_by("path").values_list("title", "price_amount", "age_min")) == before
    assert demo.partita_iva(1000) == demo.partita_iva(1000)
    first = demo._service(random.Random(demo.SEED), 0, "arte", {})[0]
    again = demo._service(random.Random(demo.SEED), 0, "arte", {})[0]
    assert (first.title, first.price_amount, first.age_min) == (again.title, again.price_amount, again.age_min)


def test_demo_services_make_sense_to_the_city(small_demo):
    """Ages fit the activity, staff and tags fit the service, providers have real-looking names and offer
    services only in the categories they were admitted for."""
    services = list(ServicePage.objects.select_related("provider_page"))
    for service in services:
        assert 0 <= service.age_min <= service.age_max <= 18
        if service.title.startswith("Judo"):
            assert service.age_min >= 8, service.title
        if service.title.startswith("Gioco danza"):
            assert service.age_max <= 6, service.title
        if service.title.startswith("Psicomotricità"):
            assert service.staff_qualification == "Psicomotricista"
        provider = service.provider_page
        assert service.category in {row.category for row in provider.categories.all()}, (service, provider)
    names = list(ProviderPage.objects.values_list("title", flat=True))
    assert len(set(names)) == len(names)
    assert not [name for name in names if name.split()[-1].isdigit()]
    swimming = ServicePage.objects.filter(title__startswith="Corso di nuoto").first()
    if swimming:
        assert "piscina" in {tag.name for tag in swimming.tags.all()}
