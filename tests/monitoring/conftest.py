"""A small world for the monitoring: two challenges touching three dimensions, three services, a staff user.

Service "both" names both challenges, which share dimension 2: it must count once for that dimension.
"""

from types import SimpleNamespace

import pytest

from challenges.models import ChallengeIndexPage, ChallengePage
from home.models import WellbeingDimension
from tests.catalog import factories as catalog


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
