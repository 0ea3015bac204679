"""Index writing of the database backend: documents as rows, bulk loads, upserts, the version token.

A document is analysed once (`analysis.token_terms`, cached per distinct token) into its `CatalogueEntry`
row; on PostgreSQL its tsvectors are written as literals (`vector_literal`), which the database reads far
faster than it would parse the text with `to_tsvector`. The `CatalogueFacets` row is a projection of the
entry row: on PostgreSQL it is copied by the database (`INSERT ... SELECT`), never sent twice.

Every write replaces `CatalogueVersion.token` with a random one in the same transaction and records the
services it changed in `CatalogueChange` (a rebuild: every service), so that every process's bitmaps
(`snapshot`) are patched with those services, or rebuilt from the new state.
"""

from __future__ import annotations

import functools
import json
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from operator import itemgetter
from typing import Any

from django.db import connection

from search import analysis
from search.backends.database.tables import (
    CHANGES,
    ENTRY,
    ENTRY_ROW,
    FACETS_TABLE,
    FTS,
    FTS_ROW,
    TERMS,
    VERSION,
    facet_row,
    placeholders,
    postgres,
)
from search.documents import ServiceDocument
from search.facets import FACETS as DECLARED
from search.models import CatalogueTerm, padded

BATCH = 2000
#: Change rows kept (`new_version`): a process whose index version is older reloads its bitmaps whole.
KEPT_CHANGES = 1000
VECTORS = ("search_vector", "title_vector")
#: tsvector bounds: positions above 16383 are clamped by PostgreSQL, longer lexemes refused.
MAX_POSITION = 16383
MAX_LEXEME_BYTES = 2047


