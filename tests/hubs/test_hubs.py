import datetime
import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from hubs.models import HubIndexPage, HubOpeningHours, HubPage

pytestmark = pytest.mark.django_db

DASH = "\u2013"  # between the times of an interval and between grouped days

WEEKDAYS_MORNING_AND_AFTERNOON = [
    (day, opens, closes) for day in range(5) for opens, closes in (("09:00", "13:00"), ("14:30", "18:30"))
]


@pytest.fixture
def index(home_page):
    return home_page.add_child(instance=HubIndexPage(title="Community hub", slug="hub", intro="I sette hub."))


def add_hub(index, slug, hours=(), municipio=9, **fields):
    page = HubPage(
        title=fields.pop("title", f"Hub {slug}"),
        slug=slug,
        description=fields.pop("description", f"L'hub {slug}."),
        address=fields.pop("address", "Via Passerini 5"),
        municipio=municipio,
        latitude=fields.pop("latitude", Decimal("45.519000")),
        longitude=fields.pop("longitude", Decimal("9.191700")),
        **fields,
    )
    page.opening_hours = [
        HubOpeningHours(weekday=day, opens=datetime.time.fromisoformat(o), closes=datetime.time.fromisoformat(c))
        for day, o, c in hours
    ]
    index.add_child(instance=page)
    return page


@pytest.fixture
def monday_morning(monkeypatch):
    moment = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=datetime.UTC)  # a Monday
    monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.mark.parametrize(("opens", "closes"), [("18:00", "09:00"), ("09:00", "09:00")])
def test_opening_hours_must_close_after_they_open(opens, closes):
    hours = HubOpeningHours(
        weekday=0, opens=datetime.time.fromisoformat(opens), closes=datetime.time.fromisoformat(closes)
    )
    with pytest.raises(ValidationError) as error:
        hours.clean()
    assert error.value.message_dict["closes"] == ["L'orario di chiusura deve essere successivo a quello di apertura."]


def test_valid_opening_hours_pass_validation():
    HubOpeningHours(weekday=0, opens=datetime.time(9), closes=datetime.time(13)).clean()


def test_weekly_schedule_groups_days_with_the_same_hours(index):
    hub = add_hub(index, "niguarda", WEEKDAYS_MORNING_AND_AFTERNOON + [(5, "09:30", "13:00")])

    rows = [(row.first_day, row.last_day, row.closed, len(row.intervals)) for row in hub.weekly_schedule()]

    assert rows == [("Lunedì", "Venerdì", False, 2), ("Sabato", None, False, 1), ("Domenica", None, True, 0)]


def test_hub_page_renders_table_contacts_coordinates_and_json_ld(client, index):
    add_hub(
        index,
        "niguarda",
        [(1, "14:00", "19:00"), (1, "09:00", "12:00"), (3, "09:00", "12:00")],
        title="Hub Niguarda",
        description="Il community hub del Municipio 9.",
        phone="02 02 02",
        email="hub.niguarda@milano018.example",
        body=[("heading", {"text": "Che cosa trovi all'hub", "level": "h2"})],
    )

    html = client.get("/hub/niguarda/").content.decode()

    assert "<h1>Hub Niguarda</h1>" in html
    assert "Il community hub del Municipio 9." in html
    assert "Via Passerini 5, Milano" in html and "Municipio 9" in html
    assert "45.51900, 9.19170" in html
    assert 'href="https://www.openstreetmap.org/?mlat=45.519000&amp;mlon=9.191700#map=17/45.519000/9.191700"' in html
    rows = re.findall(r'<th scope="row">([^<]*)</th>\s*<td>(.*?)</td>', html, re.S)
    cleaned = [(day, re.sub(r"<[^>]+>", "", hours).strip()) for day, hours in rows]
    assert cleaned == [
        ("Lunedì", "Chiuso"),
        ("Martedì", f"09:00{DASH}12:00, 14:00{DASH}19:00"),
        ("Mercoledì", "Chiuso"),
        ("Giovedì", f"09:00{DASH}12:00"),
        (f"Venerdì {DASH} Domenica", "Chiuso"),
    ]
    assert 'href="tel:020202"' in html and "mailto:hub.niguarda@milano018.example" in html
    assert "Che cosa trovi all&#x27;hub" in html or "Che cosa trovi all'hub" in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "CivicStructure"
    assert data["geo"]["latitude"] == 45.519
    assert data["openingHoursSpecification"][0] == {
        "@type": "OpeningHoursSpecification",
        "dayOfWeek": "https://schema.org/Tuesday",
        "opens": "09:00",
        "closes": "12:00",
    }


