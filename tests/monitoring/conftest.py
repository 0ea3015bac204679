"""A small world for the monitoring: two challenges touching three dimensions, three services, a staff user.

Service "both" names both challenges, which share dimension 2: it must count once for that dimension.
"""

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from catalog.models import ProviderPage, ServicePage
from challenges.models import ChallengeIndexPage, ChallengePage
from home.models import WellbeingDimension
from tests.catalog import factories as catalog
from tests.conftest import build_home_page, kept_for_the_module


def build_world(home_page):
    """The challenges, dimensions, provider, services and provider staff of the monitoring's tests."""
    dimensions = {n: WellbeingDimension.objects.create(number=n) for n in (1, 2, 3)}
    index = home_page.add_child(instance=ChallengeIndexPage(title="Sfide", slug="sfide"))
    challenges = {}
    for number, dims in ((1, (1, 2)), (2, (2, 3))):
        page = ChallengePage(
            title=f"Sfida di prova {number}", slug=f"sfida-{number}", number=number, age_band="0-18", description="."
        )
        page.dimensions = [dimensions[d] for d in dims]
        challenges[number] = index.add_child(instance=page)
    _catalog, _categories, providers = catalog.catalog_tree(home_page)
    provider = catalog.provider(providers, "Ente Uno", number=1)
    one = catalog.service(provider, title="Teatro", age_min=6, age_max=14)
    one.challenges = [challenges[1]]
    one.save()
    both = catalog.service(provider, title="Calcio", category="sport", age_min=6, age_max=17, descriptor_body=5)
    both.challenges = [challenges[1], challenges[2]]
    both.save()
    none = catalog.service(provider, title="Robotica", category="stem", age_min=10, age_max=17)
    staff = catalog.provider_user("ente-uno", provider)
    return SimpleNamespace(
        provider=provider, services=[one, both, none], staff=staff, challenges=challenges, dimensions=dimensions
    )


@pytest.fixture
def world(home_page):
    return build_world(home_page)


@pytest.fixture(scope="module")
def _world_keys(django_db_setup, django_db_blocker):
    with kept_for_the_module(django_db_blocker):
        world = build_world(build_home_page())
        yield SimpleNamespace(
            provider=world.provider.pk,
            services=[service.pk for service in world.services],
            staff=world.staff.pk,
            challenges={number: page.pk for number, page in world.challenges.items()},
            dimensions={number: dimension.pk for number, dimension in world.dimensions.items()},
        )


@pytest.fixture
def world_of_the_module(db, _world_keys):
    """`world` built once for the module (`kept_for_the_module`): fresh instances of its rows for each test, and an
    empty cache (the public page's figures are cached, and a test's rolled-back rows must not reach the next one
    through them)."""
    cache.clear()
    keys = _world_keys
    return SimpleNamespace(
        provider=ProviderPage.objects.get(pk=keys.provider),
        services=[ServicePage.objects.get(pk=pk) for pk in keys.services],
        staff=get_user_model().objects.get(pk=keys.staff),
        challenges={number: ChallengePage.objects.get(pk=pk) for number, pk in keys.challenges.items()},
        dimensions={number: WellbeingDimension.objects.get(pk=pk) for number, pk in keys.dimensions.items()},
    )
