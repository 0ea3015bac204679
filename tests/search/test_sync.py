"""Index sync: what editors do to service and provider pages reaches the search indices after commit."""

import pytest

from catalog.search_sync import service_documents
from search import sync
from search.api import SearchQuery, get_backend
from search.backends.elasticsearch import ElasticsearchBackend
from search.models import CatalogueEntry, PendingIndexUpdate
from tests.catalog import factories
from tests.catalog.conftest import tree_rows
from tests.conftest import build_home_page, fresh_rows, kept_for_the_module, row_keys

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _catalogue_keys(django_db_setup, django_db_blocker):
    with kept_for_the_module(django_db_blocker):
        rows = tree_rows(build_home_page())
        rows["provider"] = factories.provider(rows["index"], name="Teatro Aperto")
        yield row_keys(rows)


@pytest.fixture
def catalogue(db, _catalogue_keys):
    """The catalogue and a provider without services, built once for the module (`kept_for_the_module`): fresh
    instances for each test, whose pages and index entries roll back with it."""
    rows = fresh_rows(_catalogue_keys)
    return {"catalog": rows["catalog"], "index": rows["index"], "provider": rows["provider"]}


def ids_found(**filters) -> list[int]:
    return get_backend().search(SearchQuery(page_size=100, **filters)).ids


def test_documents_copy_the_sheet_and_provider(catalogue):
    page = factories.service(catalogue["provider"], title="Corsi di teatro", is_free=False)
    (doc,) = service_documents()
    assert doc.id == page.pk
    assert doc.url == "/catalogo/enti/teatro-aperto/corsi-di-teatro/"
    assert (doc.provider_name, doc.provider_url) == ("Teatro Aperto", "/catalogo/enti/teatro-aperto/")
    assert doc.municipi == (5,), "where it takes place: its venue's municipio"
    assert doc.reach_municipi == (5, 6), "delivered at home: the municipi it serves"
    assert doc.delivery == ("domicilio", "sede")
    assert doc.days == (2, 5)
    assert (doc.age_min, doc.age_max, str(doc.price), doc.free, doc.voucher) == (6, 14, "25.00", False, True)
    assert doc.wellbeing_codes() == ("body", "relationships", "creativity")
    assert (doc.rating_average, doc.rating_count) == (None, 0)
    assert "Improvvisazione" in doc.tags
    assert "<p>" not in doc.description


def test_document_source_queries_do_not_grow_with_services(catalogue, django_assert_max_num_queries):
    for n in range(12):
        factories.service(catalogue["provider"], title=f"Servizio {n}", slug=f"servizio-{n}")
    # pks, ratings, services + provider, venues, served municipi, sessions, activities, tags, site root paths
    with django_assert_max_num_queries(10):
        assert len(list(service_documents())) == 12


