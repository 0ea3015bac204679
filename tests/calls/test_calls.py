import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from calls.models import CallDocument, CallIndexPage, CallPage, CallStatus, CallWindow

ROME = ZoneInfo("Europe/Rome")
OPENS = datetime.datetime(2022, 9, 1, 9, 0, tzinfo=ROME)
CLOSES = datetime.datetime(2022, 9, 29, 15, 0, tzinfo=ROME)
SECOND = datetime.timedelta(seconds=1)

# Even an unsaved page reads its content type from the database when it is built.
pytestmark = pytest.mark.django_db


def call_with(*windows) -> CallPage:
    """An unsaved call: its status needs only its windows (building a page reads its content type)."""
    call = CallPage(title="Avviso", slug="avviso", intro="Un avviso.")
    call.windows = [CallWindow(label=label, opens_at=opens, closes_at=closes) for label, opens, closes in windows]
    return call


@pytest.mark.parametrize(
    ("now", "status"),
    [
        (OPENS - SECOND, CallStatus.UPCOMING),
        (OPENS, CallStatus.OPEN),
        (CLOSES - SECOND, CallStatus.OPEN),
        (CLOSES, CallStatus.CLOSED),
        (CLOSES + datetime.timedelta(days=400), CallStatus.CLOSED),
    ],
)
def test_status_follows_the_clock_at_the_window_boundaries(now, status):
    assert call_with(("Prima finestra", OPENS, CLOSES)).status(now) == status


def test_status_with_several_windows_goes_upcoming_open_upcoming_open_closed():
    first = ("Prima finestra", OPENS, CLOSES)
    second = ("Seconda finestra", OPENS + datetime.timedelta(days=60), CLOSES + datetime.timedelta(days=60))
    call = call_with(second, first)
    moments = [
        OPENS - SECOND,
        OPENS + datetime.timedelta(days=1),
        CLOSES + datetime.timedelta(days=1),
        second[1],
        second[2],
    ]

    assert [call.status(now) for now in moments] == [
        CallStatus.UPCOMING,
        CallStatus.OPEN,
        CallStatus.UPCOMING,
        CallStatus.OPEN,
        CallStatus.CLOSED,
    ]
    assert call.next_window(CLOSES + datetime.timedelta(days=1)).label == "Seconda finestra"
    assert call.next_window(second[2]) is None
    assert call.last_window().label == "Seconda finestra"


def test_status_defaults_to_the_current_time(monkeypatch):
    call = call_with(("Prima finestra", OPENS, CLOSES))
    monkeypatch.setattr(timezone, "now", lambda: OPENS + datetime.timedelta(days=3))
    assert call.status() == CallStatus.OPEN
    monkeypatch.setattr(timezone, "now", lambda: CLOSES)
    assert call.status() == CallStatus.CLOSED


def test_window_must_close_after_it_opens():
    with pytest.raises(ValidationError) as error:
        CallWindow(opens_at=CLOSES, closes_at=OPENS).clean()
    assert error.value.message_dict["closes_at"] == ["La chiusura deve essere successiva all'apertura."]


@pytest.fixture
def index(home_page):
    return home_page.add_child(instance=CallIndexPage(title="Avvisi", slug="avvisi", intro="Gli avvisi."))


@pytest.fixture
def frozen_now(monkeypatch):
    now = datetime.datetime(2026, 11, 23, 12, 0, tzinfo=ROME)
    monkeypatch.setattr(timezone, "now", lambda: now)
    return now


def add_call(index, slug, windows, **fields):
    call = call_with(*windows)
    call.title = fields.pop("title", f"Avviso {slug}")
    call.slug = slug
    call.intro = fields.pop("intro", f"Sommario dell'avviso {slug}.")
    for name, value in fields.items():
        setattr(call, name, value)
    index.add_child(instance=call)
    return call


def days(now, first, last):
    return now + datetime.timedelta(days=first), now + datetime.timedelta(days=last)


