"""Who sees what: a family only its own application; ISEE only to «Ufficio voucher», every read logged."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from core.models import AuditEntry
from tests.vouchercall.factories import apply, make_call, make_family

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    return make_call()


def test_a_family_sees_only_its_own_application(call, client):
    mine = apply(call, isee="4321.00")
    other = apply(call, isee="9876.00")
    client.force_login(mine.guardian.user)
    page = client.get(reverse("vouchercall:call", args=[call.pk])).content.decode()
    assert mine.protocol in page and "4321,00" in page
    assert other.protocol not in page and "9876,00" not in page
    receipt = client.get(reverse("vouchercall:receipt", args=[call.pk]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(receipt.content)).pages)
    assert mine.protocol in text and other.protocol not in text
    assert receipt["Content-Type"] == "application/pdf"


def test_a_family_without_an_application_gets_no_receipt_and_cannot_open_the_admin_page(call, client):
    application = apply(call)
    stranger, _children = make_family(datetime.date(2016, 1, 1))
    client.force_login(stranger.user)
    assert client.get(reverse("vouchercall:receipt", args=[call.pk])).status_code == 404
    response = client.get(reverse("vouchercall_application_detail", args=[application.pk]))
    assert response.status_code in (302, 403)


def test_isee_is_shown_to_the_office_only_and_every_read_is_logged(call, client, office_user, django_user_model):
    application = apply(call, isee="4321.00")
    url = reverse("vouchercall_application_detail", args=[application.pk])

    admin = django_user_model.objects.create_superuser("capo", "capo@comune.milano.it", "password-capo-77")
    client.force_login(admin)
    page = client.get(url).content.decode()
    assert "Riservato all'Ufficio voucher" in page and "4321,00" not in page
    assert not AuditEntry.objects.filter(action="sensitive.read").exists()

    client.force_login(office_user)
    for _ in range(2):
        page = client.get(url).content.decode()
        assert "4321,00" in page and application.dsu_protocol in page
    reads = AuditEntry.objects.filter(action="sensitive.read", actor=office_user, object_id=application.pk)
    assert reads.count() == 2
    assert reads.first().data["fields"] == ["dsu_protocol", "isee_date", "isee_type", "isee_value"]
    edit = client.get(reverse("vouchercall_application:edit", args=[application.pk]))
    assert edit.status_code == 200 and reads.count() == 3

    client.force_login(admin)
    # Wagtail answers a refused admin page with a redirect to the dashboard and a message.
    assert client.get(reverse("vouchercall_application:edit", args=[application.pk])).status_code in (302, 403)
    assert reads.count() == 3


def test_the_office_excludes_with_a_reason_and_reopens_and_the_history_shows_both(call, client, office_user):
    application = apply(call)
    client.force_login(office_user)
    action = reverse("vouchercall_application_action", args=[application.pk, "exclude"])
    client.post(action, {"reason": ""})
    application.refresh_from_db()
    assert application.state == "sent"
    client.post(action, {"reason": "Residenza fuori Milano"})
    client.post(reverse("vouchercall_application_action", args=[application.pk, "reopen"]), {"reason": "Errore"})
    application.refresh_from_db()
    assert application.state == "sent"
    states = list(
        AuditEntry.objects.filter(object_id=application.pk, action__startswith="vouchercall.application.")
        .exclude(to_state="")
        .values_list("from_state", "to_state", "reason")
    )
    assert ("sent", "excluded", "Residenza fuori Milano") in states and ("excluded", "sent", "Errore") in states
    page = client.get(reverse("vouchercall_application_detail", args=[application.pk])).content.decode()
    assert "Residenza fuori Milano" in page


def test_the_office_lists_applications_with_counts_per_state(call, client, office_user):
    apply(call)
    apply(call, matching=False)
    client.force_login(office_user)
    page = client.get(reverse("vouchercall_application:index")).content.decode()
    assert "Inviata: <strong>1</strong>" in page and "Da regolarizzare: <strong>1</strong>" in page


def test_a_familys_erasure_reaches_its_applications_but_keeps_the_ranking_inputs(call):
    from booking.privacy import erase_family
    from vouchercall.models import ApplicationChild

    application = apply(call, isee="4321.00")
    code = application.children.get().fiscal_code
    counts = erase_family(application.guardian, actor=application.guardian.user)
    application.refresh_from_db()
    assert counts["voucher_applications"] == 1
    assert not ApplicationChild.objects.filter(fiscal_code=code).exists()
    assert application.dsu_protocol == "INPS-ISEE-0000-000000000-00"
    assert (str(application.isee_value), application.protocol) == ("4321.00", "M018-2022-000001")
