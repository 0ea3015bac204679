"""Catalogue search benchmark: one run, three backends, each against its yardsticks.

    .venv/bin/python bench/search_bench.py                     # 1k, 10k, 50k; SQLite and the engine
    BENCH_POSTGRES_URL=postgres://postgres:...@127.0.0.1:5432/wt_x .venv/bin/python bench/search_bench.py
    .venv/bin/python bench/search_bench.py --sizes 1000 --backends sqlite,postgresql --rounds 3
    BENCH_POSTGRES_URL=... .venv/bin/python bench/search_bench.py --sizes 50000 --backends postgresql --rebuild-only
    .venv/bin/python bench/search_bench.py --sizes 1000,50000 --rebuild-only 50000   # searches at 1k, rebuild at 50k

PostgreSQL is measured when `BENCH_POSTGRES_URL` (or a postgres `DATABASE_URL`) is set; the benchmark
creates and drops its own `bench_<name>` database there. The engine is the cluster at ELASTICSEARCH_URL or
the tests' real OpenSearch node (tests/engines/), started here and stopped at the end.

Each database is migrated from scratch (about 35 s of CPU), unless a migrated one is given to copy:
`--sqlite-template FILE` (a migrated SQLite file, loaded into the in-memory database) and
`--postgres-template NAME` (a migrated database on BENCH_POSTGRES_URL's server, copied with `CREATE DATABASE
... TEMPLATE`), e.g. the test suite's templates (tests/testdb.py), as tests/search/test_bench.py does. The
figures are the same either way: only the set-up is shorter.

Each database runs in a child process (Django has one default database per process); the parent prints
one table. Per size and backend:

- rebuild s: `rebuild()` of the generated documents (analysis included); copy s: a plain `COPY` (SQLite:
  bulk `INSERT`) of the same rows (documents and facet rows, already computed) into scratch tables
  without indexes; rebuild/copy is their ratio. `--rebuild-only` measures these and nothing else, at every size
  or at the sizes it lists (the other sizes are measured whole, in the same children); those rows make a table
  of their own, printed first.
- p50/p95 ms of the ten standard queries (text + 2-4 filters, every facet counted), ROUNDS rounds after
  3 warm-up rounds.
- ref p50/p95: the same ten queries as hand-written SQL on the same tables, with each word's index terms
  resolved by hand (no analysis, no ORM): one statement per query returning the counts and the page's
  rows. Before timing, every query's total, facet counts and ids are compared with the backend's, and
  the run stops when they differ. p50/ref and p95/ref are the figures that matter.
- trivial p50: one HttpResponse through the site's middleware and URLconf, measured for every row.

After the table, the growth of p50 from the smallest to the largest size, per backend.

The p50/p95 above are warm: the database backend keeps, per process, bitmaps of the index (patched on the first
search after an index write) and each word's matching services (patched too), and the timed
rounds meet the same ten queries again; the hand-written SQL keeps nothing. A second table gives, for the
database backends, the searches that do not find those caches filled:

- cold word p50/p95: each of the ten queries with the per-word text cache emptied just before it
  (`snapshot.forget_words()`; bitmaps kept): the first search with a word the process has not met yet.
- cold write p50/p95: the first search after an index write, WRITE_ROUNDS times: one service re-indexed through
  `DatabaseBackend.index` (a new price and date, so it moves in the sort orders; a new index version), then one
  query (the ten in turn, their words met before), timed with the patching of the bitmaps and the words'
  holders (the first round also reads every sort key); then the ten queries are checked against the
  hand-written SQL again.

each beside the warm figures, with its ratio to the reference p50 (p95 to p95), then the growth of each p50
from the smallest to the largest size. The engine has caches of its own and is not measured cold.

Over 400 lines on purpose: a standalone script run as one file, which runs itself again (`--child`) for
each database, so the parent and its children share every definition without a package to install.
"""

import argparse
import dataclasses
import datetime
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "site"), str(ROOT)]

