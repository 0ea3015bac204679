"""Choosers and forms offer only what the user may see: nobody reads another provider's unpublished titles."""

import pytest
from django.urls import reverse

from challenges.models import ChallengeIndexPage, ChallengePage
from tests.booking.factories import ChildFactory
from tests.catalog import factories
from tests.catalog.conftest import tree_of, tree_rows
from tests.conftest import build_home_page, module_world

pytestmark = pytest.mark.django_db


def _world() -> dict:
    """The catalogue and two providers with drafts, the first one's staff account."""
    rows = tree_rows(build_home_page())
    mine = factories.provider(rows["index"], "Ente Uno", number=1)
    theirs = factories.provider(rows["index"], "Ente Due", number=2)
    factories.service(mine, title="Mia bozza di corso", live=False)
    factories.service(theirs, title="Bozza segreta di Ente Due", live=False)
    renamed = factories.service(theirs, title="Corso pubblicato")
    renamed.title = "Nuovo nome non ancora approvato"
    renamed.save_revision()
    return {**rows, "mine": mine, "theirs": theirs, "user": factories.provider_user("ente-uno", mine)}


# Built once for the module: fresh instances for each test, whose changes roll back with it.
_world_keys, world = module_world(_world)


@pytest.fixture
def tree(world):
    return tree_of(world)


@pytest.fixture
def two_providers(world):
    return {"mine": world["mine"], "theirs": world["theirs"], "user": world["user"]}


def _chooser_text(client, parent=None, q=None) -> str:
    if q is not None:
        response = client.get(reverse("wagtailadmin_choose_page_search"), {"q": q})
    else:
        response = client.get(reverse("wagtailadmin_choose_page_child", args=[parent.pk]))
    assert response.status_code == 200
    return response.content.decode()  # JSON around the HTML: the titles here are plain ASCII


def test_page_chooser_does_not_list_another_providers_draft_titles(client, two_providers):
    client.force_login(two_providers["user"])
    theirs = _chooser_text(client, parent=two_providers["theirs"])
    assert "Bozza segreta di Ente Due" not in theirs
    assert "Nuovo nome non ancora approvato" not in theirs
    for q in ("Bozza segreta", "Nuovo nome"):
        assert "Bozza segreta" not in _chooser_text(client, q=q)
        assert "Nuovo nome" not in _chooser_text(client, q=q)
    assert "Mia bozza di corso" in _chooser_text(client, parent=two_providers["mine"])


def test_city_editors_still_choose_any_page(client, two_providers):
    client.force_login(factories.editor())
    assert "Bozza segreta di Ente Due" in _chooser_text(client, parent=two_providers["theirs"])


def test_request_form_does_not_show_an_unpublished_service_title(client, tree):
    provider = factories.provider(tree["index"])
    draft = factories.service(provider, title="Servizio non pubblicato", live=False)
    child = ChildFactory()
    client.force_login(child.guardian.user)
    response = client.get(reverse("booking:request_new") + f"?servizio={draft.pk}", follow=True)
    assert "Servizio non pubblicato" not in response.text
    assert "Scegli almeno un servizio dal catalogo" in response.text


def test_service_form_offers_only_published_challenges(tree, world):
    index = world["home"].add_child(instance=ChallengeIndexPage(title="Sfide", slug="sfide"))
    live = index.add_child(instance=ChallengePage(title="Sfida pubblicata", number=1, age_band="0-18", description="1"))
    index.add_child(
        instance=ChallengePage(title="Sfida in bozza", number=2, age_band="0-18", description="2", live=False)
    )
    service = factories.service(factories.provider(tree["index"]))
    form_class = service.get_edit_handler().get_form_class()
    form = form_class(instance=service, for_user=factories.provider_user("ente", service.get_parent().specific))
    assert list(form.fields["challenges"].queryset) == [live]


def test_image_chooser_offers_a_provider_only_its_own_images(client, two_providers, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Collection

    other_user = factories.provider_user("ente-due", two_providers["theirs"])
    collections = {
        user.pk: Collection.objects.filter(group_permissions__group__user=user).distinct().get().pk
        for user in (two_providers["user"], other_user)
    }
    assert len(set(collections.values())) == 2 and Collection.get_first_root_node().pk not in collections.values()
    Image.objects.create(
        title="Foto per il corso in bozza", file=get_test_image_file(), collection_id=collections[other_user.pk]
    )
    mine = collections[two_providers["user"].pk]
    Image.objects.create(title="Foto mia", file=get_test_image_file(), collection_id=mine)

    client.force_login(two_providers["user"])
    listing = client.get(reverse("wagtailimages_chooser:choose")).content.decode()
    assert "Foto mia" in listing
    assert "Foto per il corso in bozza" not in listing


def test_migration_moves_provider_image_rights_off_the_root_collection(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    import importlib

    from django.apps import apps as global_apps
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file
    from wagtail.models import Collection, GroupCollectionPermission

    provider = factories.provider(tree["index"])
    user = factories.provider_user("ente", provider)
    provider.refresh_from_db()
    root = Collection.get_first_root_node()
    GroupCollectionPermission.objects.filter(group=provider.group).update(collection=root)  # the state before
    Collection.objects.exclude(depth=1).delete()
    photo = Image.objects.create(title="Foto", file=get_test_image_file(), uploaded_by_user=user, collection=root)

    importlib.import_module("catalog.migrations.0006_provider_image_collections").own_collections(global_apps, None)

    own = Collection.objects.filter(group_permissions__group=provider.group).distinct().get()
    assert own.pk != root.pk and own.get_parent().pk == root.pk
    photo.refresh_from_db()
    assert photo.collection_id == own.pk
