"""The register form belongs to its call: open during the call's windows, closed (saying when the next window opens)
outside them; the receipt with its protocol on the page and by email; the register office alerted; the queue's
counters in the admin."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from catalog.constants import EDITORS_GROUP, ApplicationStatus
from catalog.models import RegisterApplication
from tests.calls import factories as calls_factories
from tests.catalog import factories
from tests.catalog.factories import REPRESENTATIVE_CF
from tests.catalog.test_register import APPLY_URL, form_data
from theme.templatetags.section_dates import local_datetime

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


def test_outside_a_window_the_form_says_when_the_next_one_opens_and_stores_nothing(client, home_page):
    now = timezone.now()
    opens = (now + datetime.timedelta(days=40)).astimezone(ROME).replace(hour=9, minute=0, second=0, microsecond=0)
    calls_factories.register_call(
        home_page,
        [
            ("Finestra passata", now - datetime.timedelta(days=30), now - datetime.timedelta(days=20)),
            ("Finestra successiva", opens, opens + datetime.timedelta(days=14)),
        ],
    )
    page = client.get(APPLY_URL).content.decode()
    assert "In questo momento le domande non si possono presentare." in page
    with translation.override("it"):
        day = local_datetime(timezone.localtime(opens), True)
    assert "La prossima finestra di presentazione si apre" in page and day in page
    assert "Invia la domanda" not in page
    assert 'href="/avvisi/avviso-elenco/"' in page

    response = client.post(APPLY_URL, form_data())
    assert response.status_code == 200
    assert "In questo momento le domande non si possono presentare." in response.content.decode()
    assert not RegisterApplication.objects.exists()


def _seed_call(home_page):
    """The seed's call: windows of 20 and 26 September 2022, in force until 30 June 2023; today it is over."""
    return calls_factories.register_call(
        home_page,
        [
            (
                "Finestra del 20 settembre 2022",
                datetime.datetime(2022, 9, 20, tzinfo=ROME),
                datetime.datetime(2022, 9, 20, 23, 59, tzinfo=ROME),
            ),
            (
                "Finestra del 26 settembre 2022",
                datetime.datetime(2022, 9, 26, tzinfo=ROME),
                datetime.datetime(2022, 9, 26, 23, 59, tzinfo=ROME),
            ),
        ],
        deadline=datetime.datetime(2023, 6, 30, 23, 59, tzinfo=ROME),
    )


def test_the_seed_call_is_closed_after_its_deadline(client, home_page):
    _seed_call(home_page)
    page = client.get(APPLY_URL).content.decode()
    assert "Non ci sono finestre di presentazione in programma" in page
    call_page = client.get("/avvisi/avviso-elenco/").content.decode()
    assert "Il modulo online non è aperto" in call_page
    assert reverse("catalog:register_apply") not in call_page


def test_a_closed_register_call_points_to_the_call_whose_window_is_open(client, home_page):
    _seed_call(home_page)
    calls_factories.open_register_call(home_page, slug="finestre-nuove", title="Avviso 2026/27 per l'Elenco")
    call_page = client.get("/avvisi/avviso-elenco/").content.decode()
    assert "Le finestre di questo avviso sono chiuse." in call_page
    assert "Il modulo online è aperto fino a" in call_page
    assert '<a href="/avvisi/finestre-nuove/">Avviso 2026/27 per l&#x27;Elenco</a>' in call_page
    assert "Il modulo online non è aperto" not in call_page
    open_page = client.get("/avvisi/finestre-nuove/").content.decode()
    assert reverse("catalog:register_apply") in open_page
    assert "Le finestre di questo avviso sono chiuse." not in open_page


def test_without_a_register_call_the_form_is_closed(client, home_page):
    calls_factories.call(calls_factories.call_index(home_page), "altro-avviso")
    page = client.get(APPLY_URL).content.decode()
    assert "In questo momento le domande non si possono presentare." in page
    assert "Invia la domanda" not in page


def test_the_call_page_links_to_the_open_form(client, home_page):
    calls_factories.open_register_call(home_page)
    call_page = client.get("/avvisi/avviso-elenco/").content.decode()
    assert f'href="{reverse("catalog:register_apply")}"' in call_page
    assert "Presenta la domanda online" in call_page
    form = client.get(APPLY_URL).content.decode()
    assert "La finestra di presentazione è aperta fino a" in form and "Invia la domanda" in form


def test_the_applicant_gets_a_receipt_and_the_register_office_an_alert(
    client, home_page, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    call = calls_factories.open_register_call(home_page)
    factories.user("ufficio-elenco", groups=[EDITORS_GROUP], email="elenco@comune.milano.example")
    factories.user("famiglia", email="famiglia@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(APPLY_URL, form_data())
    application = RegisterApplication.objects.get()
    assert application.protocol == f"EL-{timezone.localtime(application.submitted_at).year}-{application.pk:06d}"
    assert (application.call_id, application.window_label) == (call.pk, "Finestra in corso")

    receipt = client.get(response["Location"]).content.decode()
    assert application.protocol in receipt
    for sent in ("Teatro dei Ragazzi", "Arte, Scuola +", "Statuto o atto costitutivo", "Che cosa succede ora"):
        assert sent in receipt

    to_applicant, to_office = mail.outbox
    assert to_applicant.to == ["catalogo@teatro.example.org", "segreteria@teatro.example.org"]
    assert application.protocol in to_applicant.subject and application.protocol in to_applicant.body
    assert "Che cosa succede ora" in to_applicant.body and "Statuto o atto costitutivo" in to_applicant.body
    assert to_office.to == ["elenco@comune.milano.example"]
    assert reverse("register_applications:inspect", args=[application.pk]) in to_office.body


def test_a_receipt_is_shown_only_to_the_browser_that_sent_it(client, home_page):
    calls_factories.open_register_call(home_page)
    response = client.get(reverse("catalog:register_sent"))
    assert response.status_code == 302 and response["Location"] == APPLY_URL


def test_the_queue_counts_applications_per_state(client, home_page):
    for number, status in enumerate(["submitted", "submitted", "approved"]):
        RegisterApplication.objects.create(
            organisation_name=f"Ente {number}",
            legal_form="ets",
            tax_code=factories.vat(number + 1),
            address="Via Padova 10",
            email="a@example.org",
            phone="02",
            representative_name="Anna Bianchi",
            representative_tax_code=REPRESENTATIVE_CF,
            contact_email="b@example.org",
            status=status,
        )
    client.force_login(factories.editor())
    page = client.get(reverse("register_applications:index")).content.decode()
    labels = dict(ApplicationStatus.choices)
    assert f"{labels['submitted']}: <strong>2</strong>" in page
    assert f"{labels['approved']}: <strong>1</strong>" in page
    assert f"{labels['rejected']}: <strong>0</strong>" in page
    assert "Protocollo" in page
