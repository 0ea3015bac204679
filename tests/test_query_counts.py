"""Every page type reads the database a fixed number of times, whatever the number of rows it shows.

Each case builds a page with its related rows (services, venues, news, windows, hours...) at 1, counts
the queries of an anonymous visit, grows the rows to 30 and counts again: the count must not grow.
The visit is counted cold: the page is fetched once (images get their renditions), then the cache is
emptied, so cached fragments (menu, footer, the service sheet) are rebuilt inside the count.

The rows are built without Wagtail's reference index (only the admin's usage screens read it) and without Wagtail's
search index updates on save (the site search's case indexes its pages in one go): no other page type reads either,
and keeping them up to date was about a third of the time spent building 31 rows per case. The cases count what a
visit reads, not how rows are written: the growing pages and rows are inserted in bulk where a case allows it
(`live_children`, `services`, one bulk_create per table); pages saved one by one skip Wagtail's full validation and
«wagtail.create» log entry (`quick_page_saves`); images go into the root collection (`image`).
"""

import datetime
from contextlib import contextmanager

import pytest
import wagtail_factories
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.test.utils import CaptureQueriesContext
from django.utils.text import slugify
from modelcluster.models import get_all_child_m2m_relations, get_all_child_relations
from modelsearch import index as search_index
from modelsearch.signal_handlers import post_delete_signal_handler, post_save_signal_handler, register_signal_handlers
from wagtail.models import Collection, Page
from wagtail.search.backends import get_search_backend
from wagtail.signal_handlers import disable_reference_index_auto_update

from catalog.constants import DocumentKind
from catalog.demo_bulk import add_live_children
from catalog.models import (
    ProviderDocument,
    ProviderOffice,
    ServiceActivity,
    ServiceContactHours,
    ServiceImage,
    ServiceLocation,
    ServiceMunicipio,
    ServicePage,
    ServicePriceTier,
    ServiceSession,
)
from core.demo_pages import ensure_child
from core.vocabularies import Category
from home.models import Partner, PartnersPage
from news.models import NewsPage
from search import sync
from tests.calls import factories as calls
from tests.catalog import factories as catalog
from tests.challenges import factories as challenges
from tests.conftest import build_home_page, module_world
from tests.home import factories as home_factories
from tests.hubs import factories as hubs
from tests.news import factories as news

pytestmark = pytest.mark.django_db

FEW, MANY = 1, 30

#: The home page, built once for the module (`module_world`): each case builds its pages under a fresh copy of it,
#: and they go with the case's transaction.
_world_keys, world = module_world(lambda: {"home": build_home_page()})


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def count_queries(client, url: str) -> int:
    """Queries of one anonymous GET of `url` with an empty cache (after a warm-up GET)."""
    assert client.get(url).status_code == 200
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@contextmanager
def search_index_left_alone():
    """Saves and deletes leave the search index alone: the search app's signal handlers are disconnected, then
    connected again. (Turning AUTO_UPDATE off is not enough: each save still ran a task that read the row back,
    two queries and a tenth of this module's time.)"""
    for model in search_index.get_indexed_models():
        post_save.disconnect(post_save_signal_handler, sender=model)
        post_delete.disconnect(post_delete_signal_handler, sender=model)
    try:
        yield
    finally:
        register_signal_handlers()


@contextmanager
def quick_page_saves():
    """Page saves check only what the tree needs (Wagtail's `minimal_clean`: defaults, title, slug unique among
    siblings) and a new page writes no «wagtail.create» log entry: the factories' values are valid (the pages' own
    tests save them with full validation) and no page reads the log. Half the queries of a page's creation."""
    save = Page.save

    def quick_save(page, *args, clean=True, log_action=False, **kwargs):
        if clean:
            page.minimal_clean()
        return save(page, *args, clean=False, log_action=None, **kwargs)

    Page.save = quick_save
    try:
        yield
    finally:
        Page.save = save


@contextmanager
def building():
    """How a case's rows are built: without the reference index and the search index, with `quick_page_saves`."""
    with disable_reference_index_auto_update(), search_index_left_alone(), quick_page_saves():
        yield


def image():
    """An image in the root collection (wagtail-factories' own makes a collection for each image)."""
    return home_factories.ImageFactory(collection=Collection.get_first_root_node())


