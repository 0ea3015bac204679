"""Builders for the collective-voucher tests: a call with an open window and a four-line grid, providers with
their staff, committee members and City staff (with the admin access they really get)."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from collective import nominal_lists, services
from collective.models import (
    Application,
    BudgetLine,
    CollectiveCall,
    CommitteeMember,
    Criterion,
    MicroProject,
    Referrer,
    Window,
)
from tests.booking.factories import fiscal_code
from tests.catalog import factories as catalog
from tests.catalog.test_register import pdf_bytes

ROME = ZoneInfo("Europe/Rome")
GRID = [("Coerenza con le sfide", 40), ("Qualità del progetto", 30), ("Rete territoriale", 20), ("Costi", 10)]


def rome(*args) -> datetime.datetime:
    """An aware datetime from a Europe/Rome wall-clock time (year, month, day, hour, minute)."""
    return datetime.datetime(*args, tzinfo=ROME)


def make_call(code="vc-test", budget="420000.00", opens=None, closes=None, **fields) -> CollectiveCall:
    now = timezone.now()
    call = CollectiveCall.objects.create(
        name=f"Voucher collettivi {code}",
        code=code,
        budget=Decimal(budget),
        activities_end=fields.pop("activities_end", (now + datetime.timedelta(days=300)).date()),
        tie_rule=fields.pop("tie_rule", "earlier"),
        **fields,
    )
    Window.objects.create(
        call=call,
        opens_at=opens or now - datetime.timedelta(days=10),
        closes_at=closes or now + datetime.timedelta(days=10),
    )
    for order, (title, weight) in enumerate(GRID):
        Criterion.objects.create(
            call=call,
            order=order,
            title=title,
            weight=weight,
            level_zero="Assente",
            level_half="Parziale",
            level_full="Piena e documentata",
        )
    return call


def staff_user(username, *perms):
    account = catalog.user(username, is_staff=True)
    account.user_permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in perms:
        account.user_permissions.add(Permission.objects.get(codename=codename))
    return account


def city_user(username="comune"):
    return staff_user(username, "change_collectivecall")


def member(call, username):
    return CommitteeMember.objects.create(call=call, user=staff_user(username))


def providers(home_page, count=2):
    """[(provider page, its staff user)] for `count` providers admitted to the Elenco."""
    _catalog, _categories, index = catalog.catalog_tree(home_page)
    out = []
    for number in range(1, count + 1):
        page = catalog.provider(index, f"Ente {number}", number=number)
        out.append((page, catalog.provider_user(f"ente-{number}", page)))
    return out


def project_fields(call, **fields):
    values = {
        "title": "Laboratorio di quartiere",
        "challenges": ["extrascolastiche"],
        "descriptors": ["relationships"],
        "age_min": 6,
        "age_max": 14,
        "municipi": [2],
        "venues": "Via Padova 1, Milano",
        "planned_participants": 20,
        "reserved_places": 6,
        "starts_on": call.activities_end - datetime.timedelta(days=120),
        "ends_on": call.activities_end - datetime.timedelta(days=10),
        "amount_asked": Decimal("10000.00"),
    }
    values.update(fields)
    return values


def draft(call, provider, staff, projects=1, **fields) -> Application:
    application = services.create_application(call, provider.pk, staff)
    for n in range(projects):
        values = project_fields(call, **fields)
        values["title"] = f"{values['title']} {n + 1}"
        project = MicroProject(**values)
        services.save_project(application, staff, project, [("Educatori", values["amount_asked"])])
    return application


def submitted(call, provider, staff, **fields) -> Application:
    return services.submit(draft(call, provider, staff, **fields), staff)


def score_all(member_obj, project, fraction="0.8"):
    points = {
        c.pk: (Decimal(c.weight) * Decimal(fraction)).quantize(Decimal("0.01")) for c in member_obj.call.criteria.all()
    }
    return services.record_score(member_obj, project, points, member_obj.user)


def child_code(age_on: datetime.date, years: int = 10) -> str:
    return fiscal_code(age_on.replace(year=age_on.year - years) - datetime.timedelta(days=40))


def referrer():
    return Referrer.objects.get_or_create(name="Servizio sociale Municipio 2", kind="social")[0]


def add_child(project, by, first_name, last_name, years=10, lives_in="Milano", **fields):
    """Put a child `years` old when the project starts on its nominal list, as `by` does through
    `nominal_lists.add_participant` (`fields`: school_in, referrer, ...); raises what it raises."""
    return nominal_lists.add_participant(
        project,
        by,
        first_name=first_name,
        last_name=last_name,
        fiscal_code=child_code(project.starts_on, years),
        lives_in=lives_in,
        **fields,
    )


def score_and_fund(call, applications):
    """The committee (members «anna» and «bruno») declares no conflict and scores every project of `applications` at
    0.8 of each criterion's weight; then the City funds the call. Returns (members, the City's user)."""
    members = [member(call, name) for name in ("anna", "bruno")]
    for m in members:
        services.declare(m, [], m.user)
        for application in applications:
            score_all(m, application.projects.get())
    city = city_user()
    services.fund(call, city)
    return members, city


def funded_world(home_page, advance_share=50) -> dict:
    """Two providers each with a funded project (3 planned places, 1 reserved, 10,000 EUR), both nominal lists
    accepted (a referred child and a child of the provider's own): the project of «Ente 1» is `project`."""
    call = make_call(advance_share=advance_share)
    (p1, s1), (p2, s2) = providers(home_page)
    applications = [submitted(call, p, s, planned_participants=3, reserved_places=1) for p, s in ((p1, s1), (p2, s2))]
    members, city = score_and_fund(call, applications)
    projects = [application.projects.get() for application in applications]
    for project, staff in zip(projects, (s1, s2), strict=True):
        add_child(project, city, "Aurora", "Segnalata", referrer=referrer())
        add_child(project, staff, "Luca", "Bianchi", 9, lives_in="Sesto San Giovanni", school_in="Milano")
        nominal_lists.accept_list(project, city)
        project.refresh_from_db()
    return {"call": call, "project": projects[0], "other": projects[1], "s1": s1, "s2": s2, "city": city,
            "members": members}  # fmt: skip


def pdf_upload(name="fattura.pdf"):
    """A real one-page PDF upload, as a browser sends it."""
    return SimpleUploadedFile(name, pdf_bytes(), "application/pdf")


__all__ = ["BudgetLine", "rome"]
