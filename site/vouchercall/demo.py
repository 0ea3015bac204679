"""Demo: the 2026 voucher call with 6,000 synthetic applications (no real person), its provisional and final rankings,
one accepted appeal, and the demo family (Laura Esposito: Giulia and Luca) funded.

The synthetic families are built so that the final ranking funds exactly 5,006 applications with the whole
2,100,000 EUR budget: the figures the minisite quotes are what this ranking produces. The bracket table, the
window's hours, the ISEE values and the families' municipi are a labelled example, not the 2026 call's own data
(the municipi follow the children resident in each, tilted by ISEE: see `_municipio`). Everything is written with
bulk_create and the ranking services (a constant number of queries): a few seconds on SQLite.
The demo's timeline is one school year, 2026/27, the catalogue's: the seeds' 2022/23 dates (calls, rankings,
news) are moved four years on, so news, calls, vouchers and services all belong to the same year.
"""

import datetime
import itertools
import random
import zoneinfo
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from stdnum.it import codicefiscale

from booking.demo import FAMILY_FISCAL_CODE
from booking.models import Child, Guardian, VoucherCall
from core.demo_pages import demo_password_hash
from home.demo import DEMO_PASSWORD
from vouchercall import services
from vouchercall.access import OFFICE_GROUP
from vouchercall.isee import IseeAnswer, LocalIseeSource
from vouchercall.models import Application, ApplicationChild, Call, IseeBracket, Ranking

ROME = zoneinfo.ZoneInfo("Europe/Rome")
CODE = "voucher-0-18-2026"
BUDGET = Decimal("2100000.00")
APPLICATIONS = 6000
FUNDED = 5006
SEED = "milano018-2026-10-03-sorteggio-pubblico"
# Example table (labelled as such on the call's page): ISEE up to (EUR) → voucher per child (EUR).
BRACKETS = [(5000, 400), (10000, 300), (15000, 250), (20000, 200), (27000, 100)]
OFFICE_USERNAME = "ufficio-voucher"
MONTHS = "ABCDEHLMPRST"
# Where the synthetic families live: each municipio's share of Milan's resident children (the monitoring's synthetic
# residents, site/monitoring/data/resident_children_synthetic.csv), tilted by ISEE as the City's own maps show
# (lower ISEE more often in the outer municipi 2, 4, 7, 8, 9, higher in 1 and 3). A labelled example, not data.
MUNICIPIO_RESIDENTS = [88, 170, 137, 167, 128, 152, 177, 190, 202]
LOW_ISEE_TILT = [0.5, 1.4, 0.7, 1.2, 1.0, 1.0, 1.2, 1.3, 1.4]