def live_children(parent, pages) -> list:
    """`pages` (unsaved, of one type, built by their factory with its fields, inline rows, tags and links) added live
    under `parent` in bulk: the pages as the demo loads its services (`catalog.demo_bulk.add_live_children`; none of
    these page types saves anything more, and the `provider_page` it sets is a plain attribute on any but a
    service), then one bulk_create per inline table and per link table. A few queries for any number of pages,
    instead of thirty or more each; the slug, if empty, from the title as Wagtail makes it. `parent.numchild` must
    count its children (an instance that added them, or read after)."""
    model = type(pages[0])
    for page in pages:
        page.draft_title = page.title
        page.slug = page.slug or slugify(page.title)
    add_live_children(parent, pages)
    for relation in get_all_child_relations(model):
        rows = []
        for page in pages:
            for row in getattr(page, relation.get_accessor_name()).all():
                setattr(row, relation.field.attname, page.pk)
                rows.append(row)
        relation.related_model.objects.bulk_create(rows)
    for field in get_all_child_m2m_relations(model):
        through = field.remote_field.through
        own, other = field.m2m_field_name(), field.m2m_reverse_field_name()
        through.objects.bulk_create(
            through(**{own: page, other: target}) for page in pages for target in getattr(page, field.name).all()
        )
    return pages


def services(provider, titles_and_slugs) -> list[ServicePage]:
    """Live services under `provider`, one for each (title, slug), as `catalog.service` builds them, in bulk
    (`live_children`)."""
    return live_children(
        provider,
        [
            catalog.ServicePageFactory.build(parent=provider, title=title, slug=slug, published_at=catalog.PUBLISHED)
            for title, slug in titles_and_slugs
        ],
    )


def counter(start=0):
    """Numbers from `start` on, so rows added in two rounds get distinct slugs."""
    state = {"next": start}

    def take(count):
        first = state["next"]
        state["next"] += count
        return range(first, first + count)

    return take


def each_new(add, start=0):
    """A `grow` that calls `add(n)` once for each new row, `n` counting on from `start` across calls."""
    numbers = counter(start)

    def grow(count):
        for n in numbers(count):
            add(n)

    return grow


def children_of(parent, build, start=0):
    """A `grow` that adds under `parent` the unsaved page `build(n)` for each new row, `n` counting on from `start`
    across calls, all at once (`live_children`)."""
    numbers = counter(start)

    def grow(count):
        live_children(parent, [build(n) for n in numbers(count)])

    return grow


def rebuilt(build):
    """A `grow` for a page whose rows are made with the page: `build(rows)` makes it anew with all the rows so far
    (the previous one deleted); it is built with none at once."""
    state = {"rows": 0, "page": None}

    def grow(count):
        state["rows"] += count
        if state["page"] is not None:
            state["page"].delete()
        state["page"] = build(state["rows"])

    grow(0)
    return grow


# Each case: (home page) -> (url, grow) where grow(count) adds `count` related rows to what the url shows.


def home(home_page):
    index, hub_index, challenge_index = (
        news.news_index(home_page),
        hubs.hub_index(home_page),
        challenges.challenge_index(home_page),
    )
    numbers = counter(1)
    total = {"rows": 0}

    def grow(count):
        total["rows"] += count
        new = numbers(count)
        live_children(
            index,
            [
                news.NewsPageFactory.build(parent=index, slug=f"notizia-{n}", image=image(), tags=[f"tema{n}"])
                for n in new
            ],
        )
        live_children(
            hub_index, [hubs.HubPageFactory.build(parent=hub_index, slug=f"hub-{n}", intervals=2) for n in new]
        )
        live_children(
            challenge_index, [challenges.ChallengePageFactory.build(parent=challenge_index, number=n) for n in new]
        )
        home_factories.steps_and_categories(home_page, total["rows"])

    return "/", grow


def content_page(home_page):
    page = home_factories.content_page(home_page, "progetto")
    numbers = counter()

    def grow(count):
        new = numbers(count)
        subpages = [
            home_factories.ContentPage(title=f"Sottopagina {n}", slug=f"sotto-{n}", intro="Sotto.") for n in new
        ]
        live_children(page, subpages)
        for n in new:
            page.body.append(("paragraph", f"<p>Paragrafo {n}.</p>"))
            page.body.append(("image", {"image": image(), "alt_text": f"Foto {n}"}))
        page.save()

    return page.url, grow