ACTIVITIES = [
    "laboratorio di teatro",
    "corso di nuoto",
    "scuola calcio",
    "calcetto",
    "danza creativa",
    "musica d'insieme",
    "coding",
    "robotica",
    "doposcuola",
    "aiuto compiti",
    "pittura",
    "fumetto",
    "astronomia",
    "yoga",
    "pallavolo",
    "arrampicata",
    "psicomotricità",
    "logopedia",
    "educazione alimentare",
    "lettura ad alta voce",
    "fotografia",
    "scacchi",
    "inglese",
    "canto corale",
    "attività all'aperto",
]
QUALIFIERS = [
    "per ragazzi",
    "per bambini",
    "per famiglie",
    "in città",
    "nei parchi",
    "d'estate",
    "online",
    "per adolescenti",
    "dell'infanzia",
    "al pomeriggio",
    "nel quartiere",
    "per principianti",
]
PROVIDER_WORDS = ["Associazione", "Cooperativa", "Fondazione", "Centro", "Polisportiva", "Circolo", "Laboratorio"]
PLACES = ["Milano Nord", "Isola", "Navigli", "Lambrate", "Baggio", "Niguarda", "Corvetto", "Brera", "Bovisa"]
QUERIES = [
    {"q": "teatro", "category": {"arte"}, "age": 10},
    {"q": "nuoto ragazzi", "municipio": {1, 4}, "free": {False}},
    {"q": "calcio", "municipio": {2, 3, 5}, "day": {0, 2}, "voucher": {True}},
    {"q": "attivita", "delivery": {"sede"}, "age": 7, "category": {"sport", "arte"}},
    {"q": "compiti", "delivery": {"online", "sede"}, "day": {1, 3}, "free": {True}},
    {"q": "laboratori", "wellbeing": {"creativity"}, "municipio": {9}},
    {"q": "citta", "category": {"stem"}, "sort": "price"},
    {"q": "teator", "municipio": {6, 7}, "age": 12},
    {"category": {"salute", "scuola-plus"}, "municipio": {8}, "age": 5, "sort": "rating"},
    {"voucher": {True}, "day": {5, 6}, "delivery": {"domicilio"}, "sort": "newest"},
]
ROUNDS = 5
#: Index writes, each followed by one timed search, for the "cold write" figures.
WRITE_ROUNDS = 10


