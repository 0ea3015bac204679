"""The embedded backend: search over the `search` app's tables with the shared Italian analysis.

Text matching uses the same analysis as the Elasticsearch mapping (stems + folded words with their
synonyms written at index time), so both backends find the same documents on SQLite and PostgreSQL.

A search is at most two queries:

1. (with text only) the vocabulary's version and, for each query word, whether its exact and stemmed
   terms occur in any service. A word that occurs nowhere is expanded to the index terms within its
   typo distance (`analysis.fuzzy_matches`: Elasticsearch's fuzziness, `prefix_length` and
   `max_expansions`); a word that occurs is matched exactly, so "calcio" stays "calcio" and its synonyms.
2. One statement for the rest: the services matching the text (PostgreSQL: the GIN index of
   `search_vector`; SQLite: the FTS5 table), with the title score (how many query words the title
   holds, from `title_vector` / the FTS5 title columns), joined to the narrow `CatalogueFacets` rows;
   from those, the total and every disjunctive facet count as `COUNT(*) FILTER (WHERE ...)` in one
   pass, and the page as ids and sort keys (ORDER BY ... LIMIT, on an index when there is no text);
   only the page's rows are read from the wide `CatalogueEntry` table, by key.

Writing: `rebuild` loads with `COPY` on PostgreSQL (psycopg 3's `cursor.copy`) into emptied tables,
the vectors being generated columns and the GIN index built after loading; on SQLite with bulk
`INSERT`s. `index` upserts, `delete` deletes, both in all the tables.
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from search import analysis
from search.api import FACETS, Drift, SearchBackend, SearchQuery, SearchResult, Suggestion, build_facets
from search.documents import ServiceDocument
from search.facets import FACETS as DECLARED
from search.facets import Filtering, to_mask
from search.models import CatalogueEntry, CatalogueTerm, from_mask, padded

BATCH = 2000
ENTRY = CatalogueEntry._meta.db_table
FACETS_TABLE = "search_cataloguefacets"
TERMS = CatalogueTerm._meta.db_table
FTS = "search_catalogue_fts"
GIN_INDEX = "search_entry_vector_gin"

#: Page order of each sort, over the sort keys (relevance needs text).
ORDER_BY: dict[str, str] = {
    "relevance": "{p}score DESC, {p}published_at DESC NULLS LAST, {p}id",
    "price": "{p}sort_price ASC NULLS LAST, {p}id",
    "-price": "{p}sort_price DESC NULLS LAST, {p}id",
    "rating": "{p}rating_average DESC NULLS LAST, {p}rating_count DESC, {p}id",
    "newest": "{p}published_at DESC NULLS LAST, {p}id",
    "name": "{p}title_sort, {p}id",
}
SORT_KEYS = ("id", "score", "sort_price", "rating_average", "rating_count", "published_at", "title_sort")
#: The columns of CatalogueFacets besides the declared facets' own.
FILTER_AND_SORT_COLUMNS = (
    "age_min",
    "age_max",
    "provider_id",
    "sort_price",
    "rating_average",
    "rating_count",
    "published_at",
    "title_sort",
)


def facet_row() -> tuple[str, ...]:
    """The columns of a CatalogueFacets row: id, every declared facet's column (search.facets), filters, sort keys.

    A facet over a new document attribute needs its column on CatalogueFacets and CatalogueEntry (a migration).
    """
    return ("id", *dict.fromkeys(facet.column for facet in DECLARED.values()), *FILTER_AND_SORT_COLUMNS)


#: Every stored column of CatalogueEntry (the vectors are generated, never written).
ENTRY_ROW = tuple(
    f.column for f in CatalogueEntry._meta.concrete_fields if f.name not in ("search_vector", "title_vector")
)
#: What a hit needs to become a ServiceDocument again.
DOCUMENT_COLUMNS = tuple(
    c for c in ENTRY_ROW if c not in ("text_stems", "text_folded", "title_stems", "title_folded", "title_ac")
)
FTS_ROW = ("rowid", "stems", "folded", "title_stems", "title_folded")


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _batches(items: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _placeholders(n: int) -> str:
    return ", ".join(["%s"] * n)


# Facet conditions and counts -----------------------------------------------------------------------------------------


def condition_sql(facet: str, values: Iterable[Any], alias: str = "m") -> tuple[str, list[Any]]:
    """Rows having any of `values` for `facet` (OR within a facet), as SQL over `CatalogueFacets`.

    The column and its storage come from the facet's declaration (`search.facets`: a bitmask for MULTI facets).
    """
    declared = DECLARED[facet]
    column = declared.column
    values = sorted(values, key=str)
    if declared.filtering is Filtering.MULTI:
        return f"({alias}.{column} & %s) <> 0", [to_mask(values, declared.bits)]
    if len(values) == 1:
        return f"{alias}.{column} = %s", values
    return f"{alias}.{column} IN ({_placeholders(len(values))})", values


def counts_sql(query: SearchQuery) -> tuple[list[str], list[Any]]:
    """`_counts_sql` of the query's selections and the declared facets (cached per both)."""
    declared = tuple((code, id(facet)) for code, facet in DECLARED.items())
    return _counts_sql(tuple((facet, frozenset(query.selected(facet))) for facet in FACETS), declared)


