"""The demo catalogue's bulk load: ~600 live service pages saved without Wagtail's per-page overhead.

Split from catalog/demo.py (what the demo contains) so that this module holds only how it is written fast:
tree paths computed here, search signals off, inline rows inserted with one bulk_create per table.
"""

from contextlib import contextmanager

from django.db.models.signals import post_save
from modelsearch.signal_handlers import post_save_signal_handler
from taggit.models import Tag
from wagtail.models import Page

from catalog.models import ProviderPage, ServicePage, ServiceTag


def add_live_children(parent, pages) -> None:
    """add_child without its per-page overhead: paths computed here, the parent's numchild updated once.

    The generator's values are valid by construction (the tests build services through the same models with
    full validation), so the bulk path skips full_clean.
    """
    start = parent.numchild
    for step, page in enumerate(pages, start=start + 1):
        page.depth = parent.depth + 1
        page.path = parent._get_path(parent.path, page.depth, step)
        page.numchild = 0
        page.locale_id = parent.locale_id
        page.provider_page = parent
        page.live = True
        page.has_unpublished_changes = False
        page.last_published_at = page.first_published_at
        page._cached_parent_obj = parent
        page.save(clean=False)
    Page.objects.filter(pk=parent.pk).update(numchild=start + len(pages))
    parent.numchild = start + len(pages)


@contextmanager
def search_signals_disconnected():
    """No per-page search index update for providers and services while the demo loads (rebuilt in bulk)."""
    models = (ProviderPage, ServicePage)
    for model in models:
        post_save.disconnect(post_save_signal_handler, sender=model)
    try:
        yield
    finally:
        for model in models:
            post_save.connect(post_save_signal_handler, sender=model)


def bulk_children(created, tag_names) -> None:
    """Insert the services' inline rows, tags and challenge links with one bulk_create per table. `created` is
    [(saved service page, {"children": {model: [unsaved rows]}, "tags": [names], "challenges": [pages]})]."""
    rows: dict[type, list] = {}
    tags = {name: Tag.objects.get_or_create(name=name)[0] for name in sorted(tag_names)}
    Through = ServicePage.challenges.through
    for page, related in created:
        for model, items in related["children"].items():
            for order, item in enumerate(items):
                item.page_id = page.pk
                if hasattr(item, "sort_order"):
                    item.sort_order = order
                rows.setdefault(model, []).append(item)
        rows.setdefault(ServiceTag, []).extend(
            ServiceTag(content_object_id=page.pk, tag=tags[t]) for t in related["tags"]
        )
        rows.setdefault(Through, []).extend(
            Through(servicepage_id=page.pk, challengepage_id=c.pk) for c in related["challenges"]
        )
    for model, items in rows.items():
        model.objects.bulk_create(items, batch_size=500)
