"""Wagtail's reference index brought up to date once per object at the end of a bulk load, not after every save.

Wagtail keeps, for each saved object of a tracked model, the references it holds (`wagtailcore.ReferenceIndex`:
what the admin's "usage" pages and delete warnings read). Its post_save handler enqueues
`wagtail.tasks.update_reference_index_task` on every save; with the project's task backend (django_tasks'
immediate backend: TASKS is not set) that runs at once, five to six queries a save: about 1,400 saves, a third of
the queries, in `manage.py load_demo`.

`deferred_reference_index()` collects those tasks instead and, when its block ends without an error, brings each
collected object up to date once, with Wagtail's own `ReferenceIndex.create_or_update_for_object`, the objects read
in one query per model and all in one transaction. Wagtail's handler still decides what is collected (tracked
models, raw fixture loads, `disable_reference_index_auto_update` blocks), so the index ends as the saves one by one
would have left it, provided nothing in the block changes a saved object's references without saving it again.
"""

import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.apps import apps
from django.db import transaction
from modelcluster.fields import ParentalKey
from wagtail import signal_handlers
from wagtail.models import ReferenceIndex


class _Collector:
    """Stands in for `update_reference_index_task` in Wagtail's post_save handler: remembers (app label, model name,
    pk) in the order of each object's last save. Saves made by other threads go to the task it replaced."""

    def __init__(self, task):
        self.task = task
        self.thread = threading.get_ident()
        self.pending: dict[tuple[str, str, str], None] = {}

    def enqueue(self, app_label: str, model_name: str, pk: str):
        if threading.get_ident() != self.thread:
            return self.task.enqueue(app_label, model_name, pk)
        key = (app_label, model_name, pk)
        self.pending.pop(key, None)
        self.pending[key] = None
        return None


@contextmanager
def deferred_reference_index() -> Iterator[None]:
    """Within the block, saves do not update Wagtail's reference index one by one; at its end (without an error) each
    object saved is updated once, in its state then (see the module docstring). Blocks may nest: the inner one
    updates its objects when it ends."""
    collector = _Collector(signal_handlers.update_reference_index_task)
    signal_handlers.update_reference_index_task = collector
    try:
        yield
    finally:
        signal_handlers.update_reference_index_task = collector.task
    update_references(collector.pending)


def _indexed_parent(instance):
    """What `update_reference_index_task` indexes for a saved `instance`: the instance, or for a child model (one with
    a ParentalKey, e.g. a page's inline rows) its parent, followed up to the top; None for an orphan child."""
    while instance is not None:
        parental_keys = [field for field in instance._meta.get_fields() if isinstance(field, ParentalKey)]
        if not parental_keys:
            return instance
        instance = getattr(instance, parental_keys[0].name)
    return None


def update_references(keys: Iterable[tuple[str, str, str]]) -> int:
    """Bring the reference index up to date for these saved objects, as `update_reference_index_task` does for each.

    keys: (app label, model name, primary key as a string), the task's arguments, in the order of the saves; an object
    deleted since is skipped (the task would fail to find it). Runs in one transaction; returns how many objects were
    indexed.
    """
    keys = list(keys)
    wanted: dict[type, list] = defaultdict(list)
    for app_label, model_name, pk in keys:
        model = apps.get_model(app_label, model_name)
        wanted[model].append(model._meta.pk.to_python(pk))
    found = {model: model.objects.in_bulk(pks) for model, pks in wanted.items()}
    indexed: dict[tuple[type, object], object] = {}
    for app_label, model_name, pk in keys:
        model = apps.get_model(app_label, model_name)
        instance = _indexed_parent(found[model].get(model._meta.pk.to_python(pk)))
        if instance is not None and ReferenceIndex.is_indexed(instance._meta.model):
            key = (type(instance), instance.pk)
            indexed.pop(key, None)
            indexed[key] = instance
    if not indexed:
        return 0
    with transaction.atomic():
        for instance in indexed.values():
            ReferenceIndex.create_or_update_for_object(instance)
    return len(indexed)
