"""The public monitoring page, the admin dashboard and equity page, and a child's wellbeing radar."""

import datetime
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from booking.models import Order
from home.models import HomePage
from monitoring.figures import refresh
from monitoring.models import MonitoringPage
from tests.booking.factories import ChildFactory, GuardianFactory
from tests.catalog.factories import user
from tests.htmlcheck import html_errors
from tests.monitoring.events import event, funded_project

ROME = datetime.timezone(datetime.timedelta(hours=1))
WHEN = datetime.datetime(2025, 10, 6, 11, tzinfo=ROME)


@pytest.fixture
def world(world_of_the_module):
    """Every test here uses it: built once for the module (`world_of_the_module`)."""
    return world_of_the_module


@pytest.fixture
def public_page(world):
    home = HomePage.objects.get()  # the module's home page, under which `world` was built
    return home.add_child(instance=MonitoringPage(title="Il monitoraggio", slug="monitoraggio", intro="Cifre."))


@pytest.fixture
def officer(db):
    group, _ = Group.objects.get_or_create(name="Monitoraggio")
    group.permissions.add(
        Permission.objects.get(codename="view_monitoring"), Permission.objects.get(codename="access_admin")
    )
    return user("ufficio-monitoraggio", groups=[group.name])


def activity(world, count):
    for n in range(count):
        event(
            world, world.services[n % 3], municipio=1 + n % 9, age=4 + n % 13, when=WHEN, order_state=Order.State.PAID
        )
    refresh()


