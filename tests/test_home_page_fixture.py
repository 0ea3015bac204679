"""The `home_page` fixture deletes Wagtail's welcome page with two statements: they do what Wagtail's delete does."""

import pytest
from django.db import router
from django.db.models.deletion import Collector
from wagtail.models import Page, Site

pytestmark = pytest.mark.django_db


def test_wagtails_delete_of_the_welcome_page_removes_only_its_row_and_the_default_site():
    (welcome,) = Page.get_first_root_node().get_children()
    collector = Collector(using=router.db_for_write(Page))
    collector.collect([welcome])

    assert welcome.specific_class is Page and welcome.is_leaf()
    assert {model._meta.label: [obj.pk for obj in objs] for model, objs in collector.data.items()} == {
        "wagtailcore.Page": [welcome.pk],
        "wagtailcore.Site": [Site.objects.get().pk],
    }
    assert not any(queryset.exists() for queryset in collector.fast_deletes)
    # SET_NULL foreign keys to the page (site settings' links, aliases): none is set.
    assert not any(queryset.exists() for querysets in collector.field_updates.values() for queryset in querysets)


def test_the_home_page_is_the_roots_only_child_and_the_tree_is_consistent(home_page):
    root = Page.get_first_root_node()

    assert list(root.get_children()) == [home_page.page_ptr]
    assert root.numchild == 1
    assert Page.find_problems() == ([], [], [], [], [])
    assert Site.objects.get().root_page_id == home_page.pk