def wellbeing_dimensions(home_page):
    page = home_factories.dimensions_page(home_page)
    index = challenges.challenge_index(home_page)

    def build(n):
        dimensions = [home_factories.WellbeingDimensionFactory(number=n)]
        return challenges.ChallengePageFactory.build(parent=index, number=n, dimensions=dimensions)

    return page.url, children_of(index, build, 1)


def challenge_index(home_page):
    index = challenges.challenge_index(home_page)
    home_factories.dimensions_page(home_page)

    def build(n):
        dimensions = [home_factories.WellbeingDimensionFactory(number=100 + n)]
        return challenges.ChallengePageFactory.build(parent=index, number=n, dimensions=dimensions)

    return index.url, children_of(index, build, 1)


def challenge_page(home_page):
    index = challenges.challenge_index(home_page)
    home_factories.dimensions_page(home_page)
    challenge = challenges.challenge(index, 1)
    _catalog, _categories, provider_index = catalog.catalog_tree(home_page)
    provider = catalog.provider(provider_index)
    numbers = counter(1)

    def grow(count):
        new = numbers(count)
        for n in new:
            challenge.dimensions.add(home_factories.WellbeingDimensionFactory(number=n))
        added = services(provider, [(f"Servizio {n}", f"servizio-{n}") for n in new])
        Link = ServicePage.challenges.through
        Link.objects.bulk_create(Link(servicepage=service, challengepage=challenge) for service in added)
        challenge.save()

    return challenge.url, grow


def news_index(home_page):
    index = news.news_index(home_page)

    def build(n):
        return news.NewsPageFactory.build(parent=index, slug=f"notizia-{n}", image=image(), tags=[f"tema{n}", "comune"])

    return index.url, children_of(index, build)


def news_page(home_page):
    page = news.news(news.news_index(home_page), "graduatoria", image=image())
    numbers = counter()

    def grow(count):
        page.tags.add(*[f"tema{n}" for n in numbers(count)])
        page.save()

    return page.url, grow


def hub_index(home_page):
    index = hubs.hub_index(home_page)

    def build(n):
        return hubs.HubPageFactory.build(parent=index, slug=f"hub-{n}", intervals=3, municipio=n % 9 + 1)

    return index.url, children_of(index, build)


def hub_page(home_page):
    index = hubs.hub_index(home_page)
    return "/hub/niguarda/", rebuilt(lambda rows: hubs.hub(index, "niguarda", intervals=rows))


def call_index(home_page):
    index = calls.call_index(home_page)

    def build(n):
        return calls.CallPageFactory.build(parent=index, slug=f"avviso-{n}", windows_count=2, documents_count=1)

    return index.url, children_of(index, build)


def call_page(home_page):
    index = calls.call_index(home_page)
    return "/avvisi/voucher/", rebuilt(lambda rows: calls.call(index, "voucher", windows=rows, documents=rows))


def catalogue_index(home_page):
    catalogue, _categories, provider_index = catalog.catalog_tree(home_page)
    numbers = counter(1)

    def grow(count):
        new = numbers(count)
        built = [catalog.ProviderPageFactory.build(parent=provider_index, title=f"Ente {n}", number=n) for n in new]
        for n, provider in zip(new, live_children(provider_index, built), strict=True):
            services(provider, [(f"Servizio {n}", f"servizio-{n}")])

    return catalogue.url, grow


def provider_index(home_page):
    _catalogue, _categories, index = catalog.catalog_tree(home_page)

    def build(n):
        return catalog.ProviderPageFactory.build(parent=index, title=f"Ente {n}", number=n)

    return index.url, children_of(index, build, 1)


def partners_page(home_page):
    page = ensure_child(home_page, PartnersPage, "partner", title="Partner e finanziatori")
    roles = list(Partner.Role)

    def add(n):
        Partner.objects.create(name=f"Partner {n}", role=roles[n % len(roles)], logo=image(), url="https://a.it/")

    return page.url, each_new(add)


