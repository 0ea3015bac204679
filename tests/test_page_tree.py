"""Where each page type may live in the tree: allowed parents and children, asserted both ways."""

import itertools

import pytest
from wagtail.models import Page, get_page_models

from calls.models import CallIndexPage, CallPage
from catalog.models import CatalogIndexPage, CategoryPage, ProviderIndexPage, ProviderPage, ServicePage
from challenges.models import ChallengeIndexPage, ChallengePage
from home.models import ContentPage, HomePage, PartnersPage, WellbeingDimensionsPage
from hubs.models import HubIndexPage, HubPage
from legal.models import AccessibilityStatementPage, PrivacyNoticePage
from news.models import NewsIndexPage, NewsPage

PROJECT_APPS = {"home", "challenges", "news", "hubs", "calls", "catalog", "legal"}

# page type -> the page types it may have as children
CHILDREN = {
    HomePage: {
        ContentPage,
        WellbeingDimensionsPage,
        PartnersPage,
        ChallengeIndexPage,
        NewsIndexPage,
        HubIndexPage,
        CallIndexPage,
        CatalogIndexPage,
        PrivacyNoticePage,
        AccessibilityStatementPage,
    },
    ContentPage: {ContentPage, PrivacyNoticePage},
    PrivacyNoticePage: set(),
    AccessibilityStatementPage: set(),
    WellbeingDimensionsPage: set(),
    PartnersPage: set(),
    ChallengeIndexPage: {ChallengePage},
    ChallengePage: set(),
    NewsIndexPage: {NewsPage},
    NewsPage: set(),
    HubIndexPage: {HubPage},
    HubPage: set(),
    CallIndexPage: {CallPage},
    CallPage: set(),
    CatalogIndexPage: {CategoryPage, ProviderIndexPage},
    CategoryPage: set(),
    ProviderIndexPage: {ProviderPage},
    ProviderPage: {ServicePage},
    ServicePage: set(),
}
PARENTS = {child: {parent for parent, kids in CHILDREN.items() if child in kids} for child in CHILDREN}
PARENTS[HomePage] = {Page}
SINGLETONS = {
    HomePage,
    WellbeingDimensionsPage,
    PartnersPage,
    ChallengeIndexPage,
    NewsIndexPage,
    HubIndexPage,
    CallIndexPage,
    CatalogIndexPage,
    ProviderIndexPage,
    AccessibilityStatementPage,
}


def test_every_project_page_type_is_covered():
    project_models = {model for model in get_page_models() if model._meta.app_label in PROJECT_APPS}
    assert project_models == set(CHILDREN)


@pytest.mark.parametrize("model", list(CHILDREN), ids=lambda m: m.__name__)
def test_allowed_children(model):
    assert set(model.allowed_subpage_models()) == CHILDREN[model]


@pytest.mark.parametrize("model", list(CHILDREN), ids=lambda m: m.__name__)
def test_allowed_parents(model):
    assert set(model.allowed_parent_page_models()) == PARENTS[model]


@pytest.mark.parametrize(("parent", "child"), list(itertools.product(CHILDREN, CHILDREN)), ids=lambda m: m.__name__)
def test_parent_and_child_rules_agree(parent, child):
    """A child type lists the parent exactly when the parent lists the child: no one-sided rule."""
    expected = child in CHILDREN[parent]
    assert (child in parent.allowed_subpage_models()) is expected
    assert (parent in child.allowed_parent_page_models()) is expected


@pytest.mark.parametrize("model", list(CHILDREN), ids=lambda m: m.__name__)
def test_singletons(model):
    assert (model.max_count == 1) is (model in SINGLETONS)


@pytest.mark.django_db
def test_creation_rules_on_a_real_tree(home_page):
    assert ContentPage.can_create_at(home_page)
    assert NewsIndexPage.can_create_at(home_page)
    assert not NewsPage.can_create_at(home_page)
    assert not HomePage.can_create_at(home_page)
    partners = home_page.add_child(instance=PartnersPage(title="Partner", slug="partner"))
    assert not PartnersPage.can_create_at(home_page), "only one partners page"
    assert not ContentPage.can_create_at(partners)
    news_index = home_page.add_child(instance=NewsIndexPage(title="Notizie", slug="notizie"))
    assert NewsPage.can_create_at(news_index)
    assert not ContentPage.can_create_at(news_index)
