"""axe-core on the settlement pages (a provider's statements and payment data; «Ufficio voucher»: statements and
their exports, reconciliation, every provider's requests, wallet search and wallet) and on the register's pages
(the form closed and open, the receipt, the call page, the staff's queue, the provider's operators)."""

import datetime

import pytest
from django.urls import reverse

from catalog.models import ProviderAdministrator
from tests.browser.axe import assert_accessible
from tests.browser.content import fresh_home
from tests.calls import factories as calls_factories
from tests.catalog import factories as catalog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = datetime.date.today()


def fill_register_form(page):
    from tests.catalog.test_register import form_data, pdf_bytes

    data = form_data()
    for name in ("organisation_name", "tax_code", "address", "email", "phone", "representative_name",
                 "representative_tax_code", "contact_email"):  # fmt: skip
        page.fill(f"#id_{name}", data[name])
    page.select_option("#id_legal_form", data["legal_form"])
    # Bootstrap Italia draws the checkboxes on their labels: a person clicks the label.
    page.click(f"label[for={page.get_attribute('input[name=categories][value=arte]', 'id')}]")
    for name in ("declares_honourability", "declares_professional_capacity", "declares_organisational_capacity"):
        page.click(f"label[for=id_{name}]")
    for name in ("attachment_statute", "attachment_profile"):
        page.set_input_files(
            f"#id_{name}", {"name": f"{name}.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
        )


@pytest.fixture
def world(live_server):
    from booking.vouchers import wallet_code
    from settlement import statements
    from tests.settlement.conftest import paid_order, verify_details

    home = fresh_home()
    _catalog, _categories, index = catalog.catalog_tree(home)
    provider = catalog.provider(index, "Ente Uno", number=1)
    service = catalog.service(provider)
    staff = catalog.provider_user("ente-uno", provider)
    ProviderAdministrator.objects.create(provider=provider, user=staff)
    catalog.provider_user("ente-uno-bis", provider)
    verify_details(provider)
    order = paid_order(service, staff, price="100.00", wallet_value="70.00")
    statement = statements.build(
        provider=provider, period_start=TODAY - datetime.timedelta(days=30), period_end=TODAY, actor=staff
    )
    wallet = order.request.child.wallets.get()
    return {"home": home, "staff": staff, "statement": statement, "wallet": wallet, "code": wallet_code(wallet)}


def test_settlement_pages_pass_axe(page, sign_in_as, world):
    """Each account is signed in by its session cookie (the admin's sign-in form is checked in test_csp.py)."""
    sign_in_as(page.context, world["staff"])
    for label, url in [
        ("provider statements", "/admin/rendiconti/"),
        ("provider statement", f"/admin/rendiconti/{world['statement'].pk}/"),
        ("provider payment data", "/admin/rendiconti/dati-di-pagamento/"),
    ]:
        page.goto(url)
        assert_accessible(page, label)
    sign_in_as(page.context, catalog.user("ufficio", groups=["Ufficio voucher"]))
    for label, url in [
        ("office statements and exports", "/admin/rendiconti/"),
        ("office statement", f"/admin/rendiconti/{world['statement'].pk}/"),
        ("reconciliation", "/admin/rendiconti/riconciliazione/"),
        ("payment data checks", "/admin/rendiconti/dati-di-pagamento/"),
        ("every provider's requests", "/admin/richieste-enti/?ente=Ente+Uno"),
        ("wallet search", f"/admin/ufficio-voucher/?q={world['code']}"),
        ("wallet", f"/admin/ufficio-voucher/{world['wallet'].pk}/"),
    ]:
        page.goto(url)
        assert_accessible(page, label)


def test_register_pages_pass_axe(page, sign_in_as, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    page.goto("/elenco-milano-0-18/domanda/")
    assert_accessible(page, "register form closed")
    call = calls_factories.open_register_call(world["home"])
    page.goto(call.url)
    assert_accessible(page, "register call page")
    page.goto("/elenco-milano-0-18/domanda/")
    assert_accessible(page, "register form")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert_accessible(page, "register form with errors")
    fill_register_form(page)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "EL-" in page.inner_text("main"), page.inner_text("main")[:3000]
    assert_accessible(page, "register receipt")

    sign_in_as(page.context, catalog.editor())
    page.goto(reverse("register_applications:index"))
    assert_accessible(page, "register queue")
    sign_in_as(page.context, world["staff"])
    page.goto("/admin/ente/operatori/")
    assert_accessible(page, "provider operators")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert_accessible(page, "operator invitation with errors")