def test_json_ld_cannot_break_out_of_its_script_element(client, index):
    add_hub(index, "evil", description="</script><script>alert(1)</script>")

    html = client.get("/hub/evil/").content.decode()

    assert "<script>alert(1)" not in html


def test_index_lists_hubs_with_todays_hours_then_the_map(client, index, monday_morning):
    add_hub(index, "niguarda", [(0, "09:00", "13:00"), (0, "14:00", "18:00")], municipio=9, title="Hub Niguarda")
    add_hub(index, "lorenteggio", [(1, "09:00", "13:00")], municipio=6, title="Hub Lorenteggio",
            address="Via Odazio 9", latitude=Decimal("45.449800"), longitude=Decimal("9.135700"))  # fmt: skip

    html = client.get("/hub/").content.decode()

    assert "lunedì 23 novembre" in html
    lorenteggio, niguarda = html.index("Hub Lorenteggio"), html.index("Hub Niguarda")
    assert lorenteggio < niguarda  # by municipio
    assert "Via Odazio 9" in html and "Municipio 6" in html
    assert re.search(r"Hub Lorenteggio.*?Oggi:</strong>\s*Chiuso", html, re.S)
    today = rf"Hub Niguarda.*?Oggi:</strong>\s*<span[^>]*>09:00{DASH}13:00</span>, <span[^>]*>14:00{DASH}18:00"
    assert re.search(today, html, re.S)
    svg = html[html.index("<svg viewBox") :]
    assert html.index("<ol") < html.index("<svg viewBox")  # the list comes first
    assert '<g role="img" aria-labelledby="hub-map-alt">' in svg
    assert "1. Hub Lorenteggio, Municipio 6; 2. Hub Niguarda, Municipio 9." in svg
    assert 'href="/hub/niguarda/" class="m018-map-point" aria-label="2. Hub Niguarda, Municipio 9"' in svg
    points = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="11"/>', svg)
    (west_x, south_y), (north_x, north_y) = (tuple(map(float, p)) for p in points)
    assert west_x < north_x and north_y < south_y  # Lorenteggio is south-west of Niguarda


def test_index_queries_do_not_grow_with_the_number_of_hubs(client, index, django_assert_max_num_queries):
    add_hub(index, "hub-1", WEEKDAYS_MORNING_AND_AFTERNOON)
    client.get("/hub/")
    with CaptureQueriesContext(connection) as one:
        client.get("/hub/")
    for number in range(2, 8):
        add_hub(index, f"hub-{number}", WEEKDAYS_MORNING_AND_AFTERNOON, municipio=number)
    with django_assert_max_num_queries(len(one)):
        html = client.get("/hub/").content.decode()
    assert html.count('class="m018-map-point"') == 7


def test_hub_page_reads_opening_hours_once(client, index, django_assert_max_num_queries):
    add_hub(index, "niguarda", WEEKDAYS_MORNING_AND_AFTERNOON)
    client.get("/hub/niguarda/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/hub/niguarda/")
    assert sum("hubs_hubopeninghours" in q["sql"] for q in queries.captured_queries) == 1


def hub_form_data(opens, closes):
    return nested_form_data(
        {
            "title": "Hub Niguarda",
            "slug": "niguarda",
            "description": "Il community hub del Municipio 9.",
            "address": "Via Passerini 5",
            "municipio": "9",
            "latitude": "45.519000",
            "longitude": "9.191700",
            "phone": "",
            "email": "",
            "body": streamfield([]),
            "opening_hours": inline_formset([{"weekday": "0", "opens": opens, "closes": closes}]),
        }
    )


def test_admin_rejects_hours_that_close_before_they_open_and_saves_nothing(admin_client, index):
    url = reverse("wagtailadmin_pages:add", args=("hubs", "hubpage", index.pk))

    response = admin_client.post(url, hub_form_data("18:00", "09:00"))

    assert response.status_code == 200
    assert "L&#x27;orario di chiusura deve essere successivo a quello di apertura." in response.content.decode()
    assert not HubPage.objects.exists()
    assert not HubOpeningHours.objects.exists()


def test_admin_saves_valid_hours(admin_client, index):
    url = reverse("wagtailadmin_pages:add", args=("hubs", "hubpage", index.pk))

    response = admin_client.post(url, hub_form_data("09:00", "13:00"))

    assert response.status_code == 302
    assert HubPage.objects.get().opening_hours.get().closes == datetime.time(13)
