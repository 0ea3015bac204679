"""Keeping the indices in step with the catalogue, one service at a time.

`update(ids)` reads the current state of those services from the document source: the published ones
are (re)indexed, the others deleted. The database table is always written first, so the embedded
default and the fallback are right even when Elasticsearch is down. An Elasticsearch failure is logged
and the ids are queued in `PendingIndexUpdate`; the queue is drained by the next successful write and
by `catalogue_index retry`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F

from search.api import SearchUnavailable
from search.backends.database import DatabaseBackend
from search.documents import ServiceDocument, document_source
from search.models import PendingIndexUpdate

logger = logging.getLogger(__name__)


def _split(ids: set[int]) -> tuple[list[ServiceDocument], list[int]]:
    """(documents of the services still published, ids of the others)."""
    docs = list(document_source(ids=sorted(ids)))
    return docs, sorted(ids - {doc.id for doc in docs})


def _elasticsearch():
    if not getattr(settings, "ELASTICSEARCH_URL", ""):
        return None
    from search.backends.elasticsearch import ElasticsearchBackend

    return ElasticsearchBackend.from_settings()


def _write(engine, docs: list[ServiceDocument], gone: list[int]) -> None:
    if docs:
        engine.index(docs)
    if gone:
        engine.delete(gone)


def _alias_exists(engine) -> bool:
    from search.backends.elasticsearch import UNREACHABLE

    try:
        # Through the circuit breaker: a cluster that just failed is not waited for again.
        return bool(engine.guarded(lambda: engine.client.indices.exists_alias(name=engine.alias)))
    except UNREACHABLE as error:
        raise SearchUnavailable(str(error)) from error


def _write_elasticsearch(engine, docs: list[ServiceDocument], gone: list[int]) -> None:
    """Never create the index from a few documents: searches would see a partial catalogue instead of falling back."""
    if not _alias_exists(engine):
        raise SearchUnavailable(f"index {engine.alias} does not exist yet: run `catalogue_index rebuild`")
    _write(engine, docs, gone)


def _queue(ids: Iterable[int], error: Exception) -> None:
    message = str(error)[:2000]
    for service_id in ids:
        queued, created = PendingIndexUpdate.objects.get_or_create(
            service_id=service_id, defaults={"last_error": message}
        )
        if not created:
            PendingIndexUpdate.objects.filter(pk=queued.pk).update(attempts=F("attempts") + 1, last_error=message)


def update(ids: Iterable[int]) -> bool:
    """Bring these services up to date in every index; False when Elasticsearch failed (they are queued)."""
    ids = set(ids)
    if not ids:
        return True
    docs, gone = _split(ids)
    _write(DatabaseBackend(), docs, gone)
    engine = _elasticsearch()
    if engine is None:
        return True
    try:
        _write_elasticsearch(engine, docs, gone)
    except SearchUnavailable as error:
        logger.warning("Elasticsearch update of services %s failed (%s): queued for retry", sorted(ids), error)
        with transaction.atomic():
            _queue(ids, error)
        return False
    PendingIndexUpdate.objects.filter(service_id__in=ids).delete()
    try:
        retry()
    except SearchUnavailable:
        logger.warning("Elasticsearch retry of the queued updates failed: they stay queued")
    return True


def retry() -> int:
    """Write the queued services to Elasticsearch; returns how many left the queue (raises if still down).

    With no index at all (a new or wiped cluster) the whole catalogue is indexed, behind the alias, at once.
    """
    engine = _elasticsearch()
    queued = dict(PendingIndexUpdate.objects.values_list("pk", "service_id"))
    if not queued:
        return 0
    if engine is None:
        PendingIndexUpdate.objects.filter(pk__in=queued).delete()
        return len(queued)
    try:
        if _alias_exists(engine):
            _write(engine, *_split(set(queued.values())))
        else:
            engine.rebuild(document_source())
    except SearchUnavailable as error:
        with transaction.atomic():
            _queue(queued.values(), error)
        raise
    PendingIndexUpdate.objects.filter(pk__in=queued).delete()
    return len(queued)


def pending() -> int:
    return PendingIndexUpdate.objects.count()
