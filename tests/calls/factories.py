"""Builders for the calls (Avvisi) pages (never load_demo)."""

import datetime
from zoneinfo import ZoneInfo

import wagtail_factories

from calls.models import CallDocument, CallIndexPage, CallPage, CallWindow

ROME = ZoneInfo("Europe/Rome")


def call_index(home) -> CallIndexPage:
    return home.add_child(instance=CallIndexPage(title="Avvisi", slug="avvisi", intro="Gli avvisi."))


def call(index, slug, windows: int = 1, documents: int = 0, **fields) -> CallPage:
    """A call with `windows` monthly submission windows from September 2026 and `documents` attachments."""
    page = CallPage(
        title=fields.pop("title", f"Avviso {slug}"),
        slug=slug,
        intro=fields.pop("intro", f"Sommario dell'avviso {slug}."),
        **fields,
    )
    start = datetime.datetime(2026, 9, 1, 9, 0, tzinfo=ROME)
    page.windows = [
        CallWindow(
            label=f"Finestra {n + 1}",
            opens_at=start + datetime.timedelta(days=30 * n),
            closes_at=start + datetime.timedelta(days=30 * n + 20),
        )
        for n in range(windows)
    ]
    page.documents = [
        CallDocument(document=wagtail_factories.DocumentFactory(title=f"Allegato {n}"), title=f"Allegato {n}")
        for n in range(documents)
    ]
    index.add_child(instance=page)
    return page
