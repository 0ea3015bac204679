"""The provider's report of a funded micro-project (attendance per session, costs with documents), the City's
approval or sending back with a reason, and who may read the documents (the Milan tie of every child listed:
test_milan_tie.py)."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from collective import reports
from collective.models import ReportState
from core.models import AuditEntry
from tests.collective import factories as f
from tests.conftest import build_home_page, module_world

pytestmark = pytest.mark.django_db


# Every test here uses it; its sessions, costs and decisions roll back with each test.
_world_keys, world = module_world(lambda: f.funded_world(build_home_page()))


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_report_is_sent_sent_back_with_a_reason_corrected_and_approved(world):
    project, s1, city = world["project"], world["s1"], world["city"]
    provider, office = client_for(s1), client_for(city)
    url = reverse("collective_provider_report", args=[project.pk])
    day = project.starts_on.isoformat()

    late = (project.ends_on + datetime.timedelta(days=1)).isoformat()
    page = provider.post(url, {"action": "session", "s-held_on": late, "s-present": 2, "s-reserved_present": 1})
    assert "L&#x27;incontro deve cadere tra il" in page.content.decode()
    page = provider.post(url, {"action": "session", "s-held_on": day, "s-present": 3, "s-reserved_present": 1})
    assert "non possono superare i bambini dell&#x27;elenco nominativo (2)" in page.content.decode()
    assert not project.sessions.exists()
    provider.post(url, {"action": "session", "s-held_on": day, "s-present": 2, "s-reserved_present": 1})
    page = provider.post(
        url,
        {"action": "cost", "c-description": "Educatori", "c-amount": "6000.00", "c-document": f.pdf_upload()},
    )
    assert page.status_code == 302
    html = SimpleUploadedFile("fattura.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")
    page = provider.post(url, {"action": "cost", "c-description": "Finta", "c-amount": "10", "c-document": html})
    assert "Puoi allegare solo file PDF o immagini" in page.content.decode()
    assert project.costs.count() == 1
    provider.post(url, {"action": "submit"})
    project.refresh_from_db()
    assert project.report_state == ReportState.SUBMITTED
    page = provider.post(url, {"action": "session", "s-held_on": day, "s-present": 1, "s-reserved_present": 0})
    assert project.sessions.count() == 1

    city_url = reverse("collective_city_report", args=[project.pk])
    page = office.post(city_url, {"action": "return", "text": "  "})
    assert "Scrivi il motivo" in page.content.decode()
    project.refresh_from_db()
    assert project.report_state == ReportState.SUBMITTED
    office.post(city_url, {"action": "return", "text": "Manca la fattura dei materiali."})
    project.refresh_from_db()
    assert project.report_state == ReportState.RETURNED
    assert "Manca la fattura dei materiali." in provider.get(url).content.decode()
    first = project.costs.get()
    provider.post(url, {"action": "remove-cost", "line": first.pk})
    assert not project.costs.exists() and not first.document.storage.exists(first.document.name)
    assert AuditEntry.objects.filter(action="collective.report.line_removed", data__cost=first.pk).exists()
    provider.post(
        url, {"action": "cost", "c-description": "Educatori", "c-amount": "6000.00", "c-document": f.pdf_upload()}
    )

    provider.post(
        url, {"action": "cost", "c-description": "Materiali", "c-amount": "800.50", "c-document": f.pdf_upload()}
    )
    provider.post(url, {"action": "submit"})
    office.post(city_url, {"action": "approve", "text": ""})
    project.refresh_from_db()
    assert project.report_state == ReportState.APPROVED
    assert reports.costs_total(project) == Decimal("6800.50")
    transitions = list(
        AuditEntry.objects.filter(object_id=project.pk, action__in=[
            "collective.report.submitted", "collective.report.returned", "collective.report.approved",
        ]).order_by("pk").values_list("from_state", "to_state", "reason")
    )  # fmt: skip
    assert transitions == [
        ("not-sent", "submitted", ""),
        ("submitted", "returned", "Manca la fattura dei materiali."),
        ("returned", "submitted", ""),
        ("submitted", "approved", ""),
    ]
    assert "Approva la rendicontazione" not in office.get(city_url).content.decode()


def test_documents_reach_only_the_providers_staff_and_the_city_and_reads_are_logged(world):
    project, s1, s2, city = world["project"], world["s1"], world["s2"], world["city"]
    cost = reports.add_cost(project, s1, description="Educatori", amount=Decimal("100"), document=f.pdf_upload())
    url = reverse("collective_cost_document", args=[cost.pk])
    assert client_for(s2).get(url).status_code == 404
    assert client_for(world["members"][0].user).get(url).status_code == 404
    assert client_for(s2).get(reverse("collective_provider_report", args=[project.pk])).status_code == 404
    assert client_for(s2).get(reverse("collective_city_report", args=[project.pk]))["Location"] == "/admin/"
    assert Client().get(url).status_code in (302, 404)
    for reader in (s1, city):
        response = client_for(reader).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    reads = AuditEntry.objects.filter(action="sensitive.read", object_id=cost.pk, data__via="collective_cost_document")
    assert sorted(reads.values_list("actor__username", flat=True)) == sorted([s1.username, city.username])
    assert not cost.document.name.startswith("fattura")


def test_report_pages_are_valid_html(world):
    from tests.htmlcheck import html_errors

    project, s1, city = world["project"], world["s1"], world["city"]
    reports.add_session(project, s1, held_on=project.starts_on, present=2, reserved_present=1)
    reports.add_cost(project, s1, description="Educatori", amount=Decimal("100"), document=f.pdf_upload())
    documents = {
        "provider report": client_for(s1).get(reverse("collective_provider_report", args=[project.pk])),
        "city report": client_for(city).get(reverse("collective_city_report", args=[project.pk])),
        "grants": client_for(city).get(reverse("collective_call_grants", args=[world["call"].pk])),
    }
    reports.submit(project, s1)
    documents["city report, to decide"] = client_for(city).get(reverse("collective_city_report", args=[project.pk]))
    assert {name: r.status_code for name, r in documents.items()} == dict.fromkeys(documents, 200)
    assert html_errors({name: r.content.decode() for name, r in documents.items()}) == {}