def queries(client, url):
    """Queries of one request with every cache cold (the monitoring's figures and the site's chrome)."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_public_page_shows_each_challenge_and_hides_fewer_than_three_children(client, world, public_page):
    one, both, _none = world.services
    for _ in range(4):
        event(world, both, municipio=5, age=9, when=WHEN, order_state=Order.State.COMPLETED)
    event(world, one, municipio=5, age=9, when=WHEN, order_state=Order.State.PAID)
    refresh()
    response = client.get(public_page.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert "Sfida di prova 1" in html and "Accesso a istruzione e formazione" in html
    # Challenge 1 reached 5 children, challenge 2 only the 4 of "both"; dimension 3 likewise 4.
    assert ">5<" in html and ">4<" in html
    assert '<svg class="m018-bars"' in html and 'class="m018-radar"' in html


def test_a_single_child_is_never_published(client, world, public_page):
    event(world, world.services[1], municipio=5, age=9, when=WHEN, order_state=Order.State.PAID)
    refresh()
    html = client.get(public_page.url).content.decode()
    table = html.split("Le cifre per sfida")[1].split("</table>")[0]
    # Requests, orders, children and their voucher spending: every people cell of the challenge is hidden.
    first_row = table.split("<tbody>")[1].split("</tr>")[0]
    assert first_row.count(">&lt;3<") == 4
    assert '<td class="text-end">2</td>' in first_row  # its two services are not people: shown


def two_projects(world):
    """Challenge 1 (municipio 2): 5 participants, 2 of them referred; challenge 2 (municipio 7): 4, 3 referred."""
    born = datetime.date(2014, 5, 1)
    funded_project(
        world, "Cortili", challenges=["educazione-salute"], municipi=[2], participants=[(born, n < 2) for n in range(5)]
    )
    funded_project(
        world, "Robotica", challenges=["extrascolastiche"], municipi=[7], participants=[(born, n < 3) for n in range(4)]
    )
    refresh()


def test_the_public_page_shows_the_micro_projects_and_no_subtraction_gives_a_small_count_back(
    client, world, public_page
):
    two_projects(world)
    html = client.get(public_page.url).content.decode()
    section = html.split('id="m-projects"')[1].split("</section>")[0]
    assert "Finanziate finora: 2, con 9 partecipanti; posti riservati occupati: 5 su 6." in section
    table = section.split("Le micro-progettazioni per sfida")[1].split("</table>")[0]
    rows = table.split("<tbody>")[1].split("</tr>")
    cells = lambda row: [c.split("<")[0] for c in row.split('<td class="text-end">')[1:]]  # noqa: E731
    # Challenge 1: 2 referred children, "<3"; challenge 2's 3 are hidden too, or 5 - 3 would give the 2 back.
    assert cells(rows[0]) == ["1", "3", "5", "&lt;3"]
    assert cells(rows[1]) == ["1", "3", "4", "&lt;3"]


def test_the_dashboard_shows_the_micro_projects_exactly_with_the_reserved_places_filled(client, world, officer):
    two_projects(world)
    client.force_login(officer)
    html = client.get("/admin/monitoraggio/").content.decode()
    table = html.split("Le micro-progettazioni per sfida e per dimensione del benessere")[1].split("</table>")[0]
    project_row = table.split("<tbody>")[1].split("</tr>")[0]
    assert "Tutto il progetto" in project_row
    assert [c.split("<")[0] for c in project_row.split('<td class="m018-num">')[1:]] == ["2", "6", "9", "5", "83,3%"]
    breakdown = client.get("/admin/monitoraggio/?cut=municipio&metric=reserved_filled").content.decode()
    assert "Posti riservati occupati — municipio" in breakdown


def test_the_public_page_and_the_dashboard_take_the_same_queries_for_five_or_forty_orders(
    client, world, public_page, officer
):
    activity(world, 5)
    client.force_login(officer)
    client.get(public_page.url)  # the first request of a site creates its settings row
    few = (
        queries(client, public_page.url),
        queries(client, "/admin/monitoraggio/"),
        queries(client, "/admin/monitoraggio/equita/"),
    )
    activity(world, 35)
    assert (
        queries(client, public_page.url),
        queries(client, "/admin/monitoraggio/"),
        queries(client, "/admin/monitoraggio/equita/"),
    ) == few


def test_only_the_monitoring_group_opens_the_dashboard(client, world, officer):
    activity(world, 3)
    assert client.get("/admin/monitoraggio/").status_code == 302  # to the admin's sign-in
    editor = user("redattore", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    refused = client.get("/admin/monitoraggio/")
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")  # Wagtail: "no permission" message
    client.force_login(officer)
    response = client.get("/admin/monitoraggio/?cut=municipio&metric=children&period=2025")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sfida 1: Sfida di prova 1" in html and "Municipio 9" in html
    # Staff see exact figures: no small-cell rule in the admin.
    assert "&lt;3" not in html


def test_the_equity_page_compares_shares_with_the_resident_children(client, world, officer, tmp_path):
    activity(world, 9)
    csv_path = tmp_path / "residenti.csv"
    lines = ["anno,codice_municipio,fascia_eta,residenti,fonte,sintetici"]
    lines += [f"2024,{m},6-10,{1000 * m},Prova,si" for m in range(1, 10)]
    csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    call_command("load_resident_children", csv_path, stdout=io.StringIO())
    client.force_login(officer)
    html = client.get("/admin/monitoraggio/equita/").content.decode()
    assert "Dati sintetici, solo dimostrativi." in html
    assert "2,2%" in html  # Municipio 1: 1,000 of 45,000 residents
    assert html.count('<path class="level-') == 9


def test_a_wrong_resident_file_loads_nothing(world, tmp_path):
    from django.core.management.base import CommandError

    from monitoring.models import ResidentChildren

    path = tmp_path / "bad.csv"
    path.write_text(
        "anno,codice_municipio,fascia_eta,residenti,fonte,sintetici\n2024,1,6-10,5,x,no\n2024,12,6-10,5,x,no\n"
    )
    with pytest.raises(CommandError, match="Riga 3"):
        call_command("load_resident_children", path, stdout=io.StringIO())
    assert not ResidentChildren.objects.exists()


def test_a_childs_radar_is_private_and_suggests_what_is_missing(client, world):
    guardian = GuardianFactory(municipio=5)
    child = ChildFactory(
        guardian=guardian, birth_date=datetime.date.today().replace(year=datetime.date.today().year - 9)
    )
    request = event(world, world.services[0], municipio=5, age=9, when=WHEN, order_state=Order.State.PAID)
    Order.objects.filter(quote__request=request).update(guardian=guardian)
    request.child = child
    request.guardian = guardian
    request.save(update_fields=["child", "guardian"])
    client.force_login(guardian.user)
    response = client.get(f"/famiglia/benessere/{child.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Teatro" in html  # the activity it has
    # "Teatro" rates body movement 3 of 5 (covered); "Calcio" rates it 5 but is already... not booked: suggested
    # only for uncovered descriptors, e.g. self-determination (0 in "Teatro").
    assert "da scoprire" in html and "coperto" in html
    other = ChildFactory()
    assert client.get(f"/famiglia/benessere/{other.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/famiglia/benessere/{child.pk}/").status_code == 302


def test_the_isee_columns_say_when_nothing_was_spent_and_applications_count_by_municipio(client, world, officer):
    from tests.vouchercall.factories import apply, make_call, make_family

    call = make_call()
    for n, municipio in enumerate([2, 2, 2, 9]):
        guardian, children = make_family(datetime.date(2015, 1, 1 + n), municipio=municipio)
        apply(call, guardian, children, isee="4000.00")
    refresh()
    client.force_login(officer)
    html = client.get("/admin/monitoraggio/equita/").content.decode()
    municipio_2 = html.split("Municipio 2</th>")[1].split("</tr>")[0]
    assert "75,0%" in municipio_2  # three of the four applications
    isee = html.split("Quote per fascia ISEE")[1].split("</table>")[0]
    assert "100,0%" in isee and "—" in isee  # every application under 5,000 EUR; no voucher spent yet
    assert "la colonna «Spesa voucher» resta vuota" in html


def test_every_monitoring_page_is_valid_html(client, world, public_page, officer, settings, tmp_path):
    settings.OPEN_DATA_ROOT = tmp_path
    activity(world, 6)
    two_projects(world)
    call_command("publish_open_data", stdout=io.StringIO(), stderr=io.StringIO())
    guardian = GuardianFactory(municipio=5)
    child = ChildFactory(guardian=guardian)
    documents = {
        "public": client.get(public_page.url).content.decode(),
        "open data": client.get("/dati-aperti/").content.decode(),
    }
    client.force_login(guardian.user)
    documents["radar"] = client.get(f"/famiglia/benessere/{child.pk}/").content.decode()
    client.force_login(officer)
    documents["dashboard"] = client.get("/admin/monitoraggio/").content.decode()
    documents["equity"] = client.get("/admin/monitoraggio/equita/").content.decode()
    assert html_errors(documents) == {}


def test_a_services_figure_leads_to_the_catalogue_list_it_counts_and_a_municipios_to_none(client, world, officer):
    activity(world, 3)
    client.force_login(officer)
    by_category = client.get("/admin/monitoraggio/?cut=category&metric=services").content.decode()
    assert "?category=sport" in by_category
    # Services count in every municipio they serve; no catalogue filter lists exactly those, so no link.
    by_municipio = client.get("/admin/monitoraggio/?cut=municipio&metric=services").content.decode()
    assert "?municipio=" not in by_municipio and "?reaches=" not in by_municipio
