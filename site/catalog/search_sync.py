"""The catalogue's side of search: service pages as `ServiceDocument`s, and index updates after each commit.

`settings.SEARCH_DOCUMENT_SOURCE` points at `service_documents`. Publishing, unpublishing, deleting or
moving a service page, and publishing or unpublishing a provider page (its name and URL are copied into
its services' documents), schedule `search.sync.update` with the ids concerned on transaction commit:
the index never sees a change that was rolled back, and a failing search server never fails a publish.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.utils.html import strip_tags
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from core.vocabularies import DeliveryMode, Descriptor
from search import sync
from search.documents import ServiceDocument

BATCH = 500


#: What gives services' ratings to their documents: service ids -> {id: (average overall score or None, count)}.
RatingSource = Callable[[list[int]], dict[int, tuple[float | None, int]]]
_rating_sources: list[RatingSource] = []


def register_rating_source(source: RatingSource) -> None:
    """Add a source of ratings (booking registers one from its AppConfig.ready: catalog never imports booking)."""
    if source not in _rating_sources:
        _rating_sources.append(source)


def rating_summary(service_ids: Iterable[int]) -> dict[int, tuple[float | None, int]]:
    """(average overall score, count) of each rated service, from the registered sources (none: no ratings)."""
    ids = list(service_ids)
    summary: dict[int, tuple[float | None, int]] = {}
    for source in _rating_sources:
        summary.update(source(ids))
    return summary


def _live_service_ids(ids: Iterable[int] | None) -> list[int]:
    from catalog.models import ServicePage

    services = ServicePage.objects.live().public().order_by("pk")
    if ids is not None:
        services = services.filter(pk__in=list(ids))
    return list(services.values_list("pk", flat=True))


def _grouped(pairs: Iterable[tuple[int, Any]]) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(value)
    return grouped


def _page_url(url_path: str | None) -> str:
    """A page's URL from its `url_path`, as `page.get_url(None)` computes it (site root paths cached)."""
    return (Page(url_path=url_path).get_url(None) or "") if url_path else ""


def _page_fields() -> tuple[str, ...]:
    return (
        "pk",
        "title",
        "url_path",
        "category",
        "summary",
        "description",
        "age_min",
        "age_max",
        "is_free",
        "price_amount",
        "price_unit",
        "voucher_accepted",
        "first_published_at",
        "provider_page_id",
        "provider_page__title",
        "provider_page__url_path",
        *(mode.field for mode in DeliveryMode),
        *(descriptor.field for descriptor in Descriptor),
    )


def _documents(ids: list[int], ratings: dict[int, tuple[float | None, int]]) -> Iterator[ServiceDocument]:
    """The documents of these live services, read as plain values: 6 queries whatever their number."""
    from catalog.models import (
        ServiceActivity,
        ServiceLocation,
        ServiceMunicipio,
        ServicePage,
        ServiceSession,
        ServiceTag,
    )

    # Where it takes place: its venues' municipi; where it reaches (delivered at home): the municipi it serves.
    venues = _grouped(ServiceLocation.objects.filter(page_id__in=ids).values_list("page_id", "municipio"))
    served = _grouped(ServiceMunicipio.objects.filter(page_id__in=ids).values_list("page_id", "municipio"))
    days = _grouped(ServiceSession.objects.filter(page_id__in=ids).values_list("page_id", "weekday"))
    tags = _grouped(ServiceTag.objects.filter(content_object_id__in=ids).values_list("content_object_id", "tag__name"))
    activities = _grouped(ServiceActivity.objects.filter(page_id__in=ids).values_list("page_id", "name"))
    provider_urls: dict[int, str] = {}
    for row in ServicePage.objects.filter(pk__in=ids).order_by("pk").values(*_page_fields()):
        pk, provider_id = row["pk"], row["provider_page_id"]
        if provider_id is not None and provider_id not in provider_urls:
            provider_urls[provider_id] = _page_url(row["provider_page__url_path"])
        price = row["price_amount"]
        rating = ratings.get(pk, (None, 0))
        yield ServiceDocument(
            id=pk,
            title=row["title"],
            url=_page_url(row["url_path"]),
            category=row["category"],
            provider_id=provider_id or 0,
            provider_name=row["provider_page__title"] or "",
            provider_url=provider_urls.get(provider_id, ""),
            summary=row["summary"],
            description=" ".join(strip_tags(row["description"]).split()),
            municipi=tuple(venues.get(pk, ())) if row[DeliveryMode.VENUE.field] else (),
            reach_municipi=tuple(served.get(pk, ())) if row[DeliveryMode.HOME.field] else (),
            age_min=row["age_min"],
            age_max=row["age_max"],
            price=None if row["is_free"] or price is None else Decimal(price),
            price_unit="" if row["is_free"] else row["price_unit"],
            free=row["is_free"],
            voucher=row["voucher_accepted"],
            delivery=tuple(mode.value for mode in DeliveryMode if row[mode.field]),
            days=tuple(days.get(pk, ())),
            wellbeing={descriptor.value: row[descriptor.field] for descriptor in Descriptor},
            rating_average=rating[0],
            rating_count=rating[1],
            published_at=row["first_published_at"],
            tags=tuple(tags.get(pk, ())) + tuple(activities.get(pk, ())),
        )