@functools.lru_cache(maxsize=1024)
def _counts_sql(
    selections: tuple[tuple[str, frozenset[Any]], ...], declared: tuple[tuple[str, int], ...]
) -> tuple[list[str], list[Any]]:
    """The total and every facet value's disjunctive count, as `COUNT(*) FILTER (WHERE ...)` columns.

    A value of facet F is counted over the rows matching every other facet's selection (not F's):
    OR within a facet, AND across facets, as Elasticsearch's `post_filter` + filter aggregations.
    """
    active = {facet: condition_sql(facet, values) for facet, values in selections if values}
    columns: list[str] = []
    params: list[Any] = []

    def count_where(conditions: list[tuple[str, list[Any]]]) -> None:
        if conditions:
            columns.append(f"COUNT(*) FILTER (WHERE {' AND '.join(c for c, _ in conditions)})")
            params.extend(p for _, ps in conditions for p in ps)
        else:
            columns.append("COUNT(*)")

    count_where(list(active.values()))
    for facet, values in FACETS.items():
        others = [cond for name, cond in active.items() if name != facet]
        for value in values:
            count_where([*others, condition_sql(facet, [value])])
    return columns, params


def _read_counts(numbers: Iterator[int]) -> tuple[int, dict[str, dict[Any, int]]]:
    total = next(numbers)
    return total, {facet: {value: next(numbers) for value in values} for facet, values in FACETS.items()}


# Text -----------------------------------------------------------------------------------------------------------------


class Vocabulary:
    """The index vocabulary grouped by term length, cached per process with its fuzzy lookups.

    The cache key is the highest term id: terms are only ever added, or all deleted, and ids are
    never reused (AUTOINCREMENT on SQLite, sequences on PostgreSQL), so it changes whenever the
    vocabulary does. Loaded only when a query word needs typo tolerance.
    """

    _cached: Vocabulary | None = None

    def __init__(self, key: int | None):
        self.key = key
        self.by_length: dict[str, dict[int, list[str]]] = {CatalogueTerm.STEM: {}, CatalogueTerm.FOLDED: {}}
        for kind, term in CatalogueTerm.objects.values_list("kind", "term"):
            self.by_length[kind].setdefault(len(term), []).append(term)
        self._fuzzy: dict[tuple[str, str], list[str]] = {}

    @classmethod
    def current(cls, key: int | None) -> Vocabulary:
        if cls._cached is None or cls._cached.key != key:
            cls._cached = cls(key)
        return cls._cached

    def fuzzy(self, kind: str, term: str) -> list[str]:
        if (kind, term) not in self._fuzzy:
            limit = analysis.max_edits(term)
            candidates = [
                t for n in range(len(term) - limit, len(term) + limit + 1) for t in self.by_length[kind].get(n, ())
            ]
            self._fuzzy[kind, term] = analysis.fuzzy_matches(term, candidates)
        return self._fuzzy[kind, term]


