"""Monitoring benchmark: the refresh of the aggregate tables and the pages that read them, at the City's scale.

    DATABASE_URL=postgres://postgres:milano018-test@127.0.0.1:5432/bench .venv/bin/python bench/monitoring.py
    ... bench/monitoring.py --services 5000 --orders 20000          # a quicker run

PostgreSQL only (the data set is cloned with SQL). In a scratch test database it builds the catalogue
(--services live service pages cloned from one full sheet, each naming zero, one or two challenges and
serving two municipi), --orders orders from as many requests plus a quarter more left unanswered, for
families spread over the nine municipi with children of every age, over two years, half of them paid in
part with a voucher through ledger entries. Then it times `refresh()` and, with every cache cold, the
public page, the staff dashboard and the equity page, against a trivial Django view measured in the
same run: the ratio column is the figure to compare between runs. The pages' query counts are printed
too: they must not grow with the data.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
import uuid
import warnings
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "site"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
warnings.filterwarnings("ignore", "No directory at")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, Permission  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_databases,
    setup_test_environment,
    teardown_databases,
)
from django.urls import path  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402

from booking.models import Child, Guardian, LedgerEntry, Order, Payment, Quote, ServiceRequest, Wallet  # noqa: E402
from catalog.models import ServiceMunicipio, ServicePage  # noqa: E402
from config import urls as site_urls  # noqa: E402
from home.models import HomePage  # noqa: E402
from monitoring.figures import refresh  # noqa: E402
from monitoring.models import MonitoringPage  # noqa: E402
from tests.booking.factories import VoucherCallFactory  # noqa: E402
from tests.catalog.factories import user  # noqa: E402
from tests.monitoring.conftest import build_world  # noqa: E402

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's materialised path, 4 characters a level
CATEGORIES = ["sport", "arte", "stem", "salute", "scuola-plus"]
ROUNDS = 7
BATCH = 5000


def trivial_view(request):
    return HttpResponse("ok")


urlpatterns = [path("trivial/", trivial_view), *site_urls.urlpatterns]


def step(number: int) -> str:
    return "".join(ALPHABET[(number // 36**i) % 36] for i in (3, 2, 1, 0))


def clone_services(template: ServicePage, count: int, rng: random.Random, challenges: list[int]) -> None:
    """`count` live copies of `template` under its provider, with varied category, ages and municipi."""
    parent = template.get_parent()
    first = parent.numchild + 1
    base = Page.objects.filter(pk=template.pk).values().get()
    for key in ("id", "path", "depth", "numchild", "title", "draft_title", "slug", "url_path", "translation_key"):
        base.pop(key)
    base.update(latest_revision_id=None, live_revision_id=None)
    for start in range(0, count, BATCH):
        pages = [
            Page(
                **base,
                path=parent.path + step(first + n),
                depth=parent.depth + 1,
                numchild=0,
                title=f"Servizio {n}",
                draft_title=f"Servizio {n}",
                slug=f"servizio-{n}",
                url_path=f"{parent.url_path}servizio-{n}/",
                translation_key=uuid.uuid4(),
            )
            for n in range(start, min(count, start + BATCH))
        ]
        Page.objects.bulk_create(pages)
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + count)
    columns = [f.column for f in ServicePage._meta.local_concrete_fields if f.column != "page_ptr_id"]
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO catalog_servicepage (page_ptr_id, {quoted}) "
            f"SELECT p.id, {', '.join('s.' + connection.ops.quote_name(c) for c in columns)} "
            "FROM wagtailcore_page p CROSS JOIN catalog_servicepage s "
            "WHERE s.page_ptr_id = %s AND p.path LIKE %s AND p.depth = %s AND p.id <> s.page_ptr_id "
            "AND p.id NOT IN (SELECT page_ptr_id FROM catalog_servicepage)",
            [template.pk, parent.path + "%", parent.depth + 1],
        )
        cursor.execute(
            "UPDATE catalog_servicepage SET category = (%s::text[])[1 + page_ptr_id %% 5], "
            "age_min = page_ptr_id %% 12, age_max = LEAST(17, page_ptr_id %% 12 + 4 + page_ptr_id %% 3) "
            "WHERE page_ptr_id > %s",
            [CATEGORIES, template.pk],
        )
    ids = list(ServicePage.objects.filter(pk__gt=template.pk).values_list("pk", flat=True))
    through = ServicePage.challenges.through
    links, served = [], []
    for pk in ids:
        links += [through(servicepage_id=pk, challengepage_id=c) for c in rng.sample(challenges, rng.choice([0, 1, 2]))]
        served += [ServiceMunicipio(page_id=pk, municipio=m) for m in rng.sample(range(1, 10), 2)]
    through.objects.bulk_create(links, batch_size=BATCH)
    ServiceMunicipio.objects.bulk_create(served, batch_size=BATCH)


def build_activity(orders: int, rng: random.Random, staff) -> None:
    """Families, children, requests (a quarter more than orders), quotes, orders, voucher payments."""
    services = list(ServicePage.objects.values_list("pk", "provider_page_id", "age_min", "age_max"))
    call = VoucherCallFactory(valid_from=datetime.date(2024, 1, 1), valid_until=datetime.date(2027, 12, 31))
    now = timezone.now()
    families = max(1, orders // 10)
    guardians = Guardian.objects.bulk_create(
        [
            Guardian(
                first_name="G", last_name=str(n), fiscal_code=f"BNCGNT80A01F{n:04d}"[:16], municipio=rng.randint(1, 9)
            )
            for n in range(families)
        ],
        batch_size=BATCH,
    )
    children = Child.objects.bulk_create(
        [
            Child(
                guardian=g,
                first_name="C",
                birth_date=datetime.date(2008, 1, 1) + datetime.timedelta(days=rng.randint(0, 6000)),
                fiscal_code=f"BNCCHL{n:010d}"[:16],
            )
            for n, g in enumerate(guardians + guardians[: families // 2])
        ],
        batch_size=BATCH,
    )
    wallets = Wallet.objects.bulk_create(
        [
            Wallet(
                child=c,
                holder=c.guardian,
                call=call,
                value=Decimal(300),
                valid_from=call.valid_from,
                valid_until=call.valid_until,
            )
            for c in children[::2]
        ],
        batch_size=BATCH,
    )
    LedgerEntry.objects.bulk_create(
        [LedgerEntry(wallet=w, kind=LedgerEntry.Kind.GRANT, amount=Decimal(300)) for w in wallets], batch_size=BATCH
    )
    wallet_of = {w.child_id: w for w in wallets}
    made = 0
    while made < orders:
        chunk = min(BATCH, orders - made)
        requests = []
        for _ in range(chunk + chunk // 4):
            child = rng.choice(children)
            service = rng.choice(services)
            requests.append(
                ServiceRequest(
                    guardian_id=child.guardian_id,
                    child=child,
                    service_id=service[0],
                    provider_id=service[1],
                    preferred_start=now.date(),
                    created_at=now - datetime.timedelta(days=rng.randint(0, 730)),
                    state=ServiceRequest.State.QUOTED,
                )
            )
        requests = ServiceRequest.objects.bulk_create(requests)
        quotes = Quote.objects.bulk_create(
            [
                Quote(
                    request=r,
                    price=Decimal(120),
                    start_date=now.date(),
                    schedule="-",
                    valid_until=now.date(),
                    created_by=staff,
                    created_at=r.created_at,
                    state=Quote.State.ACCEPTED,
                )
                for r in requests[:chunk]
            ]
        )
        placed = Order.objects.bulk_create(
            [
                Order(
                    quote=q,
                    guardian_id=q.request.guardian_id,
                    provider_id=q.request.provider_id,
                    price=q.price,
                    created_at=q.created_at,
                    state=rng.choice([Order.State.PAID, Order.State.COMPLETED, Order.State.CANCELLED]),
                )
                for q in quotes
            ]
        )
        spent = [(o, wallet_of[o.quote.request.child_id]) for o in placed if o.quote.request.child_id in wallet_of]
        entries = LedgerEntry.objects.bulk_create(
            [LedgerEntry(wallet=w, kind=LedgerEntry.Kind.REDEMPTION, amount=Decimal(-20)) for _o, w in spent]
        )
        Payment.objects.bulk_create(
            [
                Payment(
                    order=o,
                    method=Payment.Method.VOUCHER,
                    amount=Decimal(20),
                    status=Payment.Status.CONFIRMED,
                    attempt_key=f"b{o.pk}",
                    ledger_entry=e,
                    created_at=o.created_at,
                )
                for (o, _w), e in zip(spent, entries, strict=True)
            ]
        )
        made += chunk


def time_get(client, url: str) -> tuple[float, int]:
    """p50 in ms over ROUNDS cold requests (caches cleared before each), and the queries of one."""
    samples = []
    for _ in range(ROUNDS):
        cache.clear()
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return statistics.median(samples) * 1000, len(captured.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=50_000)
    parser.add_argument("--orders", type=int, default=200_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/monitoring.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    setup_test_environment()
    old_config = setup_databases(verbosity=0, interactive=False)
    out = sys.stdout
    try:
        rng = random.Random(18)
        clock = time.perf_counter()
        root = Page.get_first_root_node()
        for default in root.get_children():
            default.delete()
        home = root.add_child(instance=HomePage(title="Milano 0.18", slug="home", hero_title="M", hero_text="M"))
        Site.objects.all().delete()
        Site.objects.create(hostname="testserver", root_page=home, is_default_site=True, site_name="Milano 0.18")
        world = build_world(home)
        clone_services(
            world.services[0], args.services - len(world.services), rng, [c.pk for c in world.challenges.values()]
        )
        build_activity(args.orders, rng, world.staff)
        page = home.add_child(instance=MonitoringPage(title="Monitoraggio", slug="monitoraggio"))
        group, _ = Group.objects.get_or_create(name="Monitoraggio")
        group.permissions.add(
            Permission.objects.get(codename="view_monitoring"), Permission.objects.get(codename="access_admin")
        )
        officer = user("bench-officer", groups=[group.name])
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        out.write(
            f"data: {ServicePage.objects.count()} services, {ServiceRequest.objects.count()} requests, "
            f"{Order.objects.count()} orders, {Payment.objects.count()} voucher payments "
            f"(built in {time.perf_counter() - clock:.0f} s)\n"
        )
        start = time.perf_counter()
        run = refresh()
        out.write(f"refresh: {time.perf_counter() - start:.1f} s, {run.facts} figures\n")
        client = Client()
        client.force_login(officer)
        with override_settings(ROOT_URLCONF=__name__):
            trivial, _ = time_get(client, "/trivial/")
            out.write(f"{'page':<22} {'p50 ms':>8} {'queries':>8} {'p50/trivial':>12}\n")
            out.write(f"{'trivial view':<22} {trivial:>8.2f} {'':>8} {1:>12.1f}\n")
            for label, url in (
                ("public page", page.url),
                ("dashboard", "/admin/monitoraggio/"),
                ("equity", "/admin/monitoraggio/equita/"),
            ):
                p50, queries = time_get(client, url)
                out.write(f"{label:<22} {p50:>8.2f} {queries:>8} {p50 / trivial:>12.1f}\n")
    finally:
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    main()
