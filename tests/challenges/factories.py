"""Factories for the challenges (Sfide) pages (factory_boy + wagtail-factories, never load_demo)."""

import factory
import wagtail_factories

from challenges.models import ChallengeIndexPage, ChallengePage
from core.vocabularies import AgeBand


class ChallengeIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ChallengeIndexPage

    title = "Sfide per la città"
    slug = "sfide"
    intro = "Le sfide."


class ChallengePageFactory(wagtail_factories.PageFactory):
    """Challenge number `number` for every age band; `dimensions=[WellbeingDimension, ...]` links dimensions."""

    class Meta:
        model = ChallengePage

    number = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda o: f"Sfida numero {o.number}")
    slug = factory.LazyAttribute(lambda o: f"sfida-{o.number}")
    age_band = AgeBand.ALL
    description = factory.LazyAttribute(lambda o: f"Descrizione della sfida {o.number}.")
    live = True
    dimensions = factory.LazyFunction(list)


def challenge_index(home) -> ChallengeIndexPage:
    return ChallengeIndexPageFactory(parent=home)


def challenge(index, number, dimensions=(), live=True, **fields) -> ChallengePage:
    return ChallengePageFactory(parent=index, number=number, dimensions=list(dimensions), live=live, **fields)