@dataclass(frozen=True)
class WordTerms:
    """The index terms a query word matches: stems (the stemmed field) and folded words."""

    stems: tuple[str, ...]
    folded: tuple[str, ...]


def _tsquery_terms(terms: WordTerms) -> str:
    """A word's terms as a raw `to_tsquery` operand: stems weight A, folded words weight B."""

    def lexeme(term: str, weight: str) -> str:
        return "'{}':{}".format(term.replace("\\", "\\\\").replace("'", "''"), weight)

    lexemes = [lexeme(t, "A") for t in terms.stems] + [lexeme(t, "B") for t in terms.folded]
    return "(" + " | ".join(lexemes) + ")"


def _fts_terms(terms: WordTerms, title: bool = False) -> str:
    """A word's terms as an FTS5 query over the stems and folded columns (or their title-only ones)."""

    def phrase(term: str) -> str:
        return '"' + term.replace('"', '""') + '"'

    stems, folded = ("title_stems", "title_folded") if title else ("stems", "folded")
    parts = [f"{stems} : ({' OR '.join(map(phrase, terms.stems))})"] if terms.stems else []
    parts += [f"{folded} : ({' OR '.join(map(phrase, terms.folded))})"] if terms.folded else []
    return "(" + " OR ".join(parts) + ")"


def exact_terms(word: str) -> WordTerms:
    return WordTerms((analysis.query_stem(word),), (analysis.query_folded(word),))


def text_sql(words_terms: list[WordTerms]) -> tuple[str, list[Any]]:
    """SELECT id, score of the services matching every word (score: how many words the title holds)."""
    if _postgres():
        scores = " + ".join(["(e.title_vector @@ to_tsquery('simple', %s))::int"] * len(words_terms))
        sql = f"SELECT e.id, {scores} AS score FROM {ENTRY} e WHERE e.search_vector @@ to_tsquery('simple', %s)"
        params = [_tsquery_terms(t) for t in words_terms]
        return sql, [*params, " & ".join(params)]
    title_match = f"(rowid IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s))"
    scores = " + ".join([title_match] * len(words_terms))
    sql = f"SELECT rowid AS id, {scores} AS score FROM {FTS} WHERE {FTS} MATCH %s"
    return sql, [*(_fts_terms(t, title=True) for t in words_terms), " AND ".join(map(_fts_terms, words_terms))]


def _exists_sql(terms: WordTerms) -> tuple[str, list[Any]]:
    if _postgres():
        return (
            f"EXISTS (SELECT 1 FROM {ENTRY} WHERE search_vector @@ to_tsquery('simple', %s))",
            [_tsquery_terms(terms)],
        )
    return f"EXISTS (SELECT 1 FROM {FTS} WHERE {FTS} MATCH %s)", [_fts_terms(terms)]


def word_terms(words: list[str]) -> list[WordTerms]:
    """Each query word's index terms: exact and stemmed when it occurs in the index, its typos otherwise.

    One query: the vocabulary's version and, per word, whether its exact terms match any service.
    """
    exact = [exact_terms(word) for word in words]
    checks = [_exists_sql(terms) for terms in exact]
    sql = f"SELECT (SELECT MAX(id) FROM {TERMS}), {', '.join(c for c, _ in checks)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [p for _, ps in checks for p in ps])
        key, *found = cursor.fetchone()
    result = []
    for word, terms, occurs in zip(words, exact, found, strict=True):
        if occurs:
            result.append(terms)
            continue
        vocabulary = Vocabulary.current(key)
        stems = vocabulary.fuzzy(CatalogueTerm.STEM, analysis.query_stem(word))
        folded = vocabulary.fuzzy(CatalogueTerm.FOLDED, analysis.query_folded(word))
        # No term within reach: the exact terms, which match nothing.
        result.append(WordTerms(tuple(stems), tuple(folded)) if stems or folded else terms)
    return result