def batches(items: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


@dataclass
class Rows:
    """A batch of documents as the tables' rows (Python values), and the terms they add.

    `entries` are `ENTRY_ROW` tuples followed by the two vector literals; `texts` the FTS5 rows (SQLite).
    """

    entries: list[tuple]
    texts: list[tuple]
    stems: set[str]
    folded: set[str]

    @property
    def facets(self) -> list[tuple]:
        """The `facet_row()` tuples: the entry rows' facet, filter and sort columns."""
        picked = [ENTRY_ROW.index(column) for column in facet_row()]
        return [tuple(row[i] for i in picked) for row in self.entries]


@functools.lru_cache(maxsize=65536)
def _lexemes(term: str) -> tuple[str, ...]:
    """A term as the 'simple' parser reads it, quoted for a tsvector literal: cut at its apostrophes
    ("sant'ambrogio": two lexemes, at consecutive positions so the query's phrase finds them)."""
    parts = term.split("'") if "'" in term else (term,)
    return tuple(
        "'" + part.replace("\\", "\\\\").replace("'", "''") + "'"
        for part in parts
        if part and len(part.encode()) <= MAX_LEXEME_BYTES
    )


def vector_literal(*weighted: tuple[str, list[str]]) -> str:
    """`setweight(to_tsvector('simple', terms), weight) || ...` of each (weight, terms), as a tsvector literal.

    Positions run on across the lists, as `||` shifts them; each lexeme lists every position it holds.
    """
    positions: dict[str, str] = {}  # lexeme -> "lexeme:position,position..."
    position = 0
    for weight, terms in weighted:
        for lexeme in chain.from_iterable(map(_lexemes, terms)):
            position += 1
            at = f"{position}{weight}" if position < MAX_POSITION else f"{MAX_POSITION}{weight}"
            if lexeme in positions:
                positions[lexeme] += f",{at}"
            else:
                positions[lexeme] = f"{lexeme}:{at}"
    return " ".join(positions.values())


#: Where the FTS5 row's values (`FTS_ROW`) sit in an entry row.
TEXT_AT = tuple(ENTRY_ROW.index(c) for c in ("id", "text_stems", "text_folded", "title_stems", "title_folded"))
_first, _second = itemgetter(0), itemgetter(1)


def to_rows(docs: Iterable[ServiceDocument]) -> Rows:
    """Each document's entry row (analysed text, vectors on PostgreSQL) and FTS5 row, and the terms met."""
    rows = Rows([], [], set(), set())
    rows.entries = list(entry_rows(docs, rows.stems, rows.folded, postgres()))
    rows.texts = [tuple(entry[i] for i in TEXT_AT) for entry in rows.entries]
    return rows


def entry_rows(
    docs: Iterable[ServiceDocument], stems: set[str], folded: set[str], with_vectors: bool
) -> Iterator[tuple]:
    """Each document's entry row (`ENTRY_ROW`, then its two vector literals `with_vectors`), analysed when it is
    asked for, so that a COPY sends a row while the next one is analysed; the terms met are added to `stems`
    and `folded`. Reads nothing from the database."""
    facets = [(facet.column, facet.stored) for facet in DECLARED.values()]
    for doc in docs:
        # Tokens never span the spaces between fields: the title's words start the document's.
        title_terms = list(map(analysis.token_terms, analysis.tokens(doc.title)))
        rest = " ".join((doc.summary, doc.description, doc.provider_name, " ".join(doc.tags)))
        text_terms = title_terms + list(map(analysis.token_terms, analysis.tokens(rest)))
        # Each term once (matching is by term, not by phrase): small rows and vectors, no TOAST.
        text_stems = list(dict.fromkeys(chain.from_iterable(map(_first, text_terms))))
        text_folded = list(dict.fromkeys(chain.from_iterable(map(_second, text_terms))))
        title_stems = list(dict.fromkeys(chain.from_iterable(map(_first, title_terms))))
        title_folded = list(dict.fromkeys(chain.from_iterable(map(_second, title_terms))))
        stems.update(text_stems)
        folded.update(text_folded)
        values = {
            "id": doc.id,
            "title": doc.title,
            "summary": doc.summary,
            "description": doc.description,
            "url": doc.url,
            "provider_id": doc.provider_id,
            "provider_name": doc.provider_name,
            "provider_url": doc.provider_url,
            "category": doc.category,
            "age_min": doc.age_min,
            "age_max": doc.age_max,
            "price": doc.price,
            "sort_price": doc.sort_price,
            "price_unit": doc.price_unit,
            "free": doc.free,
            "voucher": doc.voucher,
            "wellbeing": json.dumps(dict(doc.wellbeing)),
            "rating_average": doc.rating_average,
            "rating_count": doc.rating_count,
            "published_at": doc.published_at,
            "tags": json.dumps(list(doc.tags)) if doc.tags else "[]",
            "text_stems": padded(text_stems),
            "text_folded": padded(text_folded),
            "title_stems": padded(title_stems),
            "title_folded": padded(title_folded),
            "title_ac": padded(analysis.autocomplete_words(doc.title)),
            "provider_ac": _provider_ac(doc.provider_name),
            "title_sort": analysis.fold(doc.title)[:255],
        }
        # Every facet's column: the value, or the values' bitmask (search.facets).
        for column, stored in facets:
            values[column] = stored(doc)
        entry = tuple(map(values.__getitem__, ENTRY_ROW))
        if with_vectors:
            entry += (
                vector_literal(("A", text_stems), ("B", text_folded)),
                vector_literal(("A", title_stems), ("B", title_folded)),
            )
        yield entry


@functools.lru_cache(maxsize=4096)
def _provider_ac(name: str) -> str:
    """A provider name's autocomplete words (providers have many services: computed once each)."""
    return padded(analysis.autocomplete_words(name))


def entry_columns() -> tuple[str, ...]:
    """The columns of `Rows.entries` on this database (the vectors on PostgreSQL only)."""
    return ENTRY_ROW + VECTORS if postgres() else ENTRY_ROW


def _sqlite_row(row: tuple) -> tuple:
    """Python values as the SQLite backend stores them (datetimes and decimals as Django writes them)."""
    ops = connection.ops
    out = []
    for value in row:
        if hasattr(value, "tzinfo"):
            value = ops.adapt_datetimefield_value(value)
        elif value is not None and type(value).__name__ == "Decimal":
            value = ops.adapt_decimalfield_value(value)
        out.append(value)
    return tuple(out)


def insert(cursor, table: str, columns: tuple[str, ...], rows: list[tuple], upsert: bool = False) -> None:
    """Bulk INSERT (or upsert on id) of `rows`; vector columns are cast from their literals."""
    if not rows:
        return
    values = ", ".join("CAST(%s AS tsvector)" if c in VECTORS else "%s" for c in columns)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values})"
    if upsert:
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c != "id")
        sql += f" ON CONFLICT (id) DO UPDATE SET {updates}"
    if not postgres():
        rows = [_sqlite_row(row) for row in rows]
    cursor.executemany(sql, rows)


