"""Factories for the minisite's pages and snippets (factory_boy + wagtail-factories, never load_demo).

The short functions (`content_page`, `dimensions_page`, `steps_and_categories`) are shorthand over the factories.
"""

import factory
import wagtail_factories

from core.vocabularies import Category
from home.models import ContentPage, HomeCategory, HomePage, HomeStep, WellbeingDimension, WellbeingDimensionsPage


class WellbeingDimensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WellbeingDimension

    number = factory.Sequence(lambda n: n + 1)
    description = "Che cosa significa per bambine, bambini e ragazzi."
    icon = "it-user"


class ImageFactory(wagtail_factories.ImageFactory):
    """A small real image file, so renditions can be generated."""

    title = factory.Sequence(lambda n: f"Immagine {n}")


class HomePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HomePage

    title = "Milano 0.18"
    slug = "home"
    hero_title = "Milano 0.18"
    hero_text = "Il benessere 0-18."


class ContentPageFactory(wagtail_factories.PageFactory):
    """A content page with one paragraph; `show_in_menus=True` puts it in the main menu."""

    class Meta:
        model = ContentPage

    slug = factory.Sequence(lambda n: f"pagina-{n}")
    title = factory.LazyAttribute(lambda o: f"Pagina {o.slug}")
    intro = factory.LazyAttribute(lambda o: f"Introduzione di {o.slug}.")
    body = factory.LazyFunction(lambda: [("paragraph", "<p>Paragrafo 0.</p>")])


class WellbeingDimensionsPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = WellbeingDimensionsPage

    title = "Dimensioni del benessere"
    slug = "dimensioni"
    intro = "Le sette."


def steps_and_categories(home, count: int) -> None:
    """`count` steps of «Come funziona» and `count` catalogue categories on the home page (codes repeat past 5)."""
    home.steps = [HomeStep(text=f"<p>Passo {n}</p>") for n in range(count)]
    categories = list(Category)
    home.categories = [HomeCategory(code=categories[n % len(categories)]) for n in range(count)]
    home.save()


def content_page(parent, slug="progetto", subpages: int = 0, blocks: int = 1) -> ContentPage:
    """A content page with `blocks` paragraphs and `subpages` live child pages."""
    page = ContentPageFactory(
        parent=parent, slug=slug, body=[("paragraph", f"<p>Paragrafo {n}.</p>") for n in range(blocks)]
    )
    for n in range(subpages):
        ContentPageFactory(parent=page, title=f"Sottopagina {n}", slug=f"{slug}-{n}", intro="Una sottopagina.", body=[])
    return page


def dimensions_page(home) -> WellbeingDimensionsPage:
    return WellbeingDimensionsPageFactory(parent=home)
