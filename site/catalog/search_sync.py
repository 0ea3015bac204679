"""The catalogue's side of search: service pages as `ServiceDocument`s, and index updates after each commit.

`settings.SEARCH_DOCUMENT_SOURCE` points at `service_documents`. Publishing, unpublishing, deleting or
moving a service page, and publishing or unpublishing a provider page (its name and URL are copied into
its services' documents), schedule `search.sync.update` with the ids concerned on transaction commit:
the index never sees a change that was rolled back, and a failing search server never fails a publish.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.db.models import Prefetch
from django.db.models.signals import post_delete
from django.utils.html import strip_tags
from wagtail.models import Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from search import sync
from search.documents import ServiceDocument

BATCH = 500
#: ServicePage field of each wellbeing descriptor code of the search documents.
DESCRIPTOR_FIELDS = {
    "body": "descriptor_body",
    "relationships": "descriptor_relationships",
    "knowledge": "descriptor_knowledge",
    "creativity": "descriptor_creativity",
    "self_determination": "descriptor_self_determination",
}


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


def _with_relations(ids: list[int]):
    from catalog.models import ServiceMunicipio, ServicePage, ServiceSession

    return (
        ServicePage.objects.filter(pk__in=ids)
        .select_related("provider_page")
        .prefetch_related(
            Prefetch("served_municipi", queryset=ServiceMunicipio.objects.only("page_id", "municipio")),
            Prefetch("sessions", queryset=ServiceSession.objects.only("page_id", "weekday")),
            "activities",
            "tags",
        )
        .order_by("pk")
    )


def service_document(page, rating: tuple[float | None, int] = (None, 0)) -> ServiceDocument:
    """One live service page as the search engines see it (its relations prefetched by the caller)."""
    provider = page.provider_page
    delivery = (("sede", page.at_premises), ("domicilio", page.at_home), ("online", page.online))
    return ServiceDocument(
        id=page.pk,
        title=page.title,
        url=page.get_url(None) or "",
        category=page.category,
        provider_id=provider.pk if provider else 0,
        provider_name=provider.title if provider else "",
        provider_url=(provider.get_url(None) or "") if provider else "",
        summary=page.summary,
        description=" ".join(strip_tags(page.description).split()),
        municipi=tuple(row.municipio for row in page.served_municipi.all()),
        age_min=page.age_min,
        age_max=page.age_max,
        price=None if page.is_free or page.price_amount is None else Decimal(page.price_amount),
        price_unit="" if page.is_free else page.price_unit,
        free=page.is_free,
        voucher=page.voucher_accepted,
        delivery=tuple(code for code, on in delivery if on),
        days=tuple(row.weekday for row in page.sessions.all()),
        wellbeing={code: getattr(page, name) for code, name in DESCRIPTOR_FIELDS.items()},
        rating_average=rating[0],
        rating_count=rating[1],
        published_at=page.first_published_at,
        tags=tuple(tag.name for tag in page.tags.all()) + tuple(row.name for row in page.activities.all()),
    )


def service_documents(ids: Iterable[int] | None = None) -> Iterator[ServiceDocument]:
    """Every live, public service (or those of `ids` still live): a fixed number of queries per batch of 500."""
    Site.get_site_root_paths()  # cached once, so page URLs cost no query each
    pks = _live_service_ids(ids)
    for start in range(0, len(pks), BATCH):
        chunk = pks[start : start + BATCH]
        ratings = rating_summary(chunk)
        for page in _with_relations(chunk):
            yield service_document(page, rating=ratings.get(page.pk, (None, 0)))


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