def test_listing_shows_open_then_upcoming_then_closed_with_badges(client, index, frozen_now):
    # Unnamed windows say where they stand; a named one shows its own name, once («Finestra in corso», never
    # «Finestra aperta: Finestra in corso»).
    add_call(index, "chiuso", [("", OPENS, CLOSES)], title="Avviso voucher digitali per le famiglie")
    add_call(index, "in-arrivo", [("", *days(frozen_now, 30, 60))], title="Avviso volontariato civico")
    add_call(
        index, "aperto-tardi", [("Finestra in corso", *days(frozen_now, -10, 20))], title="Avviso che chiude tardi"
    )
    add_call(index, "aperto", [("Finestra", *days(frozen_now, -3, 5))], title="Avviso per l'Elenco Milano 0-18")

    html = client.get("/avvisi/").content.decode()

    positions = [
        html.index(title)
        for title in (
            "Avviso per l&#x27;Elenco Milano 0-18",  # open, closes first
            "Avviso che chiude tardi",
            "Avviso volontariato civico",
            "Avviso voucher digitali per le famiglie",
        )
    ]
    assert positions == sorted(positions)
    badges = [html.count(f"m018-status-{status}") for status in ("open", "upcoming", "closed")]
    assert badges == [2, 1, 1]
    assert "Prossima finestra:" in html
    assert "dal 23 dicembre 2026, ore 12:00 al 22 gennaio 2027, ore 12:00" in html
    assert "Ultima finestra:" in html and "al 29 settembre 2022, ore 15:00" in html
    assert "Finestra in corso:" in html and "Finestra aperta: Finestra in corso" not in html


def test_listing_status_moves_with_the_clock(client, index, monkeypatch):
    add_call(index, "avviso", [("Finestra", OPENS, CLOSES)])
    for moment, badge in [(OPENS - SECOND, "In arrivo"), (OPENS, "Aperto"), (CLOSES, "Chiuso")]:
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        html = client.get("/avvisi/").content.decode()
        assert f'<span class="visually-hidden">Stato: </span>{badge}</span>' in html


def test_listing_queries_do_not_grow_with_the_number_of_calls(client, index, frozen_now, django_assert_max_num_queries):
    add_call(index, "avviso-0", [("Finestra", OPENS, CLOSES), ("Seconda", *days(frozen_now, 1, 2))])
    client.get("/avvisi/")
    with CaptureQueriesContext(connection) as one:
        client.get("/avvisi/")
    for number in range(1, 8):
        add_call(index, f"avviso-{number}", [("Finestra", OPENS, CLOSES), ("Seconda", *days(frozen_now, -1, number))])
    with django_assert_max_num_queries(len(one)):
        html = client.get("/avvisi/").content.decode()
    assert html.count("m018-badge m018-status-") == 8


