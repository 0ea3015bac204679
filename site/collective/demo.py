"""Demo content of the collective-voucher call: the 2026 call (420,000 EUR, first window closing 29/09/2026 15:00
Europe/Rome, activities to end by 31/08/2027), 34 applications from demo providers holding 40 micro-projects, a
committee of three (one declared conflict), two scores per proposal (some reconciled), the funded list published,
and referred children on two funded projects.

Everything goes through `collective.services`, so the audit trail holds the demo's history too; the applications
are entered by the demo City administrator («admin», who works for every provider) with their 2026 protocol times.
Idempotent: a call that already has applications is left as it is.
The demo's timeline is one school year, 2026/27, the catalogue's: the seeds' 2022/23 dates (calls, rankings,
news) are moved four years on, so news, calls, vouchers and services all belong to the same year.
"""

import datetime
import random
from decimal import Decimal
from importlib import import_module
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from stdnum.it import codicefiscale

from catalog.facts import providers_for_user
from collective import nominal_lists, services
from collective.models import Application, CollectiveCall, CommitteeMember, Criterion, MicroProject, Referrer, Window
from core.demo_pages import demo_password_hash
from home.demo import DEMO_PASSWORD

ROME = ZoneInfo("Europe/Rome")
CODE = "voucher-collettivi-2026"
GRID = [
    ("Coerenza con le sei sfide cittadine", 30, "Nessun legame con le sfide", "Legame generico con una sfida",
     "Obiettivi misurabili legati a una o più sfide"),
    ("Qualità e fattibilità del progetto", 30, "Attività e calendario non definiti",
     "Attività definite, calendario incompleto",
     "Attività, calendario e risorse coerenti e completi"),
    ("Inclusione dei bambini segnalati", 25, "Nessuna misura oltre la quota del 30%",
     "Misure di accoglienza generiche", "Accoglienza, accompagnamento e raccordo con i servizi descritti"),
    ("Congruità dei costi", 15, "Costi non giustificati", "Costi in parte giustificati",
     "Ogni voce motivata e congrua"),
]  # fmt: skip
MEMBERS = [
    ("commissione-welfare", "Paola", "Welfare e Salute"),
    ("commissione-educazione", "Andrea", "Educazione"),
    ("commissione-sport", "Chiara", "Lavoro, Giovani e Sport"),
]
TITLES = [
    "Cortili in gioco", "Laboratorio di robotica", "Teatro di quartiere", "Musica insieme", "Orti a scuola",
    "Sport per tutte e tutti", "Fumetto e racconto", "Estate al parco", "Coding in biblioteca", "Danza urbana",
]  # fmt: skip


def _code(body: str) -> str:
    return body + codicefiscale.calc_check_digit(body)


def _member(call, username, first_name, direction) -> CommitteeMember:
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"first_name": first_name, "last_name": direction, "email": f"{username}@milano018.example",
                  "is_staff": True},
    )  # fmt: skip
    if created:
        user.password = demo_password_hash(DEMO_PASSWORD)
        user.save()
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return CommitteeMember.objects.get_or_create(call=call, user=user)[0]


OFFICE_USERNAME = "ufficio-collettivi"


def _office_user():
    """«ufficio-collettivi», in the «Ufficio voucher collettivi» group (migration 0005): runs the call, not a
    superuser."""
    user, created = get_user_model().objects.get_or_create(
        username=OFFICE_USERNAME,
        defaults={"first_name": "Ufficio", "last_name": "Voucher collettivi", "is_staff": True,
                  "email": f"{OFFICE_USERNAME}@milano018.example"},
    )  # fmt: skip
    if created:
        user.password = demo_password_hash(DEMO_PASSWORD)
        user.save()
    user.groups.add(_office_group())
    return user


def _office_group() -> Group:
    """The group migration 0005 creates, with its permissions; made again when missing (a database emptied by a
    test's flush keeps no migration rows)."""
    migration = import_module("collective.migrations.0005_collective_office_group")
    group, created = Group.objects.get_or_create(name=migration.OFFICE_GROUP)
    if created:
        codenames = [f"{action}_{model}" for model, actions in migration.CODENAMES.items() for action in actions]
        group.permissions.add(*Permission.objects.filter(content_type__app_label="collective", codename__in=codenames))
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")
        )
    return group


