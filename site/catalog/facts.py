"""The catalogue's narrow door: what the rest of the site may know about a bookable service and its provider.

`booking` and the programme apps read services and providers only through this module (and hold foreign
keys to them by string label, "catalog.ServicePage", "catalog.ProviderPage"); they never import
`catalog.models`. The facts are frozen snapshots read from the database when asked for: a caller that
needs them again after a change asks again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q

from catalog import search_sync
from catalog.models import CatalogIndexPage, ProviderPage, ServicePage, ServiceSession
from catalog.search_sync import RatingSource
from core.vocabularies import Descriptor
from search.documents import price_text


class ServiceNotFound(LookupError):
    """No service page has this id (views answer 404)."""


@dataclass(frozen=True)
class ProviderFacts:
    """A provider (Scheda Ente) as the booking module sees it."""

    id: int
    name: str
    #: Where booking's notifications to the provider go ("" when the sheet gives none).
    email: str


@dataclass(frozen=True)
class ServiceFacts:
    """A bookable service (Scheda Servizio) as the booking module and the programme apps see it.

    `price` is in EUR, None for a free service (`is_free`) or one without a price yet; `price_unit` is a
    `core.vocabularies.PriceUnit` code ("" when free) and `price_unit_label` its Italian label. Ages are
    completed years, 0-18, both ends included. `weekdays` are the `Weekday` codes (0 = Monday) of the weekly
    sessions, ascending. `max_wait_days` is the provider's promised answer time in working days. `live` is
    False for an unpublished service (a family cannot ask for it any more).
    """

    id: int
    title: str
    url: str
    live: bool
    category: str
    is_free: bool
    price: Decimal | None
    price_unit: str
    price_unit_label: str
    age_min: int
    age_max: int
    weekdays: tuple[int, ...]
    accepts_voucher: bool
    max_wait_days: int
    provider: ProviderFacts

    def __str__(self) -> str:
        return self.title

    @property
    def provider_id(self) -> int:
        return self.provider.id

    @property
    def provider_name(self) -> str:
        return self.provider.name

    @property
    def price_label(self) -> str:
        """The price as families read it, always with its unit: «€ 12,00 a incontro», «Gratuito»."""
        return price_text(self.price, self.price_unit, self.is_free)

    def admits_age(self, age: int) -> bool:
        """Whether a child of `age` completed years is within the service's age range."""
        return self.age_min <= age <= self.age_max


def _provider_facts(page) -> ProviderFacts:
    return ProviderFacts(id=page.pk, name=page.title, email=page.contact_email)


def _facts(page: ServicePage) -> ServiceFacts:
    provider = page.provider_page or page.get_parent().specific
    return ServiceFacts(
        id=page.pk,
        title=page.title,
        url=page.get_url(None) or "",
        live=page.live,
        category=page.category,
        is_free=page.is_free,
        price=None if page.is_free or page.price_amount is None else Decimal(page.price_amount),
        price_unit=page.price_unit,
        price_unit_label=str(page.get_price_unit_display()) if page.price_unit else "",
        age_min=page.age_min,
        age_max=page.age_max,
        weekdays=tuple(sorted({row.weekday for row in page.sessions.all()})),
        accepts_voucher=page.voucher_accepted,
        max_wait_days=page.max_wait_days,
        provider=_provider_facts(provider),
    )


def _service_pages():
    sessions = ServiceSession.objects.only("page_id", "weekday")
    return ServicePage.objects.select_related("provider_page").prefetch_related(Prefetch("sessions", sessions))


def _pk(service) -> int | None:
    if isinstance(service, ServiceFacts):
        return service.id
    return service if isinstance(service, int) else getattr(service, "pk", None)


def service_facts(service: ServiceFacts | ServicePage | int) -> ServiceFacts:
    """The facts of one service (given as its facts, its page or its id), read now: two queries (the page with
    its provider, its weekdays).

    Raises ServiceNotFound when no service page has this id.
    """
    page = _service_pages().filter(pk=_pk(service)).first()
    if page is None:
        raise ServiceNotFound(_pk(service))
    return _facts(page)


def services_facts(
    services: Iterable[ServiceFacts | ServicePage | int], *, live_only: bool = True
) -> list[ServiceFacts]:
    """The facts of these services (given as facts, pages or ids), read now, in the order given; unknown ids are
    left out, and so are services not live and public unless `live_only` is False. Two queries, whatever their
    number."""
    ids = list(dict.fromkeys(pk for pk in map(_pk, services) if pk is not None))
    pages = _service_pages().filter(pk__in=ids)
    if live_only:
        pages = pages.live().public()
    by_id = {page.pk: page for page in pages}
    return [_facts(by_id[pk]) for pk in ids if pk in by_id]