# Writing --------------------------------------------------------------------------------------------------------------


@dataclass
class Rows:
    """A batch of documents as the tables' rows (Python values), and the terms they add."""

    entries: list[tuple]
    facets: list[tuple]
    texts: list[tuple]
    stems: set[str]
    folded: set[str]


def to_rows(docs: Iterable[ServiceDocument]) -> Rows:
    rows = Rows([], [], [], set(), set())
    columns = facet_row()
    for doc in docs:
        # Tokens never span the spaces between fields: the title's words start the document's.
        title_words = analysis.words(doc.title)
        text_words = title_words + analysis.words(
            " ".join((doc.summary, doc.description, doc.provider_name, " ".join(doc.tags)))
        )
        # Each term once (matching is by term, not by phrase): small rows and vectors, no TOAST.
        stems, folded = _unique(analysis.stems_of(text_words)), _unique(analysis.folded_of(text_words))
        title_stems, title_folded = _unique(analysis.stems_of(title_words)), _unique(analysis.folded_of(title_words))
        rows.stems.update(stems)
        rows.folded.update(folded)
        # Every facet's column: the value, or the values' bitmask (search.facets).
        stored = {facet.column: facet.stored(doc) for facet in DECLARED.values()}
        title_sort = analysis.fold(doc.title)[:255]
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
            "tags": json.dumps(list(doc.tags)),
            "text_stems": padded(stems),
            "text_folded": padded(folded),
            "title_stems": padded(title_stems),
            "title_folded": padded(title_folded),
            "title_ac": padded(analysis.autocomplete_words(doc.title)),
            "provider_ac": _provider_ac(doc.provider_name),
            "title_sort": title_sort,
            **stored,
        }
        rows.entries.append(tuple(values[c] for c in ENTRY_ROW))
        rows.facets.append(tuple(values[c] for c in columns))
        rows.texts.append(
            (doc.id, values["text_stems"], values["text_folded"], values["title_stems"], values["title_folded"])
        )
    return rows


def _unique(terms: list[str]) -> list[str]:
    return list(dict.fromkeys(terms))


@functools.lru_cache(maxsize=4096)
def _provider_ac(name: str) -> str:
    """A provider name's autocomplete words (providers have many services: computed once each)."""
    return padded(analysis.autocomplete_words(name))


def _from_mask(mask: int, facet: str) -> tuple:
    return from_mask(mask, DECLARED[facet].bits)


def _document(row: tuple) -> ServiceDocument:
    """A hit's `DOCUMENT_COLUMNS` (as the database returns them, without the ORM) as its document."""
    values = dict(zip(DOCUMENT_COLUMNS, row, strict=False))
    published = values["published_at"]
    if isinstance(published, str):
        published = parse_datetime(published)
    if published is not None and timezone.is_naive(published):
        published = timezone.make_aware(published, datetime.UTC)
    price = values["price"]
    wellbeing, tags = values["wellbeing"], values["tags"]
    return ServiceDocument(
        id=values["id"],
        title=values["title"],
        summary=values["summary"],
        description=values["description"],
        url=values["url"],
        provider_id=values["provider_id"],
        provider_name=values["provider_name"],
        provider_url=values["provider_url"],
        category=values["category"],
        municipi=_from_mask(values["municipi_mask"], "municipio"),
        reach_municipi=_from_mask(values["reach_mask"], "reaches"),
        age_min=values["age_min"],
        age_max=values["age_max"],
        price=None if price is None else Decimal(str(price)),
        price_unit=values["price_unit"],
        free=bool(values["free"]),
        voucher=bool(values["voucher"]),
        delivery=_from_mask(values["delivery_mask"], "delivery"),
        days=_from_mask(values["days_mask"], "day"),
        wellbeing=json.loads(wellbeing) if isinstance(wellbeing, str) else wellbeing,
        rating_average=values["rating_average"],
        rating_count=values["rating_count"],
        published_at=published,
        tags=tuple(json.loads(tags) if isinstance(tags, str) else tags),
    )


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


