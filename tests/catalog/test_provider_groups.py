"""A provider's staff group is tied to its page by key: a same-name provider can never take over another's group."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import GroupPagePermission

from catalog import register
from catalog.models import ProviderPage, RegisterApplication
from catalog.workflow import grant_provider_permissions
from core.vocabularies import Category
from tests.booking.factories import ChildFactory, make_request
from tests.catalog import factories

pytestmark = pytest.mark.django_db

LONG_NAME = "Associazione sportiva dilettantistica " + "Polisportiva dei Navigli e delle Periferie " * 3


def _application(name: str, number: int) -> RegisterApplication:
    return factories.RegisterApplicationFactory(
        organisation_name=name,
        number=number,
        email=f"segreteria{number}@example.org",
        contact_email=f"catalogo{number}@example.org",
        declared=True,
        categories=[Category.ARTE],
    )


def _approve(name: str, number: int):
    application = _application(name, number)
    page = register.approve(application, by=factories.editor(f"redattore{number}"))
    application.refresh_from_db()
    return ProviderPage.objects.get(pk=page.pk), application.provider_user


@pytest.mark.parametrize(
    ("first_name", "second_name"),
    [
        ("Teatro dei Ragazzi", "Teatro dei Ragazzi"),
        (LONG_NAME[:144] + " Nord", LONG_NAME[:144] + " Sud"),
    ],
    ids=["same-name", "same-first-144-characters"],
)
def test_same_name_application_gets_its_own_group(client, tree, first_name, second_name):
    first_page, first_user = _approve(first_name, 1)
    service = factories.service(first_page, title="Corso di teatro")
    child = ChildFactory(first_name="Giacomo")
    request = make_request(service, child=child)

    second_page, second_user = _approve(second_name, 2)

    assert first_page.group_id and second_page.group_id and first_page.group_id != second_page.group_id
    assert list(first_user.groups.all()) == [first_page.group]
    assert list(second_user.groups.all()) == [second_page.group]
    assert Group.objects.get(pk=second_page.group_id).name.startswith("Ente: ")

    # Pages: each edits only its own subtree.
    assert not first_page.permissions_for_user(second_user).can_edit()
    assert not service.permissions_for_user(second_user).can_edit()
    assert not second_page.permissions_for_user(first_user).can_edit()
    assert first_page.permissions_for_user(first_user).can_edit()

    # Requests, children's names and birth dates: nothing of the first provider reaches the second.
    client.force_login(second_user)
    listing = client.get(reverse("booking_provider_requests"))
    assert listing.status_code == 200
    assert list(listing.context["requests"]) == []
    assert "Giacomo" not in listing.text
    assert client.get(reverse("booking_provider_request", args=[request.pk])).status_code == 404
    explorer = client.get(reverse("wagtailadmin_explore", args=[first_page.pk]))
    assert "Corso di teatro" not in explorer.text

    client.force_login(first_user)
    assert [r.pk for r in client.get(reverse("booking_provider_requests")).context["requests"]] == [request.pk]


def test_the_group_link_survives_publishing_an_old_revision(tree):
    page = factories.provider(tree["index"])
    revision = page.save_revision()
    group = grant_provider_permissions(page)
    revision.publish()
    page.refresh_from_db()
    assert page.group_id == group.pk
    assert grant_provider_permissions(page) == group


def test_migration_splits_a_group_shared_by_two_same_name_providers(tree):
    """What approvals did before the key: one «Ente: <name>» group holding both providers' rights and users."""
    first = factories.provider(tree["index"], "Teatro dei Ragazzi", number=1)
    second = factories.provider(tree["index"], "Teatro dei Ragazzi", number=2)
    shared = Group.objects.create(name="Ente: Teatro dei Ragazzi")
    for page in (first, second):
        for codename in ("add_page", "change_page"):
            GroupPagePermission.objects.create(group=shared, page=page, permission_id=_perm(codename))
    owner_one, owner_two = factories.user("uno"), factories.user("due")
    for user in (owner_one, owner_two):
        user.groups.add(shared)
    ProviderPage.objects.filter(pk=first.pk).update(owner=owner_one)
    application = _application("Teatro dei Ragazzi", 2)
    RegisterApplication.objects.filter(pk=application.pk).update(provider_page=second, provider_user=owner_two)

    migration = importlib.import_module("catalog.migrations.0004_link_provider_groups")
    migration.link_provider_groups(global_apps, None)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.group == shared
    assert second.group not in (None, shared)
    assert list(owner_one.groups.all()) == [shared]
    assert list(owner_two.groups.all()) == [second.group]
    assert set(GroupPagePermission.objects.filter(group=shared).values_list("page_id", flat=True)) == {first.pk}
    assert first.permissions_for_user(owner_one).can_edit()
    assert not first.permissions_for_user(owner_two).can_edit()
    assert second.permissions_for_user(owner_two).can_edit()


def _perm(codename: str) -> int:
    from django.contrib.auth.models import Permission

    return Permission.objects.get(content_type__app_label="wagtailcore", codename=codename).pk