def service_documents(ids: Iterable[int] | None = None) -> Iterator[ServiceDocument]:
    """Every live, public service (or those of `ids` still live), read with `values()` (no page objects, no
    prefetches): a fixed number of queries per batch of 500."""
    Site.get_site_root_paths()  # cached once, so page URLs cost no query each
    pks = _live_service_ids(ids)
    for start in range(0, len(pks), BATCH):
        chunk = pks[start : start + BATCH]
        yield from _documents(chunk, rating_summary(chunk))


# Signals ----------------------------------------------------------------------------------------------------------


def schedule(ids: Iterable[int]) -> None:
    """Update these services in the indices once the current transaction commits (at once outside one).

    Robust: an unexpected failure is logged by Django and never turns a publish into an error page.
    """
    ids = sorted(set(ids))
    if ids:
        transaction.on_commit(partial(sync.update, ids), robust=True)


def _service_ids_under(page) -> list[int]:
    from catalog.models import ServicePage

    return list(ServicePage.objects.descendant_of(page, inclusive=True).values_list("pk", flat=True))


def _on_publish_change(sender, instance, **kwargs) -> None:
    from catalog.models import ProviderPage, ServicePage

    if isinstance(instance, ServicePage):
        schedule([instance.pk])
    elif isinstance(instance, ProviderPage):
        schedule(_service_ids_under(instance))


def _on_delete(sender, instance, **kwargs) -> None:
    schedule([instance.pk])


def _on_move(sender, instance, parent_page_after=None, **kwargs) -> None:
    from catalog.models import ProviderPage, ServicePage

    # `instance` is a plain Page here; `sender` is its specific class.
    if issubclass(sender, ServicePage) and parent_page_after is not None:
        # A service moved to another provider belongs to it from now on (the sheet shows that provider).
        new_provider = parent_page_after.specific_deferred
        if isinstance(new_provider, ProviderPage):
            ServicePage.objects.filter(pk=instance.pk).update(provider_page=new_provider)
    schedule(_service_ids_under(instance))


def connect() -> None:
    from catalog.models import ProviderPage, ServicePage

    for model in (ServicePage, ProviderPage):
        page_published.connect(_on_publish_change, sender=model, dispatch_uid=f"search-publish-{model.__name__}")
        page_unpublished.connect(_on_publish_change, sender=model, dispatch_uid=f"search-unpublish-{model.__name__}")
    post_delete.connect(_on_delete, sender=ServicePage, dispatch_uid="search-delete-service")
    post_page_move.connect(_on_move, dispatch_uid="search-move")