def _code(serial: int, born: datetime.date, female: bool) -> str:
    letters = "BCDFGHLMNPQRSTVZ"
    block = "".join(letters[(serial // 16**i) % 16] for i in range(5, -1, -1))
    day = born.day + (40 if female else 0)
    body = f"{block}{born.year % 100:02d}{MONTHS[born.month - 1]}{day:02d}F205"
    return body + codicefiscale.calc_check_digit(body)


def _per_child(isee: int) -> int:
    return next(value for ceiling, value in BRACKETS if isee <= ceiling)


def _municipio(rng: random.Random, isee: int) -> int:
    """A plausible municipio (1-9) for a family with this ISEE (EUR): see MUNICIPIO_RESIDENTS."""
    if isee <= 10000:
        weights = [r * t for r, t in zip(MUNICIPIO_RESIDENTS, LOW_ISEE_TILT, strict=True)]
    elif isee > 20000:
        weights = [r / t for r, t in zip(MUNICIPIO_RESIDENTS, LOW_ISEE_TILT, strict=True)]
    else:
        weights = MUNICIPIO_RESIDENTS
    return rng.choices(range(1, 10), weights)[0]


def _families(rng: random.Random, demo_value: int) -> list[dict]:
    """FUNDED families with ISEE up to 20,000 whose values (with the demo family's) add up to the budget exactly, and
    the rest above 20,000 EUR: after the funded ones nothing is left, so the line falls at position 5,006."""
    funded = []
    for _ in range(FUNDED - 1):
        isee = rng.randint(0, 19999)
        funded.append({"isee": isee, "kids": rng.choice([1, 1, 1, 2, 2, 3])})
    missing = int(BUDGET) - demo_value - sum(_per_child(f["isee"]) * f["kids"] for f in funded)
    # Adjust children until the total is the budget: values are multiples of 50 (steps 200, 250, 300, 400), so a
    # remainder below 200 is closed by giving back a 250 and adding a 300 or a 400.
    for _round, family in zip(range(200000), itertools.cycle(funded), strict=False):
        if missing == 0:
            break
        step = _per_child(family["isee"])
        if missing >= step and family["kids"] < 4:
            family["kids"] += 1
            missing -= step
        elif family["kids"] > 1 and (missing < 0 or (missing < 200 and step == 250)):
            family["kids"] -= 1
            missing += step
    if missing:
        raise RuntimeError(f"demo families do not add up to the budget ({missing} EUR left)")
    rest = [{"isee": rng.randint(20001, 27000), "kids": rng.choice([1, 2])} for _ in range(APPLICATIONS - FUNDED)]
    return funded + rest


def load(stdout) -> None:
    if VoucherCall.objects.filter(code=CODE).exists():
        return
    office, _ = Group.objects.get_or_create(name=OFFICE_GROUP)
    User = get_user_model()
    staff, created = User.objects.get_or_create(
        username=OFFICE_USERNAME,
        defaults={"first_name": "Ufficio", "last_name": "Voucher", "email": f"{OFFICE_USERNAME}@milano018.example"},
    )
    if created:
        staff.password = demo_password_hash(DEMO_PASSWORD)
        staff.save()
    staff.groups.add(office)

    money_call = VoucherCall.objects.create(
        name="Voucher Milano 0.18 — avviso 2026",
        code=CODE,
        budget=BUDGET,
        valid_from=datetime.date(2026, 10, 18),
        valid_until=datetime.date(2027, 7, 31),
    )
    opens, closes = datetime.datetime(2026, 9, 5, 9, 0, tzinfo=ROME), datetime.datetime(2026, 9, 26, 12, 0, tzinfo=ROME)
    call = Call.objects.create(
        money_call=money_call,
        year=2026,
        opens_at=opens,
        closes_at=closes,
        draw_seed=SEED,
        brackets_note="Tabella di esempio del sito dimostrativo, non quella dell'avviso 2026.",
        appeal_days=10,
        unused_return_days=60,
    )
    IseeBracket.objects.bulk_create(
        IseeBracket(call=call, isee_up_to=Decimal(up_to), value_per_child=Decimal(value)) for up_to, value in BRACKETS
    )

    # The demo family applies through the real service, in the window, for Giulia and Luca (ISEE 8,500 EUR).
    guardian = Guardian.objects.get(fiscal_code=FAMILY_FISCAL_CODE, fiscal_code_verified=True)
    children = list(guardian.children.order_by("birth_date"))
    declaration = services.Declaration(
        isee_type="ordinary",
        isee_value=Decimal("8500.00"),
        dsu_protocol="INPS-ISEE-2026-000048170-00",
        isee_date=datetime.date(2026, 3, 15),
        minors_in_household=len(children),
        declared_residence=True,
        declared_truthful=True,
        privacy_acknowledged=True,
    )
    LocalIseeSource.records[guardian.fiscal_code] = IseeAnswer(
        found=True, value=declaration.isee_value, dsu_protocol=declaration.dsu_protocol, isee_type="ordinary"
    )
    services.submit(call, guardian, children, declaration, actor=None, now=opens + datetime.timedelta(days=2))

    rng = random.Random(2022)
    families = _families(rng, _per_child(8500) * len(children))
    rng.shuffle(families)  # arrival order has nothing to do with the ranking
    homes = random.Random(f"{SEED}-municipi")  # its own sequence: the families and the ranking stay as they were
    guardians = Guardian.objects.bulk_create(
        Guardian(
            first_name="Famiglia",
            last_name=f"Sintetica {i + 1}",
            fiscal_code=_code(i, datetime.date(1970 + i % 25, 1 + i % 12, 1 + i % 28), i % 2 == 0),
            fiscal_code_verified=True,
            municipio=_municipio(homes, family["isee"]),
        )
        for i, family in enumerate(families)
    )
    kids, serial = [], 100000
    for family, parent in zip(families, guardians, strict=True):
        for k in range(family["kids"]):
            born = datetime.date(2009 + rng.randint(0, 16), 1 + rng.randint(0, 11), 1 + rng.randint(0, 27))
            serial += 1
            kids.append(
                Child(
                    guardian=parent,
                    first_name=f"Figlio {k + 1}",
                    birth_date=born,
                    fiscal_code=_code(serial, born, k % 2 == 1),
                )
            )
    kids = Child.objects.bulk_create(kids, batch_size=2000)
    sent = opens + datetime.timedelta(days=3)
    applications = Application.objects.bulk_create(
        [
            Application(
                call=call,
                guardian=parent,
                protocol=services.protocol_code(call, i + 2),
                isee_type="ordinary",
                isee_value=Decimal(family["isee"]),
                dsu_protocol=f"INPS-ISEE-2026-{100000 + i:09d}-00",
                isee_date=datetime.date(2026, 2, 1),
                minors_in_household=family["kids"] + rng.randint(0, 2),
                declared_residence=True,
                declared_truthful=True,
                privacy_acknowledged=True,
                isee_checked="match",
                sent_at=sent + datetime.timedelta(minutes=i),
            )
            for i, (family, parent) in enumerate(zip(families, guardians, strict=True))
        ],
        batch_size=2000,
    )
    by_guardian = {application.guardian_id: application for application in applications}
    ApplicationChild.objects.bulk_create(
        [
            ApplicationChild(
                application=by_guardian[kid.guardian_id], call=call, child=kid, fiscal_code=kid.fiscal_code
            )
            for kid in kids
        ],
        batch_size=2000,
    )

    # One family was excluded, asked for a review and was readmitted: the final ranking lists the change.
    appellant = next(a for a, f in zip(applications, families, strict=True) if f["isee"] < 5000)
    services.exclude(appellant, "Residenza a Milano non risultante all'anagrafe.", actor=staff)
    provisional = services.compute_ranking(
        call, Ranking.Kind.PROVISIONAL, actor=staff, now=datetime.datetime(2026, 10, 3, 10, 0, tzinfo=ROME)
    )
    appeal = services.appeal(
        appellant,
        "Siamo residenti a Milano dal 2019: allego il certificato di residenza.",
        actor=None,
        now=datetime.datetime(2026, 10, 5, 18, 0, tzinfo=ROME),
    )
    services.decide_appeal(appeal, True, "Residenza verificata all'anagrafe: domanda riammessa.", actor=staff)
    final = services.compute_ranking(
        call, Ranking.Kind.FINAL, actor=staff, now=datetime.datetime(2026, 10, 14, 10, 0, tzinfo=ROME)
    )
    wallets = services.grant_final(final, actor=staff)
    stdout.write(
        f"vouchercall: {len(applications) + 1} domande; provvisoria {provisional.funded_count} finanziate, "
        f"definitiva {final.funded_count} finanziate, {final.funded_total} EUR, {wallets} voucher"
    )
