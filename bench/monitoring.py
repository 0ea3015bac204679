"""Monitoring benchmark: the refresh of the aggregate tables and the pages that read them, at the City's scale.

    DATABASE_URL=postgres://postgres:milano018-test@127.0.0.1:5432/bench .venv/bin/python bench/monitoring.py
    ... bench/monitoring.py --services 5000 --orders 20000          # a quicker run

PostgreSQL only (the data set is cloned with SQL and written with COPY). In a scratch test database it builds
the catalogue (--services live service pages cloned from one full sheet, each naming zero, one or two
challenges and serving two municipi), --orders orders from as many requests plus a quarter more left
unanswered, for families spread over the nine municipi with children of every age, over two years, half of
them paid in part with a voucher through ledger entries, and --applications applications to the voucher call
(one per family, with an ISEE), and forty funded micro-projects with their nominal lists. Then it times
`refresh()` against the per-cut refresh it replaced (tests/monitoring/reference.py, the baseline, measured in
the same run, with the same figures checked equal) and, with every cache cold, the public page, the staff
dashboard and the equity page against a trivial Django view measured in the same run: the ratio columns are
the figures to compare between runs. The pages' query counts are printed too: they must not grow with the data.

Over 400 lines on purpose: a standalone script run as one file; most of it builds the data set, whose
parts (catalogue, orders, ledger entries, applications, projects) refer to each other's rows.
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
from collective.models import MicroProject, Participant  # noqa: E402
from config import urls as site_urls  # noqa: E402
from home.models import HomePage  # noqa: E402
from monitoring.figures import CHALLENGE_NUMBERS, compute, rebuild_service_scopes, refresh  # noqa: E402
from monitoring.models import MICRO_PROJECT_METRICS, MonitoringPage  # noqa: E402
from tests.booking.factories import VoucherCallFactory, fiscal_code  # noqa: E402
from tests.catalog.factories import user  # noqa: E402
from tests.collective import factories as collective  # noqa: E402
from tests.monitoring import reference  # noqa: E402
from tests.monitoring.conftest import build_world  # noqa: E402
from vouchercall.models import Application, ApplicationChild, Call  # noqa: E402

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's materialised path, 4 characters a level
CATEGORIES = ["sport", "arte", "stem", "salute", "scuola-plus"]
ROUNDS = 7
BATCH = 5000


def trivial_view(request):
    return HttpResponse("ok")


urlpatterns = [path("trivial/", trivial_view), *site_urls.urlpatterns]


def copy_create(objects: list) -> list:
    """Insert unsaved model instances of one model with PostgreSQL COPY (what bulk_create does, several times
    faster at this volume): ids are taken from the table's sequence first, so the instances can be referenced
    by the next ones. Field defaults and auto_now values are filled as a save would. Returns `objects`."""
    if not objects:
        return objects
    model = type(objects[0])
    meta = model._meta
    fields = list(meta.concrete_fields)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objects)],
        )
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                copy.write_row([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields])
    for obj in objects:
        obj._state.adding = False
    return objects


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


def build_activity(orders: int, rng: random.Random, staff) -> tuple:
    """Families, children, requests (a quarter more than orders), quotes, orders, voucher payments; returns the
    voucher call, the guardians and the children."""
    services = list(ServicePage.objects.values_list("pk", "provider_page_id", "age_min", "age_max"))
    call = VoucherCallFactory(valid_from=datetime.date(2024, 1, 1), valid_until=datetime.date(2027, 12, 31))
    now = timezone.now()
    families = max(1, orders // 10)
    guardians = copy_create(
        [
            Guardian(
                first_name="G", last_name=str(n), fiscal_code=f"BNCGNT80A01F{n:04d}"[:16], municipio=rng.randint(1, 9)
            )
            for n in range(families)
        ]
    )
    children = copy_create(
        [
            Child(
                guardian=g,
                first_name="C",
                birth_date=datetime.date(2008, 1, 1) + datetime.timedelta(days=rng.randint(0, 6000)),
                fiscal_code=f"BNCCHL{n:010d}"[:16],
            )
            for n, g in enumerate(guardians + guardians[: families // 2])
        ]
    )
    wallets = copy_create(
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
        ]
    )
    copy_create([LedgerEntry(wallet=w, kind=LedgerEntry.Kind.GRANT, amount=Decimal(300)) for w in wallets])
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
        requests = copy_create(requests)
        quotes = copy_create(
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
        placed = copy_create(
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
        entries = copy_create(
            [LedgerEntry(wallet=w, kind=LedgerEntry.Kind.REDEMPTION, amount=Decimal(-20)) for _o, w in spent]
        )
        copy_create(
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
    return call, guardians, children


def build_applications(count: int, rng: random.Random, money_call, guardians, children) -> None:
    """`count` applications to the voucher call (one per family, the first `count` families), each for the
    family's children, with an ISEE from 0 to 30,000 EUR; one in twenty withdrawn."""
    now = timezone.now()
    call = Call.objects.create(
        money_call=money_call,
        year=2024,
        opens_at=now - datetime.timedelta(days=400),
        closes_at=now - datetime.timedelta(days=380),
        draw_seed="bench",
        appeal_days=10,
        unused_return_days=60,
    )
    families = guardians[:count]
    applications = copy_create(
        [
            Application(
                call=call,
                guardian=g,
                protocol=f"B-{n:07d}",
                state=Application.State.WITHDRAWN if n % 20 == 0 else Application.State.SENT,
                isee_type="ordinary",
                isee_value=Decimal(rng.randint(0, 30000)),
                dsu_protocol=f"INPS-ISEE-2024-{n:09d}-00",
                isee_date=datetime.date(2024, 1, 15),
                minors_in_household=2,
                sent_at=now - datetime.timedelta(days=390, minutes=n),
            )
            for n, g in enumerate(families)
        ]
    )
    of_guardian = {a.guardian_id: a for a in applications}
    copy_create(
        [
            ApplicationChild(application=of_guardian[c.guardian_id], call=call, child=c, fiscal_code=c.fiscal_code)
            for c in children
            if c.guardian_id in of_guardian
        ]
    )


