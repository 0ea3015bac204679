"""Factories for the calls (Avvisi) pages (factory_boy + wagtail-factories, never load_demo)."""

import datetime
from zoneinfo import ZoneInfo

import factory
import wagtail_factories
from django.utils import timezone

from calls.models import CallDocument, CallIndexPage, CallPage, CallWindow

ROME = ZoneInfo("Europe/Rome")


class CallIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CallIndexPage

    title = "Avvisi"
    slug = "avvisi"
    intro = "Gli avvisi."


def call_windows(count: int) -> list[CallWindow]:
    """`count` submission windows of 20 days, one a month from 1 September 2026, 09:00 Europe/Rome."""
    start = datetime.datetime(2026, 9, 1, 9, 0, tzinfo=ROME)
    return [
        CallWindow(
            label=f"Finestra {n + 1}",
            opens_at=start + datetime.timedelta(days=30 * n),
            closes_at=start + datetime.timedelta(days=30 * n + 20),
        )
        for n in range(count)
    ]


class CallPageFactory(wagtail_factories.PageFactory):
    """A call with `windows` monthly submission windows (default 1) and `documents` attachments (default none)."""

    class Meta:
        model = CallPage

    class Params:
        windows_count = 1
        documents_count = 0

    slug = factory.Sequence(lambda n: f"avviso-{n}")
    title = factory.LazyAttribute(lambda o: f"Avviso {o.slug}")
    intro = factory.LazyAttribute(lambda o: f"Sommario dell'avviso {o.slug}.")
    windows = factory.LazyAttribute(lambda o: call_windows(o.windows_count))
    documents = factory.LazyAttribute(
        lambda o: [
            CallDocument(document=wagtail_factories.DocumentFactory(title=f"Allegato {n}"), title=f"Allegato {n}")
            for n in range(o.documents_count)
        ]
    )


def call_index(home) -> CallIndexPage:
    return CallIndexPageFactory(parent=home)


def call(index, slug, windows: int = 1, documents: int = 0, **fields) -> CallPage:
    return CallPageFactory(parent=index, slug=slug, windows_count=windows, documents_count=documents, **fields)


def register_call(home, windows: list[tuple[str, datetime.datetime, datetime.datetime]], **fields) -> CallPage:
    """A live call marked as the Elenco's (its windows open the register form), under the calls index (created if
    missing), with these (label, opens_at, closes_at) windows."""
    index = CallIndexPage.objects.first() or call_index(home)
    fields.setdefault("slug", "avviso-elenco")
    fields.setdefault("title", "Avviso per l'Elenco Milano 0-18")
    return CallPageFactory(
        parent=index,
        opens_register=True,
        windows=[CallWindow(label=label, opens_at=opens, closes_at=closes) for label, opens, closes in windows],
        **fields,
    )


def open_register_call(home, **fields) -> CallPage:
    """The Elenco's call with a window open now (from yesterday to ten days ahead)."""
    now = timezone.now()
    return register_call(
        home, [("Finestra in corso", now - datetime.timedelta(days=1), now + datetime.timedelta(days=10))], **fields
    )