def test_call_page_shows_status_windows_body_and_documents(client, index, frozen_now, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = get_document_model()(title="Testo dell'avviso")
    document.file.save("avviso.pdf", ContentFile(b"%PDF-1.4 " + b"x" * 2039), save=False)
    document._set_document_file_metadata()
    document.save()
    call = call_with(
        ("Prima finestra", OPENS, CLOSES),
        ("Finestra in corso", *days(frozen_now, -1, 9)),
        ("Ultima finestra", *days(frozen_now, 30, 40)),
    )
    call.title, call.slug, call.intro = "Avviso micro-progettazioni locali", "micro", "Voucher collettivi."
    call.audience = "Enti ammessi all'Elenco Milano 0-18"
    call.body = [("heading", {"text": "Chi può partecipare", "level": "h2"})]
    call.documents = [CallDocument(document=document)]
    index.add_child(instance=call)

    html = client.get("/avvisi/micro/").content.decode()

    assert "<h1>Avviso micro-progettazioni locali</h1>" in html
    assert '<span class="visually-hidden">Stato: </span>Aperto</span>' in html
    assert "giovedì 1 settembre 2022, ore 09:00" in html
    assert "giovedì 29 settembre 2022, ore 15:00" in html
    assert html.count("Conclusa") == 1 and html.count("Da aprire") == 1
    assert '<tr class="m018-window-current" aria-current="true">' in html
    assert html.index("Prima finestra") < html.index("Finestra in corso") < html.index("Ultima finestra")
    assert "Chi può partecipare" in html
    assert "Testo dell&#x27;avviso</a>" in html
    assert "(formato PDF, 2,0\xa0KB)" in html


def test_call_without_windows_or_documents_still_renders(client, index):
    add_call(index, "vuoto", [], title="Avviso in definizione")

    response = client.get("/avvisi/vuoto/")

    assert response.status_code == 200
    assert "le date e le finestre di presentazione non sono ancora state stabilite" in response.content.decode()


@pytest.mark.parametrize("days_from_now", [-4000, -1, 0, 1, 4000])
def test_call_without_dates_is_in_definition_whatever_the_time(frozen_now, days_from_now):
    now = frozen_now + datetime.timedelta(days=days_from_now)
    assert call_with().status(now) == CallStatus.IN_DEFINITION


def test_deadline_closes_the_call_and_keeps_it_in_definition_between_windows():
    call = call_with(("Finestra del 20 settembre", OPENS, CLOSES))
    call.deadline = datetime.datetime(2023, 6, 30, 23, 59, tzinfo=ROME)

    assert call.status(OPENS) == CallStatus.OPEN
    # Windows over, call still in force: the next windows are not published yet.
    assert call.status(CLOSES) == CallStatus.IN_DEFINITION
    assert call.status(call.deadline) == CallStatus.CLOSED
    # A window placed after the deadline never reopens the call.
    call.windows = [CallWindow(label="Tardiva", opens_at=call.deadline, closes_at=call.deadline + SECOND * 3600)]
    assert call.status(call.deadline - SECOND) == CallStatus.UPCOMING
    assert call.status(call.deadline) == CallStatus.CLOSED


def test_call_without_dates_renders_in_definition_and_is_never_listed_open_or_upcoming(client, index, frozen_now):
    add_call(index, "gaming", [], title="Avviso volontariato civico e gaming")
    add_call(index, "in-arrivo", [("", *days(frozen_now, 30, 60))], title="Avviso in arrivo")
    add_call(index, "chiuso", [("", OPENS, CLOSES)], title="Avviso chiuso")

    listing = client.get("/avvisi/").content.decode()
    page = client.get("/avvisi/gaming/").content.decode()

    card = listing.split("Avviso volontariato civico e gaming")[0].rsplit("<article", 1)[1]
    assert '<span class="visually-hidden">Stato: </span>In definizione</span>' in card
    assert "Aperto" not in card and "In arrivo" not in card
    assert (
        listing.index("Avviso in arrivo") < listing.index("Avviso volontariato civico") < listing.index("Avviso chiuso")
    )
    assert "le date non sono ancora state stabilite" in listing
    assert listing.count("Prossima finestra:") == 1
    assert '<span class="visually-hidden">Stato: </span>In definizione</span>' in page
    assert "m018-window-" not in page


def test_call_page_states_the_deadline_rule(client, index, frozen_now):
    call = add_call(index, "elenco", [("Finestra del 20 settembre 2022", OPENS, CLOSES)], title="Avviso per l'Elenco")
    call.deadline = datetime.datetime(2023, 6, 30, 23, 59, tzinfo=ROME)
    call.save()

    html = client.get("/avvisi/elenco/").content.decode()

    assert "L'avviso è rimasto aperto fino a venerdì 30 giugno 2023, ore 23:59." in html
    assert '<span class="visually-hidden">Stato: </span>Chiuso</span>' in html


def call_form_data(opens, closes):
    return nested_form_data(
        {
            "title": "Avviso volontariato civico e gaming",
            "slug": "volontariato",
            "intro": "Proposte di volontariato civico con tecniche di gaming.",
            "audience": "",
            "body": streamfield([]),
            "windows": inline_formset([{"label": "Prima finestra", "opens_at": opens, "closes_at": closes}]),
            "documents": inline_formset([]),
        }
    )


def test_admin_rejects_a_window_that_closes_before_it_opens_and_saves_nothing(admin_client, index):
    url = reverse("wagtailadmin_pages:add", args=("calls", "callpage", index.pk))

    response = admin_client.post(url, call_form_data("2022-09-29 15:00", "2022-09-01 09:00"))

    assert response.status_code == 200
    assert "La chiusura deve essere successiva all&#x27;apertura." in response.content.decode()
    assert not CallPage.objects.exists()
    assert not CallWindow.objects.exists()


def test_admin_saves_a_valid_window(admin_client, index):
    url = reverse("wagtailadmin_pages:add", args=("calls", "callpage", index.pk))

    response = admin_client.post(url, call_form_data("2022-09-01 09:00", "2022-09-29 15:00"))

    assert response.status_code == 302
    assert CallPage.objects.get().windows.get().closes_at == CLOSES