def build_micro_projects(world, rng: random.Random) -> None:
    """Forty funded micro-projects of one collective call, in the nine municipi, each with a nominal list of 12
    to 30 children of whom a third referred."""
    call = collective.make_call(code="bench")
    application = collective.draft(call, world.provider, world.staff, projects=0)
    helper = collective.referrer()
    codes = list(CHALLENGE_NUMBERS)
    projects = copy_create(
        [
            MicroProject(
                **collective.project_fields(
                    call,
                    title=f"Progetto {n}",
                    challenges=rng.sample(codes, rng.choice([1, 2])),
                    municipi=[1 + n % 9],
                    reserved_places=8,
                    starts_on=datetime.date(2025, 1 + n % 12, 1),
                ),
                application=application,
                funding=MicroProject.Funding.FUNDED,
                funded_amount=Decimal("9000.00"),
            )
            for n in range(40)
        ]
    )
    copy_create(
        [
            Participant(
                project=p,
                first_name="P",
                last_name=str(k),
                fiscal_code=fiscal_code(datetime.date(2012, 1, 1) + datetime.timedelta(days=rng.randint(0, 2500))),
                referrer=helper if k % 3 == 0 else None,
            )
            for p in projects
            for k in range(rng.randint(12, 30))
        ]
    )


def figures_of(rows) -> dict:
    """{figure key: value} without the micro-projects' (the per-cut refresh does not know them)."""
    return {
        (f.period, f.call_id, f.scope, f.scope_key, f.cut, f.cut_key, f.metric): f.value
        for f in rows
        if f.metric not in MICRO_PROJECT_METRICS
    }


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
    parser.add_argument("--applications", type=int, default=20_000)
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
        money_call, guardians, children = build_activity(args.orders, rng, world.staff)
        build_applications(min(args.applications, len(guardians)), rng, money_call, guardians, children)
        build_micro_projects(world, rng)
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
            f"{Order.objects.count()} orders, {Payment.objects.count()} voucher payments, "
            f"{Application.objects.count()} applications, {MicroProject.objects.count()} micro-projects, "
            f"{Participant.objects.count()} participants (built in {time.perf_counter() - clock:.0f} s)\n"
        )
        rebuild_service_scopes()
        start = time.perf_counter()
        baseline = reference.compute()
        per_cut = time.perf_counter() - start
        start = time.perf_counter()
        figures = compute()
        one_pass = time.perf_counter() - start
        same = figures_of(figures) == figures_of(baseline)
        start = time.perf_counter()
        run = refresh()
        total = time.perf_counter() - start
        out.write(f"{'figures':<34} {'seconds':>8} {'ratio to per-cut':>17}\n")
        out.write(f"{'per-cut compute (baseline)':<34} {per_cut:>8.1f} {1:>17.2f}\n")
        out.write(f"{'one-pass compute':<34} {one_pass:>8.1f} {one_pass / per_cut:>17.2f}\n")
        out.write(f"{'refresh (scopes, compute, write)':<34} {total:>8.1f} {total / per_cut:>17.2f}\n")
        out.write(f"{run.facts} figures; the same as the per-cut refresh's: {'yes' if same else 'NO'}\n")
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