def copy(cursor, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """PostgreSQL's COPY FROM STDIN through psycopg 3 (values adapted by psycopg), in one stream.

    `rows` must not query the database while they are read: the COPY holds the connection until it ends.
    """
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as stream:
        for row in rows:
            stream.write_row(row)


def facets_from_entries(cursor, ids: list[int] | None = None) -> None:
    """PostgreSQL: (re)write the CatalogueFacets rows of `ids` (None: every entry) from their entry rows."""
    columns = ", ".join(facet_row())
    sql = f"INSERT INTO {FACETS_TABLE} ({columns}) SELECT {columns} FROM {ENTRY}"
    if ids is not None:
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in facet_row() if c != "id")
        sql += f" WHERE id = ANY(%s) ON CONFLICT (id) DO UPDATE SET {updates}"
    cursor.execute(sql, [ids] if ids is not None else [])


def write_texts(cursor, rows: Rows, replace: bool = False) -> None:
    """SQLite: the FTS5 rows of the batch (replacing the documents' old ones)."""
    if replace:
        ids = [row[0] for row in rows.texts]
        cursor.execute(f"DELETE FROM {FTS} WHERE rowid IN ({placeholders(len(ids))})", ids)
    cursor.executemany(f"INSERT INTO {FTS} ({', '.join(FTS_ROW)}) VALUES ({placeholders(5)})", rows.texts)


def term_rows(stems: set[str], folded: set[str]) -> list[tuple[str, str]]:
    terms = [(CatalogueTerm.STEM, t[:100]) for t in sorted(stems)] + [
        (CatalogueTerm.FOLDED, t[:100]) for t in sorted(folded)
    ]
    return list(dict.fromkeys(terms))


def insert_terms(cursor, stems: set[str], folded: set[str]) -> None:
    terms = term_rows(stems, folded)
    if terms:
        cursor.executemany(f"INSERT INTO {TERMS} (kind, term) VALUES (%s, %s) ON CONFLICT DO NOTHING", terms)


def new_version(cursor, ids: Iterable[int] | None = None) -> None:
    """Replace the index's version token and record the write's changed service ids (None: every service, as
    a rebuild), in the caller's transaction: every process's snapshot is stale, and can be patched.

    The version row is locked first (PostgreSQL; SQLite has one writer at a time), so the `CatalogueChange`
    rows are numbered in commit order and each one's `token_before` is the token its write replaced. Only
    the last `KEPT_CHANGES` rows are kept.
    """
    if postgres():
        cursor.execute(f"SELECT token FROM {VERSION} WHERE id = 1 FOR UPDATE")
    token = secrets.randbits(62) + 1
    changed = None if ids is None else json.dumps(sorted(set(ids)))
    cursor.execute(
        f"INSERT INTO {CHANGES} (token_before, token_after, ids)"
        f" SELECT COALESCE((SELECT token FROM {VERSION} WHERE id = 1), 0), %s, %s",
        [token, changed],
    )
    cursor.execute(
        f"INSERT INTO {VERSION} (id, token) VALUES (1, %s) ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token",
        [token],
    )
    cursor.execute(f"DELETE FROM {CHANGES} WHERE id <= (SELECT MAX(id) FROM {CHANGES}) - %s", [KEPT_CHANGES])
