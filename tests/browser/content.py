"""What a transactional browser test needs before `load_demo`: the rows Wagtail's migrations insert."""

from django.conf import settings
from wagtail.models import Collection, Locale, Page


def ensure_tree_root() -> None:
    """Recreate what Wagtail's migrations insert (locale, root page, root collection) after a test's flush."""
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
