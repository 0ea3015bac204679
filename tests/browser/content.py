"""What the browser tests need on top of `load_demo`: one challenge, one news article and one hub.

Each is created only when the demo content does not already have one, so once every app ships its demo
content these helpers add nothing and the tests walk the real demo site.
"""

from decimal import Decimal

from django.conf import settings
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from wagtail.models import Locale, Page
from wagtail.rich_text import RichText

from challenges.models import ChallengeIndexPage, ChallengePage
from home.models import HomePage
from hubs.models import HubIndexPage, HubPage
from news.models import NewsIndexPage, NewsPage

STAND_IN_TEMPLATES = settings.BASE_DIR / "tests" / "browser" / "templates"
SECTION_TEMPLATES = [
    "challenges/challenge_index_page.html",
    "challenges/challenge_page.html",
    "news/news_index_page.html",
    "news/news_page.html",
    "hubs/hub_index_page.html",
    "hubs/hub_page.html",
]


def missing_section_templates() -> list[str]:
    missing = []
    for name in SECTION_TEMPLATES:
        try:
            get_template(name)
        except TemplateDoesNotExist:
            missing.append(name)
    return missing


def ensure_tree_root() -> None:
    """Recreate what Wagtail's migrations insert (default locale, root page) after a transactional test's flush."""
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))


def _index(model, title: str, slug: str):
    index = model.objects.live().first()
    if index is None:
        index = HomePage.objects.get().add_child(instance=model(title=title, slug=slug, show_in_menus=True))
    return index


def ensure_sections() -> None:
    if not ChallengePage.objects.live().exists():
        _index(ChallengeIndexPage, "Le sfide per la città", "sfide").add_child(
            instance=ChallengePage(
                title="Partecipazione ad attività extra-scolastiche",
                slug="attivita-extra-scolastiche",
                number=2,
                age_band=ChallengePage.AgeBand.CHILDHOOD,
                description="Favorire la partecipazione di bambine e bambini ad attività extra-scolastiche.",
            )
        )
    if not NewsPage.objects.live().exists():
        _index(NewsIndexPage, "Notizie", "notizie").add_child(
            instance=NewsPage(
                title="Aperti i community hub",
                slug="aperti-i-community-hub",
                intro="I sette community hub sono i punti di accesso fisico al sistema Milano 0.18.",
                body=[("paragraph", RichText("<p>Gli hub forniscono informazioni e accesso ai servizi.</p>"))],
            )
        )
    if not HubPage.objects.live().exists():
        _index(HubIndexPage, "Community hub", "community-hub").add_child(
            instance=HubPage(
                title="Hub Municipio 1",
                slug="hub-municipio-1",
                description="Un punto di accesso al sistema Milano 0.18 nel Municipio 1.",
                address="Piazza della Scala 2, Milano",
                municipio=1,
                latitude=Decimal("45.467250"),
                longitude=Decimal("9.189670"),
            )
        )
