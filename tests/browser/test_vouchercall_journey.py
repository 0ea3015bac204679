"""Browser journey of the voucher call: the parent applies, the window closes, the «Ufficio voucher» ranks, the family
sees its position, the final ranking grants the vouchers, the family pays a service with one. axe-core: 0 violations
on every family page and the public ranking."""

import datetime
import re
from decimal import Decimal

import pytest

from tests.browser import axe
from tests.browser.navigation import follow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def call_site(live_server):
    from allauth.account.models import EmailAddress

    from tests.booking.factories import ChildFactory, GuardianFactory
    from tests.browser.content import fresh_home
    from tests.catalog import factories
    from tests.vouchercall.factories import make_call

    home = fresh_home()
    _catalog, _categories, index = factories.catalog_tree(home)
    provider = factories.provider(index, name="Teatro dei Ragazzi", number=1)
    service = factories.service(provider, title="Laboratorio di teatro")
    provider_staff = factories.provider_user("ente1", provider)
    guardian = GuardianFactory(first_name="Laura", last_name="Esposito")
    office = factories.user("ufficio", groups=["Ufficio voucher"])  # the group as the data migrations leave it
    EmailAddress.objects.create(user=guardian.user, email=guardian.user.email, verified=True, primary=True)
    child = ChildFactory(guardian=guardian, first_name="Giulia", birth_date=datetime.date(2014, 5, 9))
    rival = ChildFactory(first_name="Pietro", birth_date=datetime.date(2013, 1, 1))
    call = make_call(budget="400.00")
    return {
        "call": call,
        "guardian": guardian,
        "child": child,
        "rival": rival,
        "service": service,
        "provider_staff": provider_staff,
        "office": office,
    }


def test_apply_rank_fund_and_pay_with_the_voucher(page, other_page, sign_in_as, call_site):
    """The family and the office are signed in by their session cookie (the sign-in forms are checked in
    test_booking_journey.py and test_csp.py); the office works in its own browser (`other_page`)."""
    from booking.models import Order, Wallet
    from tests.booking.factories import quoted
    from tests.vouchercall.factories import apply, declaration, register_isee
    from vouchercall.models import Application, Ranking

    call, guardian, child = call_site["call"], call_site["guardian"], call_site["child"]
    dsu = "INPS-ISEE-2022-000048170-00"
    register_isee(guardian, declaration("4500.00", minors=1, dsu=dsu))
    # Another family with a higher ISEE applies too: it ranks after ours and nothing is left for it.
    apply(call, call_site["rival"].guardian, [call_site["rival"]], isee="9000.00")

    sign_in_as(page.context, guardian.user)
    page.goto("/famiglia/")
    follow(page.get_by_role("link", name="Bandi voucher: domanda e graduatoria"), "**/famiglia/bando-voucher/")
    axe.assert_accessible(page, "bandi voucher")
    follow(page.get_by_role("link", name=str(call)), f"**/famiglia/bando-voucher/{call.pk}/")
    axe.assert_accessible(page, "bando aperto")
    follow(page.get_by_role("link", name="Presenta la domanda"), f"**/famiglia/bando-voucher/{call.pk}/domanda/")
    axe.assert_accessible(page, "modulo di domanda")
    # Bootstrap Italia draws the checkbox on its label: the family clicks the label.
    page.locator("label", has_text="Giulia").click()
    page.get_by_label("Tipo di ISEE").select_option("ordinary")
    page.get_by_label("Valore ISEE (EUR)").fill("4500.00")
    page.get_by_label("Protocollo DSU").fill(dsu)
    page.get_by_label("Data dell'attestazione ISEE").fill("2022-03-01")
    page.get_by_label("Minorenni nel nucleo familiare").fill("1")
    page.locator("label", has_text="Dichiaro che la famiglia risiede a Milano.").click()
    page.locator("label", has_text="Dichiaro che quanto scritto è vero").click()
    page.locator("label", has_text="Ho letto l'informativa sul trattamento dei dati personali.").click()
    assert page.get_by_label("Ho letto l'informativa sul trattamento dei dati personali.").is_checked()
    follow(page.get_by_role("button", name="Invia la domanda"), f"**/famiglia/bando-voucher/{call.pk}/")
    page.get_by_text("Domanda inviata").wait_for()
    axe.assert_accessible(page, "domanda inviata")
    application = Application.objects.get(guardian=guardian)
    assert application.state == Application.State.SENT and application.isee_checked == "match"
    assert application.protocol in page.content()
    with page.expect_download() as download:
        page.get_by_role("link", name="Scarica la ricevuta (PDF)").click()
    assert download.value.suggested_filename == f"ricevuta-{application.protocol}.pdf"

    # The window closes.
    now = datetime.datetime.now(tz=datetime.UTC)
    type(call).objects.filter(pk=call.pk).update(
        opens_at=now - datetime.timedelta(days=20), closes_at=now - datetime.timedelta(minutes=1)
    )

    office = other_page
    sign_in_as(office.context, call_site["office"])
    office.goto(f"/admin/vouchercall/bando/{call.pk}/graduatorie/")
    follow(office.get_by_role("button", name="Calcola la graduatoria provvisoria"))
    office.get_by_text("Graduatoria calcolata: 1 finanziate su 2 domande.").wait_for()

    page.goto(f"/famiglia/bando-voucher/{call.pk}/")
    assert "La tua domanda è alla posizione 1." in page.content()
    axe.assert_accessible(page, "posizione in graduatoria")
    follow(page.get_by_role("link", name="Vedi la graduatoria pubblicata"), re.compile(r"/graduatorie-voucher/\d+/$"))
    assert application.protocol in page.content() and "Esposito" not in page.content()
    axe.assert_accessible(page, "graduatoria pubblica")

    # The appeal days pass with no appeal; the office computes the final ranking and grants the vouchers.
    Ranking.objects.filter(call=call).update(computed_at=now - datetime.timedelta(days=30))
    # The page already says "Graduatoria calcolata" (the provisional one's): only the new page may be read.
    follow(office.get_by_role("button", name="Calcola la graduatoria definitiva"))
    office.get_by_text("Graduatoria calcolata").wait_for()
    follow(office.get_by_role("button", name="Assegna i voucher della definitiva"))
    office.get_by_text("Voucher assegnati: 1.").wait_for()
    wallet = Wallet.objects.get(child=child, call=call.money_call)
    assert wallet.balance == Decimal("400.00")

    quote = quoted(call_site["service"], call_site["provider_staff"], price="120.00", child=child)
    page.goto(f"/famiglia/richieste/{quote.request.pk}/")
    follow(page.get_by_role("button", name="Accetta il preventivo"), re.compile(r"/famiglia/acquisti/\d+/$"))
    # The voucher covers the whole price: the family confirms the amount offered and sees nothing left to pay.
    follow(page.get_by_role("button", name="Continua"))
    follow(page.get_by_role("button", name="Conferma e paga"))
    page.get_by_text("Pagamento completato.").wait_for()
    order = Order.objects.get(guardian=guardian)
    assert order.voucher_paid() == Decimal("120.00")
    assert Wallet.objects.get(pk=wallet.pk).balance == wallet.value - Decimal("120.00")
