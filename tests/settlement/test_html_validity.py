"""The settlement pages are valid HTML (Nu HTML Checker): a provider's statements, statement and payment data; the
«Ufficio voucher» pages (statements, reconciliation, every provider's requests, the wallet search and a wallet);
the export choices on the statements page."""

import datetime
import pprint

import pytest

from booking.vouchers import wallet_code
from settlement import statements
from tests.htmlcheck import html_errors
from tests.settlement.conftest import paid_order, verify_details

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def test_the_settlement_pages_are_valid_html(client, two_providers, office):
    p = two_providers
    verify_details(p["one"])
    order = paid_order(p["service_one"], p["staff_one"], price="100.00", wallet_value="70.00")
    statement = statements.build(
        provider=p["one"], period_start=TODAY - datetime.timedelta(days=30), period_end=TODAY, actor=p["staff_one"]
    )
    wallet = order.request.child.wallets.get()
    provider_urls = ["/admin/rendiconti/", f"/admin/rendiconti/{statement.pk}/", "/admin/rendiconti/dati-di-pagamento/"]
    office_urls = [
        "/admin/rendiconti/",
        f"/admin/rendiconti/{statement.pk}/",
        "/admin/rendiconti/riconciliazione/",
        "/admin/rendiconti/dati-di-pagamento/",
        "/admin/richieste-enti/",
        "/admin/richieste-enti/?ente=Ente+Uno&stato=completed",
        "/admin/ufficio-voucher/",
        f"/admin/ufficio-voucher/?q={wallet_code(wallet)}",
        f"/admin/ufficio-voucher/{wallet.pk}/",
    ]
    documents = {}
    for who, urls in ((p["staff_one"], provider_urls), (office, office_urls)):
        client.force_login(who)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            documents[f"{who.get_username()} {url}"] = response.content.decode()
    assert "scarica.xlsx" in documents[f"ufficio /admin/rendiconti/{statement.pk}/"]
    errors = html_errors(documents)
    assert not errors, pprint.pformat(errors, width=200)