def load(stdout) -> None:
    admin = get_user_model().objects.filter(username="admin", is_superuser=True).first()
    call, _ = CollectiveCall.objects.get_or_create(
        code=CODE,
        defaults={"name": "Avviso voucher collettivi 2026 - micro-progettazioni locali", "budget": Decimal("420000.00"),
                  "activities_end": datetime.date(2027, 8, 31), "tie_rule": "earlier", "reconciliation_gap": 15},
    )  # fmt: skip
    if admin is None or Application.objects.filter(call=call).exists():
        return
    window, _ = Window.objects.get_or_create(
        call=call,
        opens_at=datetime.datetime(2026, 7, 18, 10, 0, tzinfo=ROME),
        closes_at=datetime.datetime(2026, 9, 29, 15, 0, tzinfo=ROME),
    )
    for order, (title, weight, zero, half, full) in enumerate(GRID):
        Criterion.objects.get_or_create(
            call=call, order=order,
            defaults={"title": title, "weight": weight, "level_zero": zero, "level_half": half, "level_full": full},
        )  # fmt: skip
    providers = providers_for_user(admin)[:34]
    rng = random.Random(2022)
    for n, provider in enumerate(providers):
        application = services.create_application(call, provider.id, admin)
        for k in range(2 if n < 6 else 1):
            planned = rng.randrange(12, 40)
            amount = Decimal(rng.randrange(60, 150) * 100)
            project = MicroProject(
                title=f"{TITLES[(n + k) % len(TITLES)]} - {provider.name}"[:255],
                challenges=[rng.choice(["extrascolastiche", "vita-sociale", "bisogni-speciali", "segregazione"])],
                descriptors=["relationships"], age_min=6, age_max=14, municipi=[1 + (n % 9)],
                venues=f"Sede dell'ente, Municipio {1 + (n % 9)}", planned_participants=planned,
                reserved_places=call.required_reserved(planned), starts_on=datetime.date(2026, 11, 7),
                ends_on=datetime.date(2027, 6, 30), amount_asked=amount,
            )  # fmt: skip
            services.save_project(application, admin, project, [("Educatori e operatori", amount - 500),
                                                                  ("Materiali", Decimal(500))])  # fmt: skip
        submitted_at = datetime.datetime(2026, 9, 1, 9, 0, tzinfo=ROME) + datetime.timedelta(hours=17 * n)
        services.submit(application, admin, at=min(submitted_at, window.closes_at - datetime.timedelta(minutes=5)))
    members = [_member(call, *row) for row in MEMBERS]
    for i, member in enumerate(members):
        services.declare(member, [providers[0].id] if i == 0 and providers else [], member.user)
    criteria = list(call.criteria.all())
    projects = list(MicroProject.objects.filter(application__call=call).select_related("application").order_by("pk"))
    for n, project in enumerate(projects):
        quality = rng.randrange(40, 96)
        pair = members[1:] if project.application.provider_id == providers[0].id else members[n % 2 : n % 2 + 2]
        for j, member in enumerate(pair):
            level = quality + (12 if n % 9 == 0 and j == 0 else -5 if n % 9 == 0 else rng.randrange(-4, 5))
            fraction = Decimal(max(0, min(100, level))) / 100
            points = {c.pk: (c.weight * fraction).quantize(Decimal("0.01")) for c in criteria}
            services.record_score(member, project, points, member.user)
        if services.needs_reconciliation(project, call):
            services.reconcile(
                project, pair[0], Decimal(quality),
                "La commissione concorda sulla qualità del calendario; il raccordo con i servizi è da rafforzare.",
                pair[0].user,
            )  # fmt: skip
    office = _office_user()
    services.fund(call, office)
    services.publish(call, office)
    referrers = [
        Referrer.objects.get_or_create(name="Servizio sociale professionale territoriale - Municipio 2", kind="social")[
            0
        ],
        Referrer.objects.get_or_create(name="Istituto comprensivo Giacosa", kind="school")[0],
    ]
    funded = list(MicroProject.objects.filter(application__call=call, funding="funded").order_by("-final_score")[:2])
    for p, project in enumerate(funded):
        for c in range(project.reserved_places):
            body = f"RSS{'BCDFGHLMNP'[c % 10]}{'BCDFGHLMNP'[p]}N12A{10 + c:02d}F205"
            nominal_lists.add_participant(project, office, first_name=f"Bambino {c + 1}", last_name="Segnalato",
                                     fiscal_code=_code(body), lives_in="Milano", referrer=referrers[p])  # fmt: skip
    stdout.write(f"collective: {len(projects)} micro-progettazioni, {len(funded)} con bambini segnalati")