def _insert(cursor, table: str, columns: tuple[str, ...], rows: list[tuple], upsert: bool = False) -> None:
    if not rows:
        return
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({_placeholders(len(columns))})"
    if upsert:
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c != "id")
        sql += f" ON CONFLICT (id) DO UPDATE SET {updates}"
    if not _postgres():
        rows = [_sqlite_row(row) for row in rows]
    cursor.executemany(sql, rows)


def _insert_terms(cursor, stems: set[str], folded: set[str]) -> None:
    terms = [(CatalogueTerm.STEM, t[:100]) for t in sorted(stems)] + [
        (CatalogueTerm.FOLDED, t[:100]) for t in sorted(folded)
    ]
    if terms:
        cursor.executemany(f"INSERT INTO {TERMS} (kind, term) VALUES (%s, %s) ON CONFLICT DO NOTHING", terms)


def _copy(cursor, table: str, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """PostgreSQL's COPY FROM STDIN through psycopg 3 (values adapted by psycopg)."""
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


class DatabaseBackend(SearchBackend):
    name = "database"

    # Writing

    def index(self, docs: Iterable[ServiceDocument]) -> int:
        written = 0
        for batch in _batches(docs):
            rows = to_rows(batch)
            with transaction.atomic(), connection.cursor() as cursor:
                _insert(cursor, ENTRY, ENTRY_ROW, rows.entries, upsert=True)
                _insert(cursor, FACETS_TABLE, facet_row(), rows.facets, upsert=True)
                if not _postgres():
                    ids = [row[0] for row in rows.entries]
                    cursor.execute(f"DELETE FROM {FTS} WHERE rowid IN ({_placeholders(len(ids))})", ids)
                    cursor.executemany(
                        f"INSERT INTO {FTS} ({', '.join(FTS_ROW)}) VALUES ({_placeholders(5)})", rows.texts
                    )
                _insert_terms(cursor, rows.stems, rows.folded)
            written += len(batch)
        return written

    def delete(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        if not ids:
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for table, key in ((ENTRY, "id"), (FACETS_TABLE, "id")) + (() if _postgres() else ((FTS, "rowid"),)):
                for batch in _batches(ids):
                    cursor.execute(f"DELETE FROM {table} WHERE {key} IN ({_placeholders(len(batch))})", batch)

    def rebuild(self, docs: Iterable[ServiceDocument], progress: Callable[[int], None] | None = None) -> int:
        """Replace every row: emptied tables, then a bulk load (COPY on PostgreSQL), the GIN index last.

        On PostgreSQL the tables are locked until the load commits (searches wait a few seconds).
        """
        written = 0
        postgres = _postgres()
        stems: set[str] = set()
        folded: set[str] = set()
        with transaction.atomic(), connection.cursor() as cursor:
            if postgres:
                cursor.execute(f"TRUNCATE {ENTRY}, {FACETS_TABLE}, {TERMS}")
                cursor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")
            else:
                for table in (ENTRY, FACETS_TABLE, TERMS, FTS):
                    cursor.execute(f"DELETE FROM {table}")
            for batch in _batches(docs):
                rows = to_rows(batch)
                stems |= rows.stems
                folded |= rows.folded
                if postgres:
                    _copy(cursor, ENTRY, ENTRY_ROW, rows.entries)
                    _copy(cursor, FACETS_TABLE, facet_row(), rows.facets)
                else:
                    _insert(cursor, ENTRY, ENTRY_ROW, rows.entries)
                    _insert(cursor, FACETS_TABLE, facet_row(), rows.facets)
                    cursor.executemany(
                        f"INSERT INTO {FTS} ({', '.join(FTS_ROW)}) VALUES ({_placeholders(5)})", rows.texts
                    )
                written += len(batch)
                if progress:
                    progress(written)
            terms = [(CatalogueTerm.STEM, t[:100]) for t in sorted(stems)] + [
                (CatalogueTerm.FOLDED, t[:100]) for t in sorted(folded)
            ]
            if postgres:
                _copy(cursor, TERMS, ("kind", "term"), dict.fromkeys(terms))
                cursor.execute(f"CREATE INDEX {GIN_INDEX} ON {ENTRY} USING gin (search_vector)")
                cursor.execute(f"ANALYZE {ENTRY}, {FACETS_TABLE}")
            else:
                _insert_terms(cursor, stems, folded)
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
        sql, params = self.search_sql(query)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        n_counts = 1 + sum(len(values) for values in FACETS.values())
        total, counts = _read_counts(iter(rows[0][:n_counts]))
        hits = [_document(row[n_counts:]) for row in rows if row[n_counts] is not None]
        return SearchResult(count=total, hits=hits, facets=build_facets(query, counts), query=query, backend=self.name)

    def search_sql(self, query: SearchQuery) -> tuple[str, list[Any]]:
        """The statement that returns the counts (columns c0, c1, ...) on every row and the page's entries.

        At least one row: with an empty page, one row of counts whose entry columns are NULL.
        """
        words = analysis.query_words(query.q)
        where, where_params = [], []
        if query.age is not None:
            where.append("(f.age_min IS NULL OR f.age_min <= %s) AND (f.age_max IS NULL OR f.age_max >= %s)")
            where_params += [query.age, query.age]
        if query.provider is not None:
            where.append("f.provider_id = %s")
            where_params.append(query.provider)
        facet_columns = ", ".join(f"f.{c}" for c in facet_row())
        if words:
            text, text_params = text_sql(word_terms(words))
            matched = f"SELECT {facet_columns}, t.score FROM ({text}) t JOIN {FACETS_TABLE} f ON f.id = t.id" + (
                f" WHERE {' AND '.join(where)}" if where else ""
            )
            matched_params = [*text_params, *where_params]
            cte = "m AS MATERIALIZED"  # the text is matched once, for the counts and the page
        else:
            matched = f"SELECT {facet_columns}, 0 AS score FROM {FACETS_TABLE} f" + (
                f" WHERE {' AND '.join(where)}" if where else ""
            )
            matched_params = where_params
            cte = "m AS NOT MATERIALIZED"  # so the page's ORDER BY ... LIMIT can walk its index
        count_columns, count_params = counts_sql(query)
        active = [condition_sql(facet, query.selected(facet)) for facet in FACETS if query.selected(facet)]
        sort = query.effective_sort
        order = ORDER_BY["newest" if sort == "relevance" and not words else sort]
        page_where = " AND ".join(c for c, _ in active) or "1 = 1"
        page_params = [p for _, ps in active for p in ps]
        counts = ", ".join(f"{column} AS c{i}" for i, column in enumerate(count_columns))
        entry_columns = ", ".join(f"e.{c}" for c in DOCUMENT_COLUMNS)
        sql = (
            f"WITH {cte} ({matched}),"
            f" counts AS (SELECT {counts} FROM m),"
            f" page AS (SELECT {', '.join(f'm.{k} AS k_{k}' for k in SORT_KEYS)} FROM m"
            f" WHERE {page_where} ORDER BY {order.format(p='m.')} LIMIT %s OFFSET %s)"
            f" SELECT counts.*, p.* FROM counts LEFT JOIN"
            f" (SELECT {entry_columns}, page.* FROM page JOIN {ENTRY} e ON e.id = page.k_id) p ON TRUE"
            f" ORDER BY {order.format(p='p.k_')}"
        )
        params = [*matched_params, *count_params, *page_params, query.page_size, query.offset]
        return sql, params

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
