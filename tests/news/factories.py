"""Factories for news pages (factory_boy + wagtail-factories, never load_demo); `news_index`/`news` are shorthand."""

import datetime

import factory
import wagtail_factories

from news.models import NewsIndexPage, NewsPage


class NewsIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = NewsIndexPage

    title = "Notizie"
    slug = "notizie"
    intro = "Novità del progetto."


class NewsPageFactory(wagtail_factories.PageFactory):
    """A news article of 14 October 2026 with a heading in its body; `tags=["a", ...]` tags it."""

    class Meta:
        model = NewsPage
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"notizia-{n}")
    title = factory.LazyAttribute(lambda o: f"Notizia {o.slug}")
    date = datetime.date(2026, 10, 14)
    intro = factory.LazyAttribute(lambda o: f"Sommario di {o.slug}.")
    body = factory.LazyAttribute(lambda o: [("heading", {"text": f"Corpo di {o.slug}", "level": "h2"})])
    image = None
    live = True

    @factory.post_generation
    def tags(self, create, names, **kwargs):
        if names:
            self.tags.add(*names)
            if create:
                self.save()


def news_index(home) -> NewsIndexPage:
    return NewsIndexPageFactory(parent=home)


def news(index, slug, day=datetime.date(2026, 10, 14), tags=(), image=None, live=True, **fields) -> NewsPage:
    return NewsPageFactory(parent=index, slug=slug, date=day, tags=list(tags), image=image, live=live, **fields)
