"""The demo catalogue's bulk load: ~600 live service pages saved without Wagtail's per-page overhead.

Split from catalog/demo.py (what the demo contains) so that this module holds only how it is written fast:
tree paths computed here, pages and their log entries inserted in bulk, search signals off, inline rows inserted
with one bulk_create per table.
"""

from contextlib import contextmanager

from django.db import connections, router
from django.db.models.signals import post_save
from django.utils import timezone
from modelsearch.signal_handlers import post_save_signal_handler
from taggit.models import Tag
from wagtail.models import Page, PageLogEntry

from catalog.models import ProviderPage, ServicePage, ServiceTag
from theme import chrome_cache


def add_live_children(parent, pages) -> None:
    """Add the unsaved `pages` (all of one page type) live under `parent`, as `add_child` one by one would, in four
    queries instead of about twelve a page: tree paths and URL paths computed here, the Page rows with one
    bulk_create, the page type's own rows with one more INSERT (`_insert_own_rows`), the «wagtail.create» log entry
    `Page.save` writes for a new page with one bulk_create, the parent's numchild updated once. Ids follow the order
    of `pages`, as they would one by one.

    What else `Page.save` does is not needed here: validation (the generator's values are valid by construction; the
    tests build services through the same models with full validation), the search and reference index updates (the
    demo rebuilds the search index in bulk; it skips the reference index for these pages), the site-root check (a
    service is never a site's root). The menu cache is invalidated once, as the saves' signal would.
    """
    if not pages:
        return
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
        page.set_url_path(parent)
    base_fields = Page._meta.concrete_fields
    rows = Page.objects.bulk_create(
        [Page(**{f.attname: getattr(page, f.attname) for f in base_fields}) for page in pages]
    )
    for page, row in zip(pages, rows, strict=True):
        if row.pk is None:  # a database that does not return ids from bulk inserts (not PostgreSQL nor SQLite)
            raise NotImplementedError("add_live_children needs ids returned by bulk inserts")
        page.pk = page.id = row.pk
        page._state.adding, page._state.db = False, row._state.db
    _insert_own_rows(pages)
    PageLogEntry.objects.bulk_create(
        PageLogEntry(
            content_type_id=page.content_type_id,
            label=PageLogEntry.objects.get_instance_title(page),
            action="wagtail.create",
            timestamp=timezone.now(),
            data={},
            content_changed=True,
            page=page,
        )
        for page in pages
    )
    Page.objects.filter(pk=parent.pk).update(numchild=start + len(pages))
    parent.numchild = start + len(pages)
    chrome_cache.invalidate()


def _insert_own_rows(pages) -> None:
    """INSERT the rows of the page type's own table (its local fields, `page_ptr` first) for `pages`, whose Page rows
    exist: the part of a multi-table save that Django's bulk_create refuses for a model with a concrete parent."""
    model = type(pages[0])
    fields = model._meta.local_concrete_fields
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields))
    )
    values = [[f.get_db_prep_save(f.pre_save(page, True), connection) for f in fields] for page in pages]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)


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