def test_publish_reaches_the_index_after_commit(catalogue, django_capture_on_commit_callbacks):
    draft = factories.service(catalogue["provider"], title="Calcetto del sabato", live=False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        draft.save_revision().publish()
    assert not CatalogueEntry.objects.exists(), "nothing is indexed before the commit"
    for callback in callbacks:
        callback()
    assert ids_found(q="calcetto") == [draft.pk]


def test_unpublish_and_delete_leave_the_index(catalogue, django_capture_on_commit_callbacks):
    first = factories.service(catalogue["provider"], title="Teatro dei ragazzi", slug="uno")
    second = factories.service(catalogue["provider"], title="Teatro delle ragazze", slug="due")
    sync.update([first.pk, second.pk])
    assert sorted(ids_found(q="teatro")) == sorted([first.pk, second.pk])
    with django_capture_on_commit_callbacks(execute=True):
        first.unpublish()
    assert ids_found(q="teatro") == [second.pk]
    with django_capture_on_commit_callbacks(execute=True):
        second.delete()
    assert ids_found(q="teatro") == []


def test_deleting_a_provider_removes_its_services(catalogue, django_capture_on_commit_callbacks):
    page = factories.service(catalogue["provider"], title="Danza creativa")
    sync.update([page.pk])
    with django_capture_on_commit_callbacks(execute=True):
        catalogue["provider"].delete()
    assert ids_found(q="danza") == []
    assert not CatalogueEntry.objects.exists()


def test_move_and_provider_rename_update_the_documents(catalogue, django_capture_on_commit_callbacks):
    page = factories.service(catalogue["provider"], title="Coro di voci bianche")
    other = factories.provider(catalogue["index"], name="Scuola di Musica", number=2)
    sync.update([page.pk])
    with django_capture_on_commit_callbacks(execute=True):
        page.move(other, pos="last-child")
    entry = CatalogueEntry.objects.get(pk=page.pk)
    assert entry.provider_name == "Scuola di Musica"
    assert entry.url == "/catalogo/enti/scuola-di-musica/coro-di-voci-bianche/"

    other.title = "Civica Scuola di Musica"
    with django_capture_on_commit_callbacks(execute=True):
        other.save_revision().publish()
    assert CatalogueEntry.objects.get(pk=page.pk).provider_name == "Civica Scuola di Musica"
    assert ids_found(q="civica") == [page.pk]


#: An Elasticsearch URL nothing listens on (the discard port).
UNREACHABLE_URL = "http://127.0.0.1:9"


def test_elasticsearch_down_publish_succeeds_queues_and_falls_back(
    catalogue, settings, django_capture_on_commit_callbacks, es_connection
):
    settings.ELASTICSEARCH_URL = UNREACHABLE_URL
    settings.ELASTICSEARCH_COMPAT_HEADERS = False
    draft = factories.service(catalogue["provider"], title="Doposcuola in biblioteca", live=False)
    with django_capture_on_commit_callbacks(execute=True):
        draft.save_revision().publish()
    draft.refresh_from_db()
    assert draft.live
    assert list(PendingIndexUpdate.objects.values_list("service_id", flat=True)) == [draft.pk]
    assert ids_found(q="doposcuola") == [draft.pk], "search falls back to the database table"

    url, compat = es_connection
    settings.ELASTICSEARCH_URL = url
    settings.ELASTICSEARCH_COMPAT_HEADERS = compat
    settings.ELASTICSEARCH_INDEX = f"test-sync-{draft.pk}-{id(settings)}"
    try:
        assert sync.retry() == 1
        assert not PendingIndexUpdate.objects.exists()
        result = get_backend().search(SearchQuery(q="doposcuola"))
        assert (result.backend, result.ids) == ("elasticsearch", [draft.pk])
    finally:
        engine = ElasticsearchBackend.from_settings()
        engine.client.indices.delete(index=f"{engine.alias}-*", ignore_unavailable=True, allow_no_indices=True)


def test_next_successful_write_drains_the_queue(catalogue, settings, es_connection):
    first = factories.service(catalogue["provider"], title="Nuoto libero", slug="nuoto")
    second = factories.service(catalogue["provider"], title="Pallavolo", slug="pallavolo")
    settings.ELASTICSEARCH_URL = UNREACHABLE_URL
    settings.ELASTICSEARCH_COMPAT_HEADERS = False
    assert sync.update([first.pk]) is False
    assert PendingIndexUpdate.objects.get().attempts == 1

    url, compat = es_connection
    settings.ELASTICSEARCH_URL = url
    settings.ELASTICSEARCH_COMPAT_HEADERS = compat
    settings.ELASTICSEARCH_INDEX = f"test-drain-{first.pk}-{id(settings)}"
    ElasticsearchBackend.from_settings().rebuild([])  # the index exists, empty: updates go straight in
    try:
        assert sync.update([second.pk]) is True
        assert not PendingIndexUpdate.objects.exists()
        assert sorted(get_backend().search(SearchQuery()).ids) == sorted([first.pk, second.pk])
    finally:
        engine = ElasticsearchBackend.from_settings()
        engine.client.indices.delete(index=f"{engine.alias}-*", ignore_unavailable=True, allow_no_indices=True)


def test_no_partial_index_is_created_by_an_update(catalogue, settings, es_connection, es_alias):
    """With no index yet, an update leaves searches on the database; the retry indexes the whole catalogue."""
    first = factories.service(catalogue["provider"], title="Scacchi", slug="scacchi")
    second = factories.service(catalogue["provider"], title="Dama", slug="dama")
    sync.update([first.pk])
    settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_COMPAT_HEADERS = es_connection
    settings.ELASTICSEARCH_INDEX = es_alias
    assert sync.update([second.pk]) is False
    assert get_backend().search(SearchQuery()).backend == "database"
    assert sync.retry() == 1
    result = get_backend().search(SearchQuery())
    assert (result.backend, sorted(result.ids)) == ("elasticsearch", sorted([first.pk, second.pk]))
