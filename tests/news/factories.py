"""Builders for news pages (never load_demo)."""

import datetime

from news.models import NewsIndexPage, NewsPage


def news_index(home) -> NewsIndexPage:
    return home.add_child(instance=NewsIndexPage(title="Notizie", slug="notizie", intro="Novità del progetto."))


def news(index, slug, day=datetime.date(2026, 10, 14), tags=(), image=None, live=True, **fields) -> NewsPage:
    page = NewsPage(
        title=fields.pop("title", f"Notizia {slug}"),
        slug=slug,
        date=day,
        intro=fields.pop("intro", f"Sommario di {slug}."),
        body=fields.pop("body", [("heading", {"text": f"Corpo di {slug}", "level": "h2"})]),
        image=image,
        live=live,
        **fields,
    )
    page.tags.add(*tags)
    index.add_child(instance=page)
    return page