def generate(count: int, seed: int = 18) -> list:
    from search.documents import CATEGORIES, DAYS, DELIVERY, WELLBEING, ServiceDocument

    rng = random.Random(seed)
    base = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    providers = max(5, count // 10)
    docs = []
    for pk in range(1, count + 1):
        provider = rng.randrange(1, providers + 1)
        age_min = rng.choice([None, 0, 3, 6, 8, 11, 14])
        age_max = rng.choice([None, (age_min or 0) + rng.randint(2, 8)])
        free = rng.random() < 0.25
        delivery = rng.sample(list(DELIVERY), rng.randint(1, 2))
        docs.append(
            ServiceDocument(
                id=pk,
                title=f"{rng.choice(ACTIVITIES).capitalize()} {rng.choice(QUALIFIERS)}",
                summary=f"{rng.choice(ACTIVITIES).capitalize()} e {rng.choice(ACTIVITIES)} {rng.choice(QUALIFIERS)}.",
                description=" ".join(rng.choice(ACTIVITIES + QUALIFIERS) for _ in range(12)),
                url=f"/catalogo/servizio-{pk}/",
                provider_id=provider,
                provider_name=f"{PROVIDER_WORDS[provider % 7]} {PLACES[provider % 9]} {provider}",
                category=rng.choice(list(CATEGORIES)),
                municipi=rng.sample(range(1, 10), rng.randint(0, 3)),
                age_min=age_min,
                age_max=None if age_max is None else min(age_max, 18),
                price=None if free or rng.random() < 0.1 else Decimal(rng.randint(10, 400)),
                free=free,
                voucher=rng.random() < 0.6,
                delivery=delivery,
                reach_municipi=rng.sample(range(1, 10), rng.randint(1, 4)) if "domicilio" in delivery else (),
                days=rng.sample(list(DAYS), rng.randint(1, 4)),
                wellbeing={code: rng.randint(0, 5) for code in WELLBEING},
                rating_average=round(rng.uniform(2, 5), 1) if rng.random() < 0.7 else None,
                rating_count=rng.randint(0, 80),
                published_at=base + datetime.timedelta(hours=pk),
            )
        )
    return docs


#: Each query's words as their index terms (stems, folded words), resolved by hand: what a person
#: writing the SQL would look up. "teator" is a typo: the terms within one edit that start with "t".
REFERENCE_WORDS = [
    [(["teatr"], ["teatro"])],
    [(["nuoto"], ["nuoto"]), (["ragazz"], ["ragazzi"])],
    [(["calc"], ["calcio"])],
    [(["attivit"], ["attivita"])],
    [(["compit"], ["compiti"])],
    [(["laborator"], ["laboratori"])],
    [(["citta"], ["citta"])],
    [(["teatr"], ["teatro"])],
    [],
    [],
]
BITS = {
    "municipio": ("municipi_mask", {n: 1 << (n - 1) for n in range(1, 10)}),
    "reaches": ("reach_mask", {n: 1 << (n - 1) for n in range(1, 10)}),
    "delivery": ("delivery_mask", {"sede": 1, "domicilio": 2, "online": 4}),
    "day": ("days_mask", {d: 1 << d for d in range(7)}),
    "wellbeing": (
        "wellbeing_mask",
        {"body": 1, "relationships": 2, "knowledge": 4, "creativity": 8, "self_determination": 16},
    ),
}
REFERENCE_ORDER = {
    "relevance": "m.score DESC, m.published_at DESC NULLS LAST, m.id",
    "price": "m.sort_price ASC NULLS LAST, m.id",
    "rating": "m.rating_average DESC NULLS LAST, m.rating_count DESC, m.id",
    "newest": "m.published_at DESC NULLS LAST, m.id",
}
DOCUMENT = (
    "e.id, e.title, e.summary, e.description, e.url, e.provider_id, e.provider_name, e.provider_url, e.category,"
    " e.municipi_mask, e.reach_mask, e.age_min, e.age_max, e.price, e.free, e.voucher, e.delivery_mask, e.days_mask,"
    " e.wellbeing, e.rating_average, e.rating_count, e.published_at, e.tags"
)


def facet_values():
    from search.api import FACETS

    return FACETS


def reference_condition(facet, values, postgres):
    """One facet's selection as literal SQL over the facet row `m`."""
    if facet in BITS:
        column, bits = BITS[facet]
        return f"(m.{column} & {sum(bits[v] for v in values)}) <> 0"
    if facet in ("free", "voucher"):
        literal = {True: "true", False: "false"} if postgres else {True: "1", False: "0"}
        return f"m.{facet} IN ({', '.join(literal[v] for v in values)})"
    return f"m.{facet} IN ({', '.join(repr(v) for v in sorted(values))})"


def reference_sql(params, words, postgres):
    """The hand-written statement for one benchmark query: counts on every row, then the page's rows."""
    selected = {facet: set(params[facet]) for facet in facet_values() if facet in params}
    where = []
    if "age" in params:
        age = params["age"]
        where.append(f"(f.age_min IS NULL OR f.age_min <= {age}) AND (f.age_max IS NULL OR f.age_max >= {age})")
    if words and postgres:

        def tsquery(stems, folded):
            return "(" + " | ".join([f"''{t}'':A" for t in stems] + [f"''{t}'':B" for t in folded]) + ")"

        score = " + ".join(f"(e.title_vector @@ to_tsquery('simple', '{tsquery(*w)}'))::int" for w in words)
        matched = (
            f"SELECT f.*, {score} AS score FROM search_catalogueentry e JOIN search_cataloguefacets f ON f.id = e.id"
            f" WHERE e.search_vector @@ to_tsquery('simple', '{' & '.join(tsquery(*w) for w in words)}')"
        )
    elif words:

        def fts(stems, folded, title=False):
            prefix = "title_" if title else ""
            s = " OR ".join(f'"{t}"' for t in stems)
            f = " OR ".join(f'"{t}"' for t in folded)
            return f"({prefix}stems : ({s}) OR {prefix}folded : ({f}))"

        score = " + ".join(
            f"(f.id IN (SELECT rowid FROM search_catalogue_fts WHERE search_catalogue_fts MATCH '{fts(*w, True)}'))"
            for w in words
        )
        matched = (
            f"SELECT f.*, {score} AS score FROM search_cataloguefacets f WHERE f.id IN"
            f" (SELECT rowid FROM search_catalogue_fts WHERE search_catalogue_fts MATCH"
            f" '{' AND '.join(fts(*w) for w in words)}')"
        )
    else:
        matched = "SELECT f.*, 0 AS score FROM search_cataloguefacets f"
    if where:
        matched += (" AND " if " WHERE " in matched else " WHERE ") + " AND ".join(where)
    counts = []
    everything = [reference_condition(f, v, postgres) for f, v in selected.items()]
    counts.append(f"COUNT(*) FILTER (WHERE {' AND '.join(everything)})" if everything else "COUNT(*)")
    for facet, values in facet_values().items():
        others = [reference_condition(f, v, postgres) for f, v in selected.items() if f != facet]
        for value in values:
            counts.append(
                f"COUNT(*) FILTER (WHERE {' AND '.join([*others, reference_condition(facet, [value], postgres)])})"
            )
    sort = params.get("sort") or ("relevance" if words else "newest")
    order = REFERENCE_ORDER[sort]
    materialized = "MATERIALIZED" if words else "NOT MATERIALIZED"
    return (
        f"WITH m AS {materialized} ({matched}),"
        f" c AS (SELECT {', '.join(counts)} FROM m),"
        f" page AS (SELECT m.* FROM m WHERE {' AND '.join(everything) or '1 = 1'} ORDER BY {order} LIMIT 20)"
        f" SELECT c.*, {DOCUMENT} FROM c LEFT JOIN (page m JOIN search_catalogueentry e ON e.id = m.id) ON TRUE"
        f" ORDER BY {order}"
    )


def reference_answer(rows):
    """(total, facet counts, ids) from a reference statement's rows."""
    facets = facet_values()
    n = 1 + sum(len(v) for v in facets.values())
    numbers = iter(rows[0][:n])
    total = next(numbers)
    counts = {facet: {value: next(numbers) for value in values} for facet, values in facets.items()}
    return total, counts, [row[n] for row in rows if row[n] is not None]


def trivial_view(request):
    from django.http import HttpResponse

    return HttpResponse("ok")


def percentiles(samples):
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000


def timed(run, calls, rounds):
    for _ in range(3):  # warm-up (the engine's JIT, the database's caches)
        for call in calls:
            run(call)
    samples = []
    for _ in range(rounds):
        for call in calls:
            start = time.perf_counter()
            run(call)
            samples.append(time.perf_counter() - start)
    return samples


def cold_word_samples(backend, queries, rounds):
    """Each query's time with the per-word text cache emptied just before it (the bitmaps kept)."""
    from search.backends.database import snapshot

    backend.search(queries[0])  # the bitmaps of the current index version
    samples = []
    for _ in range(rounds):
        for query in queries:
            snapshot.forget_words()
            start = time.perf_counter()
            backend.search(query)
            samples.append(time.perf_counter() - start)
    return samples


def cold_write_samples(backend, docs, queries, rounds):
    """The first search after an index write: one service re-indexed (untimed) with a new price and date, so it
    moves in the sort orders, then one query, per round. The queries' words are met before, as a worker
    serving them has met them; the first round also reads every sort key (once per process and full load)."""
    for query in queries:
        backend.search(query)
    samples = []
    for n in range(rounds):
        doc = docs[n % len(docs)]
        moved = dataclasses.replace(
            doc, price=Decimal(10 + n), free=False, published_at=doc.published_at + datetime.timedelta(days=n + 1)
        )
        backend.index([moved])
        start = time.perf_counter()
        backend.search(queries[n % len(queries)])
        samples.append(time.perf_counter() - start)
    return samples


def time_trivial_view(rounds):
    from django.test import Client, override_settings

    client = Client()
    with override_settings(ROOT_URLCONF=__name__):
        assert client.get("/trivial/").status_code == 200
        samples = []
        for _ in range(rounds * len(QUERIES) * 4):
            start = time.perf_counter()
            client.get("/trivial/")
            samples.append(time.perf_counter() - start)
    return samples


def plain_copy_seconds(docs):
    """A plain COPY (SQLite: bulk INSERT) of the rebuild's rows, already computed, into scratch tables."""
    from django.db import connection, transaction

    from search.backends import database

    rows = database.to_rows(docs)
    postgres = connection.vendor == "postgresql"
    tables = {"bench_scratch_entry": "search_catalogueentry", "bench_scratch_facets": "search_cataloguefacets"}
    with connection.cursor() as cursor:
        for scratch, model_table in tables.items():
            cursor.execute(f"DROP TABLE IF EXISTS {scratch}")
            if postgres:
                cursor.execute(f"CREATE TABLE {scratch} (LIKE {model_table})")
            else:
                cursor.execute(f"CREATE TABLE {scratch} AS SELECT * FROM {model_table} WHERE 0")
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for scratch, columns, values in (
            ("bench_scratch_entry", database.entry_columns(), rows.entries),
            ("bench_scratch_facets", database.facet_row(), rows.facets),
        ):
            if postgres:
                database.copy(cursor, scratch, columns, values)
            else:
                database.insert(cursor, scratch, columns, values)
    seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        for scratch in tables:
            cursor.execute(f"DROP TABLE {scratch}")
    return seconds


def check_reference(backend, queries, statements):
    """The backend and the hand-written SQL give the same totals, facet counts and ids (or exit 1)."""
    from django.db import connection

    for query, sql in zip(queries, statements, strict=True):
        result = backend.search(query)
        with connection.cursor() as cursor:
            cursor.execute(sql)
            total, counts, ids = reference_answer(cursor.fetchall())
        mine = (result.count, {f: result.facet_counts(f) for f in counts}, result.ids)
        if mine != (total, counts, ids):
            sys.stderr.write(
                f"reference differs for {query}:\n  backend   {mine}\n  reference {(total, counts, ids)}\n"
            )
            sys.exit(1)


def run_reference(sql):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall()


def elasticsearch_backend(stack):
    """The cluster at ELASTICSEARCH_URL, or a real engine node started for this run."""
    from search.backends.elasticsearch import ElasticsearchBackend, make_client

    url = os.environ.get("ELASTICSEARCH_URL")
    compat = os.environ.get("ELASTICSEARCH_COMPAT_HEADERS", "1").lower() in {"1", "true", "yes", "on"}
    label = "engine"
    if not url:
        from tests.engines import node

        home = Path(tempfile.mkdtemp(prefix="milano018-bench-engine-"))
        stack.append(lambda: shutil.rmtree(home, ignore_errors=True))
        engine = node.start(home, os.getpid())
        stack.append(lambda: node.stop(engine.pid))
        url, compat, label = engine.url, False, node.ENGINE
    backend = ElasticsearchBackend(make_client(url, compat, timeout=120), alias="bench-catalogue")
    stack.append(lambda: backend.client.indices.delete(index="bench-catalogue-*", allow_no_indices=True))
    return backend, label


def database_from_template(template):
    """Make the child's test database a copy of the migrated `template` instead of migrating one.

    SQLite: the file `template` loaded into the in-memory test database; PostgreSQL: ``CREATE DATABASE
    bench_<name> TEMPLATE <template>`` on the same server (the template must have no open connection).
    Returns the function that drops the copy.
    """
    from django.conf import settings
    from django.db import connection

    database = settings.DATABASES["default"]
    name = connection.creation._get_test_db_name()
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
            cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")
    connection.close()
    original, database["NAME"] = database["NAME"], name
    connection.settings_dict["NAME"] = name
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{template}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()

    def drop():
        connection.close()
        database["NAME"] = connection.settings_dict["NAME"] = original
        if connection.vendor == "postgresql":
            with connection.creation._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")

    return drop


def child(args):
    """Measure one database (and the engine when asked); one JSON line per size and backend."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    warnings.filterwarnings("ignore", "No directory at")
    import django
    from django.conf import settings

    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases
    from django.urls import path

    from config import urls as site_urls
    from search.api import SearchQuery
    from search.backends.database import DatabaseBackend

    global urlpatterns
    # The site's own URLconf too: its middleware reverses admin and site URLs on every request.
    urlpatterns = [path("trivial/", trivial_view), *site_urls.urlpatterns]
    database = settings.DATABASES["default"]
    database.setdefault("TEST", {})["NAME"] = f"bench_{database['NAME']}" if connection.vendor == "postgresql" else None
    setup_test_environment()
    if args.template:
        drop_database = database_from_template(args.template)
    else:
        old_config = setup_databases(verbosity=0, interactive=False)

        def drop_database():
            teardown_databases(old_config, verbosity=0)

    cleanups = []
    try:
        engines = {} if args.child == "none" else {connection.vendor: DatabaseBackend()}
        if args.engine:
            engines["engine"], label = elasticsearch_backend(cleanups)
            print(json.dumps({"engine": label}), flush=True)
        queries = [SearchQuery(**params) for params in QUERIES]
        postgres = connection.vendor == "postgresql"
        statements = [
            reference_sql(params, words, postgres) for params, words in zip(QUERIES, REFERENCE_WORDS, strict=True)
        ]
        for size in args.sizes:
            docs = generate(size)
            for name, engine in engines.items():
                start = time.perf_counter()
                engine.rebuild(docs)
                row = {"size": size, "backend": name}
                row["rebuild"] = time.perf_counter() - start
                if name != "engine":
                    row["copy"] = plain_copy_seconds(docs)
                if args.rebuild_only is not None and size in args.rebuild_only:
                    print(json.dumps(row), flush=True)
                    continue
                if name != "engine":
                    check_reference(engine, queries, statements)
                    row["ref"] = percentiles(timed(run_reference, statements, args.rounds))
                row["search"] = percentiles(timed(engine.search, queries, args.rounds))
                if name != "engine":
                    row["cold_word"] = percentiles(cold_word_samples(engine, queries, args.rounds))
                    row["cold_write"] = percentiles(cold_write_samples(engine, docs, queries, args.write_rounds))
                    check_reference(engine, queries, statements)  # the patched snapshot answers as the SQL does
                row["trivial"] = percentiles(time_trivial_view(args.rounds))[0]
                print(json.dumps(row), flush=True)
    finally:
        for cleanup in reversed(cleanups):
            cleanup()
        drop_database()


def table(rows, out):
    """The rows of the sizes timed for their rebuild only in a table of their own, then the others' tables."""
    rebuilt = [row for row in rows if "search" not in row]
    measured = [row for row in rows if "search" in row]
    if rebuilt:
        whole_table(rebuilt, out)
    if rebuilt and measured:
        out.write("\n")
    if measured:
        whole_table(measured, out)


def whole_table(rows, out):
    out.write(f"{'size':>7} {'backend':<10} {'rebuild_s':>9} {'copy_s':>7} {'reb/copy':>8}")
    if any("search" in row for row in rows):
        out.write(
            f" {'p50_ms':>8} {'p95_ms':>8} {'ref_p50':>8} {'ref_p95':>8} {'p50/ref':>7} {'p95/ref':>7}"
            f" {'trivial':>7} {'p50/triv':>8}"
        )
    out.write("\n")
    order = {"sqlite": 0, "postgresql": 1}
    for row in sorted(rows, key=lambda r: (r["size"], order.get(r["backend"], 2))):
        copy = row.get("copy")
        rebuild = f"{row['size']:>7} {row['backend']:<10} {row['rebuild']:>9.3f}" + (
            f" {copy:>7.3f} {row['rebuild'] / copy:>8.2f}" if copy else f" {'-':>7} {'-':>8}"
        )
        if "search" not in row:  # --rebuild-only
            out.write(rebuild + "\n")
            continue
        p50, p95 = row["search"]
        ref = row.get("ref")
        out.write(
            rebuild
            + f" {p50:>8.2f} {p95:>8.2f}"
            + (
                f" {ref[0]:>8.2f} {ref[1]:>8.2f} {p50 / ref[0]:>7.2f} {p95 / ref[1]:>7.2f}"
                if ref
                else f" {'-':>8} {'-':>8} {'-':>7} {'-':>7}"
            )
            + f" {row['trivial']:>7.2f} {p50 / row['trivial']:>8.0f}\n"
        )
    sizes = sorted({r["size"] for r in rows if "search" in r})
    if len(sizes) > 1:
        growth = []
        for backend in dict.fromkeys(r["backend"] for r in rows):
            by_size = {r["size"]: r["search"][0] for r in rows if r["backend"] == backend}
            if sizes[0] in by_size and sizes[-1] in by_size:
                growth.append(f"{backend} {by_size[sizes[-1]] / by_size[sizes[0]]:.1f}x")
        out.write(f"p50 growth {sizes[0]} -> {sizes[-1]}: {', '.join(growth)}\n")
    cold_table(rows, out)


def cold_table(rows, out):
    """Warm, cold word and cold write figures of the database backends, their ratios and their growth."""
    cold = [r for r in rows if "cold_word" in r]
    if not cold:
        return
    out.write(
        f"\ncold: {'size':>7} {'backend':<10} {'p50_ms':>8} {'p95_ms':>8} {'word_p50':>8} {'word_p95':>8}"
        f" {'write_p50':>9} {'write_p95':>9} {'ref_p50':>8} {'ref_p95':>8} {'p50/ref':>7} {'word/ref':>8}"
        f" {'word95/ref':>10} {'write/ref':>9}\n"
    )
    order = {"sqlite": 0, "postgresql": 1}
    for row in sorted(cold, key=lambda r: (r["size"], order.get(r["backend"], 2))):
        (p50, p95), (word50, word95), (write50, write95), (ref50, ref95) = (
            row["search"],
            row["cold_word"],
            row["cold_write"],
            row["ref"],
        )
        out.write(
            f"cold: {row['size']:>7} {row['backend']:<10} {p50:>8.2f} {p95:>8.2f} {word50:>8.2f} {word95:>8.2f}"
            f" {write50:>9.2f} {write95:>9.2f} {ref50:>8.2f} {ref95:>8.2f} {p50 / ref50:>7.2f} {word50 / ref50:>8.2f}"
            f" {word95 / ref95:>10.2f} {write50 / ref50:>9.2f}\n"
        )
    sizes = sorted({r["size"] for r in cold})
    if len(sizes) > 1:
        for backend in dict.fromkeys(r["backend"] for r in cold):
            by_size = {r["size"]: r for r in cold if r["backend"] == backend}
            if sizes[0] in by_size and sizes[-1] in by_size:
                small, large = by_size[sizes[0]], by_size[sizes[-1]]
                growth = ", ".join(
                    f"{label} {large[key][0] / small[key][0]:.1f}x"
                    for label, key in (("warm", "search"), ("cold word", "cold_word"), ("cold write", "cold_write"))
                )
                out.write(f"cold: {backend} p50 growth {sizes[0]} -> {sizes[-1]}: {growth}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--backends", default="sqlite,postgresql,engine")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument(
        "--write-rounds", type=int, default=WRITE_ROUNDS, help="index writes, each followed by one timed search"
    )
    parser.add_argument(
        "--rebuild-only",
        nargs="?",
        const="all",
        metavar="SIZES",
        help="time the rebuild and the plain COPY only (no searches): at every size, or at these (among --sizes)",
    )
    parser.add_argument("--sqlite-template", metavar="FILE", help="a migrated SQLite file to copy instead of migrating")
    parser.add_argument(
        "--postgres-template", metavar="NAME", help="a migrated PostgreSQL database to copy instead of migrating"
    )
    parser.add_argument("--child", choices=["sqlite", "postgresql", "none"], help=argparse.SUPPRESS)
    parser.add_argument("--engine", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--template", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",")]
    if args.rebuild_only is not None:
        only = args.sizes if args.rebuild_only == "all" else [int(s) for s in args.rebuild_only.split(",")]
        if not set(only) <= set(args.sizes):
            parser.error("--rebuild-only: sizes not among --sizes")
        args.rebuild_only = set(only)
    if args.child:
        child(args)
        return
    backends = args.backends.split(",")
    postgres_url = os.environ.get("BENCH_POSTGRES_URL") or os.environ.get("DATABASE_URL", "")
    if not postgres_url.startswith("postgres"):
        postgres_url = ""
    runs = []  # (child database, environment, with the engine)
    base_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    engine = "engine" in backends
    if "sqlite" in backends:
        runs.append(("sqlite", base_env, engine))
        engine = False
    if "postgresql" in backends:
        if postgres_url:
            runs.append(("postgresql", {**base_env, "DATABASE_URL": postgres_url}, engine))
            engine = False
        else:
            sys.stderr.write("postgresql skipped: set BENCH_POSTGRES_URL (or a postgres DATABASE_URL)\n")
    if engine:
        runs.append(("none", base_env, True))
    rows = []
    for database, env, with_engine in runs:
        command = [sys.executable, __file__, "--child", database, "--sizes", ",".join(map(str, args.sizes))]
        command += ["--rounds", str(args.rounds), "--write-rounds", str(args.write_rounds)]
        command += ["--engine"] if with_engine else []
        if args.rebuild_only is not None:
            command += ["--rebuild-only", ",".join(map(str, sorted(args.rebuild_only)))]
        template = {"sqlite": args.sqlite_template, "postgresql": args.postgres_template}.get(database)
        command += ["--template", template] if template else []
        done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=False)
        for line in done.stdout.splitlines():
            if line.startswith("{"):
                row = json.loads(line)
                if "engine" in row:
                    print(f"engine: {row['engine']}")
                else:
                    rows.append(row)
        if done.returncode:
            sys.stderr.write(f"{database}: the measurement failed (exit {done.returncode})\n")
            table(rows, sys.stdout)
            sys.exit(done.returncode)
    table(rows, sys.stdout)


if __name__ == "__main__":
    main()
