"""Providers' payment data: IBAN checked, every change logged, used only after the City verified it."""

import datetime

import pytest

from core.models import AuditEntry
from settlement import statements
from settlement.models import PaymentDetails
from tests.settlement.conftest import IBAN, paid_order

FORM = {
    "iban": "it60 x054 2811 1010 0000 0123 456",
    "account_holder": "Ente Uno APS",
    "billing_name": "Ente Uno APS",
    "billing_address": "Via Padova 1, 20127 Milano",
    "sdi_code": "M5UXCR1",
}


@pytest.fixture
def two_providers(two_providers_of_the_module):
    """Built once for this module: every test here uses it."""
    return two_providers_of_the_module


def test_a_wrong_iban_is_refused(client, two_providers):
    client.force_login(two_providers["staff_one"])
    response = client.post("/admin/rendiconti/dati-di-pagamento/", {**FORM, "iban": "IT60X0542811101000000123457"})
    assert response.status_code == 200
    assert "IBAN non è valido" in response.content.decode()
    assert not PaymentDetails.objects.exists()


def test_a_change_waits_for_the_city_before_a_statement_uses_it(client, two_providers, office):
    p = two_providers
    client.force_login(p["staff_one"])
    client.post("/admin/rendiconti/dati-di-pagamento/", FORM)
    details = PaymentDetails.objects.get()
    assert (details.provider, details.iban, details.status) == (p["one"], IBAN, "pending")
    assert AuditEntry.objects.filter(action="settlement.payment_details.submitted", actor=p["staff_one"]).exists()

    paid_order(p["service_one"], p["staff_one"])
    today = datetime.date.today()
    statement = statements.build(provider=p["one"], period_start=today, period_end=today, actor=p["staff_one"])
    with pytest.raises(statements.StatementError):
        statements.submit(statement, actor=p["staff_one"])

    # A provider cannot verify its own data; the City can, and a rejection needs a note.
    client.post("/admin/rendiconti/dati-di-pagamento/", {"action": "verify", "details": details.pk})
    assert PaymentDetails.objects.get().status == "pending"
    client.force_login(office)
    client.post("/admin/rendiconti/dati-di-pagamento/", {"action": "reject", "details": details.pk, "note": ""})
    assert PaymentDetails.objects.get().status == "pending"
    client.post("/admin/rendiconti/dati-di-pagamento/", {"action": "verify", "details": details.pk})
    assert PaymentDetails.objects.get().status == "verified"
    assert AuditEntry.objects.filter(action="settlement.payment_details.verified", actor=office).exists()

    statements.submit(statement, actor=p["staff_one"])
    statement.refresh_from_db()
    assert (statement.iban, statement.account_holder) == (IBAN, "Ente Uno APS")
