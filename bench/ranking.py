"""Voucher call ranking benchmark: seconds and queries to rank N applications, and the growth ratio.

    DATABASE_URL=postgres://postgres:...@127.0.0.1:5432/wt_vouchercall .venv/bin/python bench/ranking.py
    .venv/bin/python bench/ranking.py --sizes 1000,10000          # SQLite in memory

Each size gets its own call with N synthetic applications (1-3 children each, ISEE 0-27,000 EUR), written with
bulk_create; then `vouchercall.services.compute_ranking` (provisional) and `services.verify` are timed and their
queries counted. The ratio column is seconds(N) / seconds(previous N) over N / previous N: 1.0 is linear.
"""

import argparse
import datetime
import os
import random
import sys
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
from django.test.utils import CaptureQueriesContext, setup_databases, setup_test_environment, teardown_databases  # noqa: E402

from booking.models import Child, Guardian, VoucherCall  # noqa: E402
from vouchercall import services  # noqa: E402
from vouchercall.models import Application, ApplicationChild, Call, IseeBracket  # noqa: E402

BRACKETS = [(5000, 400), (10000, 300), (15000, 250), (20000, 200), (27000, 100)]


def build(size: int, tag: int) -> Call:
    rng = random.Random(size)
    now = datetime.datetime.now(tz=datetime.UTC)
    money = VoucherCall.objects.create(
        name=f"Bench {size}",
        code=f"bench-{size}-{tag}",
        budget=Decimal(size * 250),
        valid_from=datetime.date(2022, 10, 18),
        valid_until=datetime.date(2023, 7, 31),
    )
    call = Call.objects.create(
        money_call=money, year=2000 + tag, opens_at=now - datetime.timedelta(days=30), closes_at=now, draw_seed="bench"
    )
    IseeBracket.objects.bulk_create(
        IseeBracket(call=call, isee_up_to=Decimal(up), value_per_child=Decimal(v)) for up, v in BRACKETS
    )
    guardians = Guardian.objects.bulk_create(
        [Guardian(first_name="B", last_name=str(i), fiscal_code=f"G{tag:02d}{i:013d}") for i in range(size)],
        batch_size=5000,
    )
    children, apps = [], []
    for i, guardian in enumerate(guardians):
        kids = rng.choice([1, 1, 2, 3])
        apps.append(
            Application(
                call=call,
                guardian=guardian,
                protocol=services.protocol_code(call, i + 1),
                isee_type="ordinary",
                isee_value=Decimal(rng.randint(0, 27000)),
                dsu_protocol=f"INPS-ISEE-2022-{i:09d}-00",
                isee_date=datetime.date(2022, 2, 1),
                minors_in_household=kids + rng.randint(0, 2),
                declared_residence=True,
                declared_truthful=True,
                privacy_acknowledged=True,
            )
        )
        children.extend(
            Child(
                guardian=guardian,
                first_name="C",
                birth_date=datetime.date(2012, 1, 1),
                fiscal_code=f"C{tag:02d}{i:011d}{k}",
            )
            for k in range(kids)
        )
    children = Child.objects.bulk_create(children, batch_size=5000)
    apps = {a.guardian_id: a for a in Application.objects.bulk_create(apps, batch_size=5000)}
    ApplicationChild.objects.bulk_create(
        [
            ApplicationChild(application=apps[c.guardian_id], call=call, child=c, fiscal_code=c.fiscal_code)
            for c in children
        ],
        batch_size=5000,
    )
    return call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    setup_test_environment()
    old_config = setup_databases(verbosity=0, interactive=False)
    out = sys.stdout
    try:
        out.write(f"database: {connection.vendor}\n")
        out.write(f"{'size':>8} {'rank s':>8} {'queries':>8} {'verify s':>9} {'v. queries':>10} {'growth':>8}\n")
        previous = None
        for tag, size in enumerate(sizes):
            call = build(size, tag)
            with CaptureQueriesContext(connection) as ranked:
                start = time.perf_counter()
                ranking = services.compute_ranking(call, "provisional", actor=None)
                rank_s = time.perf_counter() - start
            with CaptureQueriesContext(connection) as verified:
                start = time.perf_counter()
                assert services.verify(ranking).ok
                verify_s = time.perf_counter() - start
            growth = "" if previous is None else f"{(rank_s / previous[1]) / (size / previous[0]):.2f}"
            out.write(
                f"{size:>8} {rank_s:>8.2f} {len(ranked.captured_queries):>8} {verify_s:>9.2f} "
                f"{len(verified.captured_queries):>10} {growth:>8}\n"
            )
            out.flush()
            previous = (size, rank_s)
    finally:
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    main()
