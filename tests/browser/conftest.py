"""Browser tests: Playwright (sync API) driving Debian's Chromium, never Playwright's own browser download.

Chromium is looked up at $CHROMIUM_PATH, by default Debian's headless shell (/usr/bin/chromium-headless-shell,
package chromium-headless-shell): the same Blink and V8 as `chromium --headless`, without the desktop browser's
own pages and processes, so each new tab and page costs less CPU (the browser tests of one CI run: ~207 core-seconds
with `chromium --headless`). Without it the tests are skipped, except when CI=true: there a missing browser is a
failure.
"""

import os
from pathlib import Path

import pytest

from tests.services import missing_service

CHROMIUM_PATH = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium-headless-shell"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM_PATH.exists():
        missing_service(
            f"Chromium not found at {CHROMIUM_PATH} (apt-get install chromium-headless-shell, or set CHROMIUM_PATH)"
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, which Django's ORM would otherwise
    # refuse to run next to; the ORM calls of these tests are plain synchronous calls.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM_PATH), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def _tabs(browser, live_server):
    """The test's browser tabs, by name, each in a new browser context of its own (Italian, desktop size, the
    default timeout), closed after the test.

    A tab kept from test to test (and cleaned between them) saved the browser ~1.3 s of CPU per test, but a kept
    tab carried state that cleaning missed (the mobile menu of tests/browser/test_chrome.py stayed open after a
    whole run's earlier tests): each test has new ones.
    """
    tabs = {}

    def tab(name: str):
        if name not in tabs:
            context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, locale="it-IT")
            context.set_default_timeout(15_000)
            tabs[name] = context.new_page()
        return tabs[name]

    yield tab
    for kept in tabs.values():
        kept.context.close()


@pytest.fixture
def page(_tabs):
    """A new browser tab on the live server (Italian, desktop size)."""
    return _tabs("page")


@pytest.fixture
def other_page(_tabs):
    """A second person's browser (a context of its own, as `page`'s), e.g. the provider's while a family uses `page`.

    One person after another may use it (`sign_in_as` swaps the session).
    """
    return _tabs("other")


@pytest.fixture
def sign_in_as(live_server):
    """`sign_in_as(context, user)`: the browser context (its cookies cleared) holds a session of `user`.

    For an account whose sign-in is not what the test checks: the session Django's test client makes with
    `force_login`, put in the browser as its cookie, instead of the sign-in form's three page loads. The journeys
    that check signing in (the family's email form, SPID, the admin's form in test_csp.py) still use the forms.
    """
    from django.conf import settings
    from django.test import Client

    def sign_in(context, user) -> None:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.clear_cookies()
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])

    return sign_in


@pytest.fixture
def small_site(live_server):
    """The live server with a home page and two pages in the main menu: enough for the site's chrome."""
    from tests.browser.content import fresh_home
    from tests.home.factories import ContentPageFactory

    home = fresh_home()
    for slug in ("progetto", "contatti"):
        ContentPageFactory(parent=home, slug=slug, title=slug.capitalize(), show_in_menus=True)
    return live_server


#: Providers in the browser tests' demo (of the demo's 60, with 10 services each): every section, account,
#: legal page and workflow state of the demo is there, without the 600 service sheets no browser test reads.
DEMO_PROVIDERS = 3


@pytest.fixture
def demo_site(live_server, monkeypatch):
    """The live server with `load_demo`'s site, its catalogue cut to `DEMO_PROVIDERS` providers.

    `load_demo` runs once per run: later tests, in every xdist worker, get its rows back from a snapshot
    (tests/dbsnapshot.py).
    """
    from io import StringIO

    from django.core.management import call_command

    from catalog import demo
    from tests.dbsnapshot import building_shared, restore_snapshot, take_snapshot

    if restore_snapshot("demo_site"):
        return live_server
    with building_shared("demo_site"):
        if not restore_snapshot("demo_site"):
            monkeypatch.setattr(demo, "PROVIDERS", DEMO_PROVIDERS)
            call_command("load_demo", stdout=StringIO())
            take_snapshot("demo_site")
    return live_server
