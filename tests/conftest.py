"""Fixtures shared by the whole suite."""

import gc
from collections import Counter
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import translation
from wagtail.models import Page, Site

from home.models import HomePage
from tests.home.factories import HomePageFactory

#: The real search engine node (tests/engines/): started on first use, one for the whole run; the test database
#: migrated once into a template and copied for each worker (tests/testdb.py); a worker's database kept and put
#: back, shared across workers (tests/dbsnapshot.py); the live server answering without Nagle's delay
#: (tests/liveserver.py).
pytest_plugins = ["tests.engines.plugin", "tests.testdb", "tests.dbsnapshot", "tests.liveserver"]


#: The modules that take longest (`--durations` of a whole run on the 2-core machine: from ~75 s down to ~7 s),
#: longest first. scripts/test hands whole modules to the workers (``--dist loadfile``) in the order collected: these
#: go first, then the other browser modules, then the rest, so that the run ends with short modules and no worker
#: waits long for the other. Any order is safe: a transactional test's flush puts the migrated rows back
#: (tests/dbsnapshot.py).
LONGEST_FIRST = (
    "tests/spid/test_spid_sp_test.py",
    "tests/browser/test_crawl.py",
    "tests/browser/test_booking_journey.py",
    "tests/test_no_server_errors.py",
    "tests/test_load_demo.py",
    "tests/browser/test_spid_journey.py",
    "tests/search/test_bench.py",
    "tests/browser/test_phone_journey.py",
    "tests/search/test_contract.py",
    "tests/search/test_snapshot_patches.py",
    "tests/search/test_commands.py",
    "tests/browser/test_chrome.py",
    "tests/browser/test_settlement_and_register.py",
    "tests/browser/test_csp.py",
    "tests/test_query_counts.py",
    "tests/browser/test_catalog_journey.py",
    "tests/browser/test_legal_pages.py",
    "tests/browser/test_collective.py",
    "tests/browser/test_vouchercall_journey.py",
    "tests/search/test_site_search_engine.py",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """`LONGEST_FIRST`, then browser modules, then the rest; after pytest-django's order, which the sort keeps.

    schemathesis gives the item of each API operation its test function's id: xdist's ``loadfile`` keys a module's
    tests by id, and would run only one of them. Each gets its own id, with the operation as pytest shows it.
    """
    seen = Counter(item.nodeid for item in items)
    for item in items:
        if seen[item.nodeid] > 1:
            item._nodeid = f"{item.parent.nodeid}::{item.name}"
    rank = {path: number for number, path in enumerate(LONGEST_FIRST)}

    def place(item) -> tuple[int, int]:
        path = item.nodeid.split("::")[0]
        if path in rank:
            return 0, rank[path]
        return (1 if item.get_closest_marker("browser") else 2), 0

    items.sort(key=place)


def pytest_collection_finish(session):
    """Python's cycle collector leaves alone what collection built (Django, Wagtail, every test module: ~400,000
    objects it would otherwise walk again and again in its full collections), and runs less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


@pytest.fixture(autouse=True)
def _italian_by_default():
    """A request to /en/ leaves English active in the worker's thread: every test starts in Italian."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _delete_welcome_page(page: Page) -> bool:
    """Delete `page` if it is Wagtail's untouched welcome page (a plain leaf Page); True if it was.

    Wagtail's delete makes Django's collector ask each of the ~40 tables that may point at a page, 0.1 s for every
    test that uses `home_page`. For this page the collector finds exactly its row and the default Site's
    (checked in tests/test_home_page_fixture.py), so those two rows go directly and the root counts one child less.
    """
    if page.specific_class is not Page or not page.is_leaf():
        return False
    Site.objects.filter(root_page=page).delete()
    Page.objects.filter(pk=page.pk)._raw_delete(page._state.db)
    Page.objects.filter(pk=page.get_parent().pk).update(numchild=F("numchild") - 1)
    return True


def build_home_page() -> HomePage:
    """The site's home page, with the default Site pointing at it (what load_demo builds first).

    Wagtail's welcome page, as its migration left it, goes with two statements (`_delete_welcome_page`).
    """
    root = Page.get_first_root_node()
    for default in root.get_children():
        if not _delete_welcome_page(default):
            default.delete()
    home = HomePageFactory(parent=Page.get_first_root_node())
    Site.objects.all().delete()
    Site.objects.create(hostname="testserver", port=80, root_page=home, is_default_site=True, site_name="Milano 0.18")
    return home


@pytest.fixture
def home_page(db) -> HomePage:
    """The site's home page (`build_home_page`), built again for each test."""
    return build_home_page()


@contextmanager
def kept_for_the_module(django_db_blocker):
    """For a module-scoped fixture: the rows it builds inside stay until the module's last test, then go.

    They are written in a transaction opened here; each test's own transaction (pytest-django's `db`) is then a
    savepoint inside it, rolled back after the test, so a test sees them exactly as built whatever the one before
    it did. Only for rows that tests read or change inside their own transaction (not `transaction=True` tests).
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def row_keys(built: dict) -> dict:
    """What `fresh_rows` needs to fetch `built` again: for each name, its model, primary keys and whether it was a list.

    `built` maps names to model instances or non-empty lists of instances of one model (a module fixture's rows,
    built inside `kept_for_the_module`).
    """
    keys = {}
    for name, value in built.items():
        rows = value if isinstance(value, list) else [value]
        keys[name] = (type(rows[0]), [row.pk for row in rows], isinstance(value, list))
    return keys


def fresh_rows(keys: dict) -> dict:
    """New instances of the rows `row_keys` named, in their order (one query per name): a test changes its own copies,
    never the module fixture's."""
    fresh = {}
    for name, (model, pks, many) in keys.items():
        found = model.objects.in_bulk(pks)
        rows = [found[pk] for pk in pks]
        fresh[name] = rows if many else rows[0]
    return fresh


def module_world(build) -> tuple:
    """The fixtures `_world_keys` (module scope) and `world` (each test) of a module whose tests share one world.

    `build()` returns {name: instance or non-empty list of instances} and runs once for the module inside
    `kept_for_the_module`; each test's `world` holds fresh instances of those rows (`fresh_rows`), whose changes
    roll back with the test, and starts with an empty cache (a test's pages may have cached what a rolled-back
    change showed). Use as ``_world_keys, world = module_world(lambda: ...)``.
    """
    from django.core.cache import cache

    @pytest.fixture(scope="module", name="_world_keys")
    def keys(django_db_setup, django_db_blocker):
        with kept_for_the_module(django_db_blocker):
            yield row_keys(build())

    @pytest.fixture(name="world")
    def world(db, _world_keys) -> dict:
        cache.clear()
        return fresh_rows(_world_keys)

    return keys, world
