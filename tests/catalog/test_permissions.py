"""Who can do what in the admin: the role x action x page matrix, every cell through Wagtail's permission API."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from core.vocabularies import Category
from home.models import ContentPage
from tests.catalog import factories
from tests.conftest import build_home_page, kept_for_the_module

pytestmark = pytest.mark.django_db

User = get_user_model()

ROLES = ["anonymous", "provider_a", "provider_b", "editor", "superuser"]
TARGETS = ["own_service", "other_service", "own_provider", "category", "minisite"]
ACTIONS = ["view", "edit", "add_child", "submit", "publish", "delete"]

# What each role may do on each page ("own" is provider A's page for roles that own nothing).
# Providers: their own subtree only, never publish, never delete a live page; the City's editors: everything
# but deleting a whole provider subtree; superusers: everything the page types allow (no children under a
# service or a category page).
ALLOWED = {
    "anonymous": {},
    "provider": {
        "own_service": {"view", "edit", "submit"},
        "own_provider": {"view", "edit", "add_child", "submit"},
    },
    "editor": {
        "own_service": {"view", "edit", "submit", "publish", "delete"},
        "other_service": {"view", "edit", "submit", "publish", "delete"},
        "own_provider": {"view", "edit", "add_child", "submit", "publish"},
        "category": {"view", "edit", "submit", "publish", "delete"},
        "minisite": {"view", "edit", "add_child", "submit", "publish", "delete"},
    },
    "superuser": {
        "own_service": {"view", "edit", "submit", "publish", "delete"},
        "other_service": {"view", "edit", "submit", "publish", "delete"},
        "own_provider": {"view", "edit", "add_child", "submit", "publish", "delete"},
        "category": {"view", "edit", "submit", "publish", "delete"},
        "minisite": {"view", "edit", "add_child", "submit", "publish", "delete"},
    },
}


@pytest.fixture(scope="module")
def _world_rows(django_db_setup, django_db_blocker):
    """The pages and accounts, built once for the module: its tests only read them, or change them in their own
    savepoint (`kept_for_the_module`). The primary keys of what `world` gives each test."""
    with kept_for_the_module(django_db_blocker):
        home = build_home_page()
        _catalog, categories, index = factories.catalog_tree(home)
        provider_a = factories.provider(index, name="Ente A", number=1)
        provider_b = factories.provider(index, name="Ente B", number=2)
        yield {
            "pages": {
                "a": {"service": factories.service(provider_a, title="Teatro A").pk, "provider": provider_a.pk},
                "b": {"service": factories.service(provider_b, title="Teatro B").pk, "provider": provider_b.pk},
                "category": categories[Category.ARTE].pk,
                "minisite": home.add_child(instance=ContentPage(title="Il progetto", slug="progetto")).pk,
                "index": index.pk,
            },
            "users": {
                "provider_a": factories.provider_user("ente_a", provider_a).pk,
                "provider_b": factories.provider_user("ente_b", provider_b).pk,
                "editor": factories.editor().pk,
                "superuser": factories.user("admin", is_superuser=True, is_staff=True).pk,
            },
        }


@pytest.fixture
def world(db, _world_rows):
    """Fresh instances of the module's pages and accounts (no permission cache carried from another test)."""
    cache.clear()

    def fetch(pks):
        if isinstance(pks, dict):
            return {name: fetch(value) for name, value in pks.items()}
        return Page.objects.get(pk=pks).specific

    users = {name: User.objects.get(pk=pk) for name, pk in _world_rows["users"].items()}
    return {"pages": fetch(_world_rows["pages"]), "users": {"anonymous": AnonymousUser(), **users}}


def _target(pages, role, target):
    """The primary key (in `_world_rows["pages"]`) of the page `target` names for `role`."""
    mine, theirs = ("b", "a") if role == "provider_b" else ("a", "b")
    return {
        "own_service": pages[mine]["service"],
        "other_service": pages[theirs]["service"],
        "own_provider": pages[mine]["provider"],
        "category": pages["category"],
        "minisite": pages["minisite"],
    }[target]


def _can(user, pk, action) -> bool:
    """Whether `user` may do `action` on the page `pk`, fetched anew (no permission cached on the instance)."""
    page = Page.objects.get(pk=pk)
    tester = page.permissions_for_user(user)
    if action == "view":
        return PagePermissionPolicy().explorable_instances(user).filter(pk=page.pk).exists()
    if action == "submit":
        return tester.can_edit() and tester.can_submit_for_moderation()
    return {
        "edit": tester.can_edit,
        "add_child": tester.can_add_subpage,
        "publish": tester.can_publish,
        "delete": tester.can_delete,
    }[action]()


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(db, _world_rows, role, target, action):
    """Each cell reads the one account and page it asks about (`world` would fetch all eleven), from an empty cache."""
    cache.clear()
    user = AnonymousUser() if role == "anonymous" else User.objects.get(pk=_world_rows["users"][role])
    expected = action in ALLOWED[role.split("_")[0]].get(target, set())
    assert _can(user, _target(_world_rows["pages"], role, target), action) is expected


def test_provider_edits_own_service_in_the_admin_but_not_anothers(client, world):
    client.force_login(world["users"]["provider_a"])
    own = world["pages"]["a"]["service"]
    other = world["pages"]["b"]["service"]
    assert client.get(f"/admin/pages/{own.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/{other.pk}/edit/").status_code in (302, 403)
    assert client.get(f"/admin/pages/{world['pages']['category'].pk}/edit/").status_code in (302, 403)
    assert client.get(f"/admin/pages/{world['pages']['minisite'].pk}/edit/").status_code in (302, 403)


def test_provider_sees_only_its_own_provider_page_in_the_explorer(client, world):
    client.force_login(world["users"]["provider_a"])
    response = client.get(f"/admin/pages/{world['pages']['index'].pk}/", follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ente A" in html
    assert "Ente B" not in html


def test_provider_cannot_publish_through_the_admin(client, world):
    client.force_login(world["users"]["provider_a"])
    own = world["pages"]["a"]["service"]
    response = client.get(f"/admin/pages/{own.pk}/edit/")
    html = response.content.decode()
    assert 'name="action-publish"' not in html
    assert 'name="action-submit"' in html


def test_editor_can_open_any_providers_service(client, world):
    client.force_login(world["users"]["editor"])
    assert client.get(f"/admin/pages/{world['pages']['b']['service'].pk}/edit/").status_code == 200


def test_admin_forms_show_the_stored_categories_and_municipi_as_checked_boxes(client, world):
    client.force_login(world["users"]["provider_a"])
    provider_html = client.get(f"/admin/pages/{world['pages']['a']['provider'].pk}/edit/").content.decode()
    assert re.search(r'<input[^>]*name="category_codes"[^>]*value="arte"[^>]*checked', provider_html)
    assert not re.search(r'<input[^>]*name="category_codes"[^>]*value="sport"[^>]*checked', provider_html)
    service_html = client.get(f"/admin/pages/{world['pages']['a']['service'].pk}/edit/").content.decode()
    checked = re.findall(r'<input[^>]*name="municipi_served"[^>]*value="(\d)"[^>]*checked', service_html)
    assert checked == ["5", "6"]