def services_changed(service_ids: Iterable[int]) -> None:
    """Something the catalogue shows about these services changed outside it (their ratings): their search
    documents are rebuilt once the current transaction commits."""
    search_sync.schedule(service_ids)


def register_rating_source(source: RatingSource) -> None:
    """Let the app that holds the families' ratings (booking, from its AppConfig.ready) give them to the search
    documents: `source(service_ids)` answers {service id: (average overall score or None, count)}."""
    search_sync.register_rating_source(source)


def service_titles(provider_ids: Iterable[int]) -> list[tuple[int, str]]:
    """(id, title) of every service of these providers, published or not, by title: one query."""
    return list(
        ServicePage.objects.filter(provider_page_id__in=list(provider_ids))
        .order_by("title", "pk")
        .values_list("pk", "title")
    )


def provider_facts(provider_id: int) -> ProviderFacts:
    """One provider's facts: one query. Raises ProviderPage.DoesNotExist (a LookupError) for an unknown id."""
    return _provider_facts(ProviderPage.objects.only("title", "contact_email").get(pk=provider_id))


def provider_operator_emails(provider_id: int) -> list[str]:
    """The email addresses of the provider's operators: active users of its own staff group (tied by key) who have
    one, sorted. These, not the sheet's address for citizens, receive the booking's notifications. One query."""
    return sorted(
        set(
            ProviderPage.objects.filter(pk=provider_id, group__user__is_active=True)
            .exclude(group__user__email="")
            .values_list("group__user__email", flat=True)
        )
    )


def providers_for_user(user) -> list[ProviderFacts]:
    """The providers this user works for, by name: those whose own staff group (`ProviderPage.group`, tied by
    key, never by name) the user belongs to. A superuser works for every provider; an anonymous user for none.
    One query."""
    if not user.is_authenticated:
        return []
    providers = ProviderPage.objects.only("title", "contact_email").order_by("title", "pk")
    if not user.is_superuser:
        providers = providers.filter(group__user=user)
    return [_provider_facts(page) for page in providers]


# --- What the monitoring reads: aggregates over the catalogue, never a person ---------------------------------


def live_services():
    """The live services as a QuerySet, for aggregate queries only (counts grouped by category, municipio
    served, age range, scope): the monitoring groups and counts it, it never shows a page from it."""
    return ServicePage.objects.live()


def service_ids() -> list[int]:
    """The id of every service, published or not (requests for a withdrawn service still count): one query."""
    return list(ServicePage.objects.values_list("pk", flat=True))


def service_challenge_pairs() -> list[tuple[int, int]]:
    """(service id, challenge page id) for every service naming a challenge on its sheet: one query."""
    return list(ServicePage.challenges.through.objects.values_list("servicepage_id", "challengepage_id"))


def catalogue_url() -> str | None:
    """The catalogue's address (its search page with facets), or None before the catalogue is published."""
    page = CatalogIndexPage.objects.live().first()
    return page.url if page else None


@dataclass(frozen=True)
class ServiceCard:
    """A service as a suggestion shows it: title, address, one-line summary."""

    id: int
    title: str
    url: str
    summary: str


def descriptor_scores(service_ids: Iterable[int]) -> dict[int, tuple[ServiceCard, dict[str, int]]]:
    """{service id: (its card, {descriptor field: score 0-5})} for these services: one query."""
    fields = [descriptor.field for descriptor in Descriptor]
    pages = ServicePage.objects.filter(pk__in=list(service_ids)).only("title", "url_path", "summary", *fields)
    return {
        page.pk: (
            ServiceCard(page.pk, page.title, page.get_url(None) or "", page.summary),
            {field: getattr(page, field) for field in fields},
        )
        for page in pages
    }


def services_strong_in(
    descriptor: str, *, minimum: int, age: int, municipio: int | None, exclude: Iterable[int], limit: int
) -> list[ServiceCard]:
    """Live services rating `descriptor` (a `Descriptor.field`) at least `minimum`, open to a child of `age`,
    serving `municipio` (or online), not among `exclude`: the best first, at most `limit`. One query.

    Raises ValueError for a field that is not a descriptor."""
    if descriptor not in {d.field for d in Descriptor}:
        raise ValueError(descriptor)
    reach = Q(online=True)
    if municipio:
        reach |= Q(served_municipi__municipio=municipio)
    pages = (
        ServicePage.objects.live()
        .filter(reach, **{f"{descriptor}__gte": minimum}, age_min__lte=age, age_max__gte=age)
        .exclude(pk__in=list(exclude))
        .order_by(f"-{descriptor}", "title", "pk")
        .distinct()
        .only("title", "url_path", "summary", descriptor)[:limit]
    )
    return [ServiceCard(page.pk, page.title, page.get_url(None) or "", page.summary) for page in pages]
