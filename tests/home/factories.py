"""Builders for the minisite's pages and snippets: each builds only what it is asked for (never load_demo)."""

import factory
import wagtail_factories

from core.vocabularies import Category
from home.models import ContentPage, HomeCategory, HomeStep, WellbeingDimension, WellbeingDimensionsPage


class WellbeingDimensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WellbeingDimension

    number = factory.Sequence(lambda n: n + 1)
    description = "Che cosa significa per bambine, bambini e ragazzi."
    icon = "it-user"


class ImageFactory(wagtail_factories.ImageFactory):
    """A small real image file, so renditions can be generated."""

    title = factory.Sequence(lambda n: f"Immagine {n}")


def steps_and_categories(home, count: int) -> None:
    """`count` steps of «Come funziona» and `count` catalogue categories on the home page (codes repeat past 5)."""
    home.steps = [HomeStep(text=f"<p>Passo {n}</p>") for n in range(count)]
    categories = list(Category)
    home.categories = [HomeCategory(code=categories[n % len(categories)]) for n in range(count)]
    home.save()


def content_page(parent, slug="progetto", subpages: int = 0, blocks: int = 1) -> ContentPage:
    """A content page with `blocks` paragraphs and `subpages` live child pages."""
    page = parent.add_child(
        instance=ContentPage(
            title=f"Pagina {slug}",
            slug=slug,
            intro=f"Introduzione di {slug}.",
            body=[("paragraph", f"<p>Paragrafo {n}.</p>") for n in range(blocks)],
        )
    )
    for n in range(subpages):
        page.add_child(instance=ContentPage(title=f"Sottopagina {n}", slug=f"{slug}-{n}", intro="Una sottopagina."))
    return page


def dimensions_page(home) -> WellbeingDimensionsPage:
    return home.add_child(
        instance=WellbeingDimensionsPage(title="Dimensioni del benessere", slug="dimensioni", intro="Le sette.")
    )
