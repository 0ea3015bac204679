"""Builders for the challenges (Sfide) pages (never load_demo)."""

from challenges.models import ChallengeIndexPage, ChallengePage
from core.vocabularies import AgeBand


def challenge_index(home) -> ChallengeIndexPage:
    return home.add_child(instance=ChallengeIndexPage(title="Sfide per la città", slug="sfide", intro="Le sfide."))


def challenge(index, number, dimensions=(), live=True, **fields) -> ChallengePage:
    page = ChallengePage(
        title=fields.pop("title", f"Sfida numero {number}"),
        slug=f"sfida-{number}",
        number=number,
        age_band=fields.pop("age_band", AgeBand.ALL),
        description=fields.pop("description", f"Descrizione della sfida {number}."),
        live=live,
        **fields,
    )
    page.dimensions = list(dimensions)
    index.add_child(instance=page)
    return page