def synced_services(home_page, word: str):
    """(the category pages by code, grow) of a catalogue with one provider: grow(count) adds services titled
    «<word> n» (slug "<word>-n", lower case) and puts them in the catalogue search, which the page reads."""
    _catalogue, categories, provider_index = catalog.catalog_tree(home_page)
    provider = catalog.provider(provider_index)
    numbers = counter()

    def grow(count):
        pages = services(provider, [(f"{word} {n}", f"{word.lower()}-{n}") for n in numbers(count)])
        sync.update(page.pk for page in pages)

    return categories, grow


def category_page(home_page):
    categories, grow = synced_services(home_page, "Corso")
    return categories[Category.ARTE].url, grow


def provider_page(home_page):
    _catalogue, _categories, provider_index = catalog.catalog_tree(home_page)
    provider = catalog.provider(provider_index)
    numbers = counter()

    def grow(count):
        new = numbers(count)
        services(provider, [(f"Corso {n}", f"corso-{n}") for n in new])
        for n in new:
            ProviderOffice.objects.create(page=provider, address=f"Via Padova {n}", municipio=2)
            document = wagtail_factories.DocumentFactory(title=f"Certificazione {n}")
            ProviderDocument.objects.create(page=provider, kind=DocumentKind.CERTIFICATION, document=document)

    return provider.url, grow


def service_page(home_page):
    _catalogue, _categories, provider_index = catalog.catalog_tree(home_page)
    provider = catalog.provider(provider_index)
    service = catalog.service(provider)
    challenge_index = challenges.challenge_index(home_page)
    service.served_municipi.all().delete()
    numbers = counter(1)

    def grow(count):
        new = numbers(count)
        rows = [
            row
            for n in new
            for row in (
                ServiceActivity(page=service, name=f"Attività {n}"),
                ServiceLocation(page=service, address=f"Via Ripamonti {n}", municipio=5),
                ServicePriceTier(page=service, min_participants=n, max_participants=n + 1, price_per_participant=20),
                ServiceContactHours(
                    page=service, weekday=n % 7, opens=datetime.time(n % 12 + 8), closes=datetime.time(n % 12 + 8, 45)
                ),
                ServiceSession(
                    page=service,
                    weekday=n % 7,
                    start_time=datetime.time(n % 12 + 8),
                    end_time=datetime.time(n % 12 + 9),
                ),
                ServiceImage(page=service, image=image(), caption=f"Foto {n}"),
                *([ServiceMunicipio(page=service, municipio=n)] if n <= 9 else []),
            )
        ]
        for model in dict.fromkeys(type(row) for row in rows):
            model.objects.bulk_create([row for row in rows if type(row) is model])
        built = [challenges.ChallengePageFactory.build(parent=challenge_index, number=n) for n in new]
        service.challenges.add(*live_children(challenge_index, built))
        service.tags.add(*[f"etichetta{n}" for n in new])
        service.save()

    return service.url, grow


def site_search(home_page):
    index = news.news_index(home_page)

    def build(n):
        return news.NewsPageFactory.build(parent=index, slug=f"benessere-{n}", title=f"Benessere in città {n}")

    numbers = counter()

    def grow(count):
        pages = live_children(index, [build(n) for n in numbers(count)])
        get_search_backend().add_bulk(NewsPage, pages)  # what each page's save would have indexed, in one go

    return "/cerca/?q=benessere", grow


def api_list(home_page):
    _categories, grow = synced_services(home_page, "Teatro")
    return "/api/v1/services/?q=teatro", grow


CASES = [
    home,
    content_page,
    partners_page,
    wellbeing_dimensions,
    challenge_index,
    challenge_page,
    news_index,
    news_page,
    hub_index,
    hub_page,
    call_index,
    call_page,
    catalogue_index,
    provider_index,
    category_page,
    provider_page,
    service_page,
    site_search,
    api_list,
]


@pytest.mark.parametrize("case", CASES, ids=[case.__name__ for case in CASES])
def test_page_queries_do_not_grow_with_its_related_rows(client, world, case):
    home_page = world["home"]
    with building():
        url, grow = case(home_page)
        grow(FEW)
    few = count_queries(client, url)
    with building():
        grow(MANY - FEW)
    many = count_queries(client, url)
    assert many <= few, f"{url}: {few} queries with {FEW} related row, {many} with {MANY}"
