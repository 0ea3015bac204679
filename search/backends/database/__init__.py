"""The embedded backend: search over the `search` app's tables with the shared Italian analysis.

Text matching uses the same analysis as the Elasticsearch mapping (stems + folded words with their
synonyms written at index time), so both backends find the same documents on SQLite and PostgreSQL.

The package, by responsibility:

- `tables`: table names, row shapes, facet conditions as SQL, a hit's row as its document;
- `text`: a query word's index terms (exact first, typos only when the exact ones occur nowhere) and the
  services holding them, through the full-text index (PostgreSQL GIN, SQLite FTS5);
- `snapshot`: facet counting and paging on Roaring bitmaps of the index kept per index version and patched
  with the services each write changed, so a search costs about the same at 1,000 and at 50,000 services,
  and so does the first one after a provider edits a sheet;
- `ordering`: the sort orders, in SQL and mirrored in Python, and a sort order's ids in chunks of bitmaps;
- `loading`: the one statement a search runs to check the index version and load a patch or a whole snapshot;
- `writing`: documents as rows, COPY / bulk INSERT, upserts, the version token and the log of changed ids.

A search is at most three queries, two once its words have been met: the index version (with, when it
changed, the changed services' data, or the whole new snapshot's), the services holding words not met yet,
and the page's rows by key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from django.db import connection, transaction

from search import analysis
from search.api import Drift, SearchBackend, SearchQuery, SearchResult, Suggestion, build_facets
from search.backends.database import snapshot
from search.backends.database.tables import (
    DOCUMENT_COLUMNS,
    ENTRY,
    ENTRY_ROW,
    FACETS_TABLE,
    FTS,
    GIN_INDEX,
    TERMS,
    facet_row,
    placeholders,
    postgres,
    to_document,
)
from search.backends.database.writing import (
    batches,
    copy,
    entry_columns,
    entry_rows,
    facets_from_entries,
    insert,
    insert_terms,
    new_version,
    term_rows,
    to_rows,
    write_texts,
)
from search.documents import ServiceDocument
from search.models import CatalogueEntry

__all__ = ["ENTRY_ROW", "DatabaseBackend", "copy", "entry_columns", "facet_row", "insert", "to_rows"]


class DatabaseBackend(SearchBackend):
    name = "database"

    # Writing

    def index(self, docs: Iterable[ServiceDocument]) -> int:
        written = 0
        for batch in batches(docs):
            rows = to_rows(batch)
            with transaction.atomic(), connection.cursor() as cursor:
                insert(cursor, ENTRY, entry_columns(), rows.entries, upsert=True)
                if postgres():
                    facets_from_entries(cursor, [row[0] for row in rows.entries])
                else:
                    insert(cursor, FACETS_TABLE, facet_row(), rows.facets, upsert=True)
                    write_texts(cursor, rows, replace=True)
                insert_terms(cursor, rows.stems, rows.folded)
                new_version(cursor, [row[0] for row in rows.entries])
            written += len(batch)
        return written

    def delete(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        if not ids:
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for table, key in ((ENTRY, "id"), (FACETS_TABLE, "id")) + (() if postgres() else ((FTS, "rowid"),)):
                for batch in batches(ids):
                    cursor.execute(f"DELETE FROM {table} WHERE {key} IN ({placeholders(len(batch))})", batch)
            new_version(cursor, ids)

    def rebuild(self, docs: Iterable[ServiceDocument], progress: Callable[[int], None] | None = None) -> int:
        """Replace every row: emptied tables, then a bulk load, the indexes last.

        PostgreSQL: the entries in one COPY per batch (vectors as literals; each row analysed as it is sent, the
        database storing one while Python analyses the next), the facet rows copied from them
        by the database, then the GIN index and the statistics; the tables are locked until the load
        commits (searches wait a few seconds). SQLite: bulk INSERTs.
        """
        written = 0
        stems: set[str] = set()
        folded: set[str] = set()

        def read() -> Iterator[list[ServiceDocument]]:
            """The documents in batches, each read whole before it is written."""
            nonlocal written
            for batch in batches(docs):
                yield batch
                written += len(batch)
                if progress:
                    progress(written)

        with transaction.atomic(), connection.cursor() as cursor:
            if postgres():
                cursor.execute(f"TRUNCATE {ENTRY}, {FACETS_TABLE}, {TERMS}")
                cursor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")
                # One COPY per batch, started only once the batch's documents are read: a document read inside
                # an open COPY (a cold cache asking the database for the site's root paths) would wait for
                # the connection the COPY holds, for ever. Inside it each row is analysed as it is sent, so the
                # database stores one (psycopg sends from a thread of its own) while Python analyses the next.
                for batch in read():
                    copy(cursor, ENTRY, entry_columns(), entry_rows(batch, stems, folded, with_vectors=True))
                facets_from_entries(cursor)
                copy(cursor, TERMS, ("kind", "term"), term_rows(stems, folded))
                cursor.execute(f"CREATE INDEX {GIN_INDEX} ON {ENTRY} USING gin (search_vector)")
                # The planner needs the narrow table's statistics; the vectors' (slow to gather) are
                # left to autovacuum: the text filter's plan is the GIN index either way.
                cursor.execute(f"ANALYZE {FACETS_TABLE}")
                cursor.execute(f"ANALYZE {ENTRY} (id)")
            else:
                for table in (ENTRY, FACETS_TABLE, TERMS, FTS):
                    cursor.execute(f"DELETE FROM {table}")
                for batch in read():
                    rows = to_rows(batch)
                    stems.update(rows.stems)
                    folded.update(rows.folded)
                    insert(cursor, ENTRY, ENTRY_ROW, rows.entries)
                    insert(cursor, FACETS_TABLE, facet_row(), rows.facets)
                    write_texts(cursor, rows)
                insert_terms(cursor, stems, folded)
            new_version(cursor)
        return written

    def check(self, docs: Iterable[ServiceDocument]) -> Drift:
        expected = {doc.id: doc for doc in docs}
        stored = {
            entry.id: entry.to_document()
            for entry in CatalogueEntry.objects.only(*DOCUMENT_COLUMNS).iterator(chunk_size=2000)
        }
        return Drift(
            missing=sorted(expected.keys() - stored.keys()),
            extra=sorted(stored.keys() - expected.keys()),
            stale=sorted(i for i in expected.keys() & stored.keys() if expected[i] != stored[i]),
        )

    # Reading

    def search(self, query: SearchQuery) -> SearchResult:
        """Counts and page from the bitmaps of `snapshot` (see there); only the page's rows are read."""
        index = snapshot.current()
        words = analysis.query_words(query.q)
        base, titles = index.match(words) if words else (index.everything, [])
        if query.age is not None:
            base = base & index.age(query.age)
        if query.provider is not None:
            base = base & index.provider(query.provider)
        hits, counts = index.count(base, query)
        sort = query.effective_sort
        if sort == "relevance" and words:
            levels, order = snapshot.score_levels(hits, titles), "newest"
        else:
            levels, order = [hits], "newest" if sort == "relevance" else sort
        ids = index.page(levels, order, query.offset, query.offset + query.page_size)
        return SearchResult(
            count=len(hits),
            hits=self._documents(ids),
            facets=build_facets(query, counts),
            query=query,
            backend=self.name,
        )

    @staticmethod
    def _documents(ids: list[int]) -> list[ServiceDocument]:
        """The page's documents, by key, in the page's order (one query; none for an empty page)."""
        if not ids:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(DOCUMENT_COLUMNS)} FROM {ENTRY} WHERE id IN ({placeholders(len(ids))})", ids
            )
            found = {row[0]: to_document(row) for row in cursor.fetchall()}
        return [found[pk] for pk in ids if pk in found]

    def autocomplete(self, prefix: str, limit: int = 8) -> list[Suggestion]:
        words = analysis.autocomplete_words(prefix)
        if not words:
            return []
        *complete, last = words
        conditions = [f" {w} " for w in complete] + [f" {last}"]

        def matching(column: str):
            rows = CatalogueEntry.objects.all()
            for fragment in conditions:
                rows = rows.filter(**{f"{column}__contains": fragment})
            return rows

        services = matching("title_ac").order_by("title_sort", "id")
        providers = (
            matching("provider_ac").values_list("provider_name", "provider_url").order_by("provider_name").distinct()
        )
        return [Suggestion(name, "provider", url) for name, url in providers[:limit]] + [
            Suggestion(entry.title, "service", entry.url) for entry in services.only("title", "url")[:limit]
        ]
