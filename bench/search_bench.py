"""Catalogue search benchmark: prints p50/p95 latency per catalogue size and backend.

    .venv/bin/python bench/search_bench.py                      # 1k, 10k, 50k on both backends
    .venv/bin/python bench/search_bench.py --sizes 1000,10000 --backends database
    DATABASE_URL=postgres://... .venv/bin/python bench/search_bench.py   # PostgreSQL + the engine

Documents are generated deterministically; each size is indexed in each backend (the database of
DATABASE_URL, SQLite in memory by default; Elasticsearch at ELASTICSEARCH_URL, or else the real
OpenSearch node of tests/engines/, started here and stopped at the end), then a fixed mix of
queries (text + 2-4 filters, all facets) runs ROUNDS times. A trivial Django view (one
HttpResponse through the site's middleware and URLconf, timed with the test client) is the
yardstick, measured again for every size: the ratio column is p50(search) / p50(trivial view) of
that size's own measurement.
"""

import argparse
import datetime
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "site"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
warnings.filterwarnings("ignore", "No directory at")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import setup_databases, setup_test_environment, teardown_databases  # noqa: E402
from django.urls import path  # noqa: E402

from config import urls as site_urls  # noqa: E402
from search.api import SearchQuery  # noqa: E402
from search.backends.database import DatabaseBackend  # noqa: E402
from search.backends.elasticsearch import ElasticsearchBackend, make_client  # noqa: E402
from search.documents import CATEGORIES, DAYS, DELIVERY, WELLBEING, ServiceDocument  # noqa: E402

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


def generate(count: int, seed: int = 18) -> list[ServiceDocument]:
    rng = random.Random(seed)
    base = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    providers = max(5, count // 10)
    docs = []
    for pk in range(1, count + 1):
        provider = rng.randrange(1, providers + 1)
        age_min = rng.choice([None, 0, 3, 6, 8, 11, 14])
        age_max = rng.choice([None, (age_min or 0) + rng.randint(2, 8)])
        free = rng.random() < 0.25
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
                delivery=rng.sample(list(DELIVERY), rng.randint(1, 2)),
                days=rng.sample(list(DAYS), rng.randint(1, 4)),
                wellbeing={code: rng.randint(0, 5) for code in WELLBEING},
                rating_average=round(rng.uniform(2, 5), 1) if rng.random() < 0.7 else None,
                rating_count=rng.randint(0, 80),
                published_at=base + datetime.timedelta(hours=pk),
            )
        )
    return docs


def trivial_view(request):
    return HttpResponse("ok")


# The site's own URLconf too: its middleware reverses admin and site URLs on every request.
urlpatterns = [path("trivial/", trivial_view), *site_urls.urlpatterns]


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000


def time_searches(backend, rounds: int) -> list[float]:
    queries = [SearchQuery(**params) for params in QUERIES]
    for _ in range(3):  # warm-up (the engine's JIT, the database's caches)
        for query in queries:
            backend.search(query)
    samples = []
    for _ in range(rounds):
        for query in queries:
            start = time.perf_counter()
            backend.search(query)
            samples.append(time.perf_counter() - start)
    return samples


def time_trivial_view(rounds: int) -> list[float]:
    client = Client()
    with override_settings(ROOT_URLCONF=__name__):
        assert client.get("/trivial/").status_code == 200
        samples = []
        for _ in range(rounds * len(QUERIES) * 4):
            start = time.perf_counter()
            client.get("/trivial/")
            samples.append(time.perf_counter() - start)
    return samples


def elasticsearch_backend(stack):
    """The cluster at ELASTICSEARCH_URL, or a real engine node started for this run."""
    url = os.environ.get("ELASTICSEARCH_URL")
    compat = os.environ.get("ELASTICSEARCH_COMPAT_HEADERS", "1").lower() in {"1", "true", "yes", "on"}
    label = url
    if not url:
        from tests.engines import node

        home = Path(tempfile.mkdtemp(prefix="milano018-bench-engine-"))
        stack.append(lambda: shutil.rmtree(home, ignore_errors=True))
        engine = node.start(home, os.getpid())
        stack.append(lambda: node.stop(engine.pid))
        url, compat, label = engine.url, False, f"{node.ENGINE} at {engine.url}"
    backend = ElasticsearchBackend(make_client(url, compat, timeout=120), alias="bench-catalogue")
    stack.append(lambda: backend.client.indices.delete(index="bench-catalogue-*", allow_no_indices=True))
    return backend, label


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--backends", default="database,elasticsearch")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    backends = args.backends.split(",")

    setup_test_environment()
    old_config = setup_databases(verbosity=0, interactive=False)
    cleanups: list = []
    out = sys.stdout
    try:
        engines = {}
        if "database" in backends:
            engines[f"database ({connection.vendor})"] = DatabaseBackend()
        if "elasticsearch" in backends:
            engines["elasticsearch"], label = elasticsearch_backend(cleanups)
            out.write(f"elasticsearch: {label}\n")
        out.write(
            f"{'size':>7} {'backend':<22} {'index s':>8} {'p50 ms':>8} {'p95 ms':>8} "
            f"{'trivial p50':>12} {'p50/trivial':>12}\n"
        )
        for size in sizes:
            docs = generate(size)
            for name, engine in engines.items():
                start = time.perf_counter()
                engine.rebuild(docs)
                indexing = time.perf_counter() - start
                p50, p95 = percentiles(time_searches(engine, args.rounds))
                trivial_p50, _ = percentiles(time_trivial_view(args.rounds))
                out.write(
                    f"{size:>7} {name:<22} {indexing:>8.1f} {p50:>8.2f} {p95:>8.2f} "
                    f"{trivial_p50:>12.2f} {p50 / trivial_p50:>12.1f}\n"
                )
                out.flush()
    finally:
        for cleanup in reversed(cleanups):
            cleanup()
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    main()
