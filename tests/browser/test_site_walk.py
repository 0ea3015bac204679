"""The issue's browser test: walk the demo site from the home page and check each kind of page with axe-core."""

import re

import pytest

from challenges.models import ChallengeIndexPage, ChallengePage
from hubs.models import HubIndexPage, HubPage
from news.models import NewsIndexPage, NewsPage
from tests.browser.axe import assert_accessible
from tests.browser.navigation import follow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VISIBLE_LINKS = "els => els.map(e => [e.getAttribute('href'), new URL(e.href, location.href).pathname])"


def _visible_links_to(tab, paths) -> list[str]:
    return [href for href, path in tab.locator("a[href]:visible").evaluate_all(VISIBLE_LINKS) if path in paths]


def _click(tab, href: str, path: str) -> None:
    follow(tab.locator(f'a[href="{href}"]:visible').first, re.compile(re.escape(path) + r"(\?.*)?$"))


def follow_link(tab, model, index_model):
    """Click the first visible link to a `model` page; if there is none, go through its index page first."""
    targets = {target.get_url(): target for target in model.objects.live()}
    found = _visible_links_to(tab, targets)
    if not found:
        indexes = {index.get_url() for index in index_model.objects.live()}
        via = _visible_links_to(tab, indexes)
        assert via, f"{tab.url} links neither to a {model.__name__} nor to a {index_model.__name__}"
        _click(tab, via[0], next(path for path in indexes if via[0].endswith(path)))
        found = _visible_links_to(tab, targets)
    assert found, f"{tab.url} has no link to a {model.__name__}"
    path = next(path for path in targets if found[0].endswith(path))
    _click(tab, found[0], path)
    return targets[path]


def test_walk_the_demo_site_and_check_accessibility(page, demo_site):
    response = page.goto("/")
    assert response.status == 200
    assert_accessible(page, "home page")

    challenge = follow_link(page, ChallengePage, ChallengeIndexPage)
    assert challenge.title in page.locator("h1").inner_text()
    assert_accessible(page, "challenge")

    page.goto("/")
    article = follow_link(page, NewsPage, NewsIndexPage)
    assert article.title in page.locator("h1").inner_text()
    assert_accessible(page, "news article")

    page.goto("/")
    hub = follow_link(page, HubPage, HubIndexPage)
    assert hub.title in page.locator("h1").inner_text()
    assert_accessible(page, "hub")

    page.goto("/")
    page.locator("#header-search").fill("benessere")
    follow(page.locator("#header-search"), re.compile(r"/cerca/\?q=benessere"), press="Enter")
    assert_accessible(page, "search page")
