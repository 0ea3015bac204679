"""Browser journey: a family asks two providers, one quotes and one declines, the family pays with voucher +
card, the provider completes, the family rates. axe-core finds no WCAG 2.1 A/AA violation on the family's pages
and on the providers' request pages."""

import datetime
import re
from decimal import Decimal

import pytest

from tests.browser import axe
from tests.browser.navigation import follow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Journey-2026-sicura"


@pytest.fixture
def marketplace_site(live_server):
    from allauth.account.models import EmailAddress

    from tests.booking.factories import ChildFactory, GuardianFactory, make_wallet
    from tests.browser.content import fresh_home
    from tests.catalog import factories

    home = fresh_home()
    _catalog, _categories, index = factories.catalog_tree(home)
    theatre = factories.provider(index, name="Teatro dei Ragazzi", number=1)
    pool = factories.provider(index, name="Piscina del Quartiere", number=2)
    services = [
        factories.service(theatre, title="Laboratorio di teatro"),
        factories.service(pool, title="Nuoto per ragazzi"),
    ]
    staff = [factories.provider_user("ente1", theatre), factories.provider_user("ente2", pool)]
    guardian = GuardianFactory(first_name="Laura")
    guardian.user.set_password(PASSWORD)
    guardian.user.save()
    EmailAddress.objects.create(user=guardian.user, email=guardian.user.email, verified=True, primary=True)
    child = ChildFactory(guardian=guardian, first_name="Giulia", birth_date=datetime.date(2015, 6, 2))
    wallet = make_wallet("50.00", child=child)
    return {"services": services, "staff": staff, "guardian": guardian, "child": child, "wallet": wallet}


def test_request_quote_pay_complete_rate(page, other_page, sign_in_as, marketplace_site):
    """The family signs in with the sign-in form; the providers' staff, in their own browser (`other_page`), are
    signed in by their session cookie (the admin's sign-in form is checked in test_csp.py)."""
    from booking.models import Order, Rating, ServiceRequest

    guardian, theatre, pool = (
        marketplace_site["guardian"],
        marketplace_site["services"][0],
        marketplace_site["services"][1],
    )

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(guardian.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    follow(page.locator("form[action='/accounts/login/'] button[type=submit]"), re.compile(r"/famiglia/$"))
    axe.assert_accessible(page, "area famiglia")

    for service in (theatre, pool):
        page.goto(service.url)
        axe.assert_accessible(page, f"scheda servizio {service.title}")
        follow(page.get_by_role("button", name="Aggiungi alla selezione"), re.compile(r"/famiglia/selezione/$"))
    axe.assert_accessible(page, "la tua selezione")
    follow(page.get_by_role("link", name="Invia la richiesta"), re.compile(r"/famiglia/richieste/nuova/"))
    axe.assert_accessible(page, "modulo di richiesta")
    start = datetime.date.today() + datetime.timedelta(days=20)
    page.get_by_label("Dal (inizio preferito)").fill(start.isoformat())
    page.get_by_text("Mercoledì", exact=True).click()
    page.get_by_label("Messaggio per l'ente").fill("Giulia preferisce il pomeriggio.")
    follow(page.get_by_role("button", name="Invia la richiesta"), re.compile(r"/famiglia/richieste/$"))
    axe.assert_accessible(page, "le tue richieste")
    sent = ServiceRequest.objects.filter(guardian=guardian)
    assert sorted(r.service_id for r in sent) == sorted([theatre.pk, pool.pk])
    assert {r.preferred_days for r in sent} == {"2"}

    ente1, ente2 = marketplace_site["staff"]
    provider = other_page
    sign_in_as(provider.context, ente1)
    provider.goto("/admin/booking/richieste/")
    axe.assert_accessible(provider, "richieste dell'ente")
    follow(provider.get_by_role("link", name="Laboratorio di teatro"), re.compile(r"/admin/booking/richieste/\d+/$"))
    axe.assert_accessible(provider, "richiesta nell'area dell'ente")
    provider.get_by_label("Prezzo (EUR)").fill("120.00")
    provider.get_by_label("Data di inizio").fill(start.isoformat())
    provider.get_by_label("Orario").fill("Mercoledì 17:00-18:30")
    provider.get_by_label("Valido fino al").fill((start - datetime.timedelta(days=5)).isoformat())
    follow(provider.get_by_role("button", name="Invia il preventivo"))
    provider.get_by_text("Preventivo inviato.").wait_for()
    quoted_request = provider.url

    sign_in_as(provider.context, ente2)
    provider.goto("/admin/booking/richieste/")
    follow(provider.get_by_role("link", name="Nuoto per ragazzi"), re.compile(r"/admin/booking/richieste/\d+/$"))
    provider.get_by_label("Motivo del rifiuto").fill("Corso al completo per quest'anno.")
    follow(provider.get_by_role("button", name="Rifiuta"))
    provider.get_by_text("Richiesta rifiutata.").wait_for()

    page.goto("/famiglia/richieste/")
    assert "1 preventivo da decidere" in page.content()
    follow(page.get_by_role("link", name="Nuoto per ragazzi"), re.compile(r"/famiglia/richieste/\d+/$"))
    assert "Corso al completo" in page.content()
    axe.assert_accessible(page, "richiesta rifiutata")
    page.goto("/famiglia/richieste/")
    follow(page.get_by_role("link", name="Laboratorio di teatro"), re.compile(r"/famiglia/richieste/\d+/$"))
    axe.assert_accessible(page, "richiesta con preventivo")
    follow(page.get_by_role("button", name="Accetta il preventivo"), re.compile(r"/famiglia/acquisti/\d+/$"))
    axe.assert_accessible(page, "acquisto da pagare")
    assert page.get_by_label("Quanto voucher usare (EUR)").input_value() == "50,00"
    page.get_by_label("Quanto voucher usare (EUR)").fill("80")
    follow(page.get_by_role("button", name="Continua"))
    page.get_by_text("Puoi usare al massimo 50,00 € di voucher").wait_for()
    axe.assert_accessible(page, "importo del voucher sbagliato")
    page.get_by_label("Quanto voucher usare (EUR)").fill("50,00")
    page.get_by_label("Come paghi la parte non coperta dal voucher").select_option("card")
    follow(page.get_by_role("button", name="Continua"))
    page.get_by_text("Il voucher paga 50,00 €; restano da pagare 70,00 €.").wait_for()
    axe.assert_accessible(page, "riepilogo prima di pagare")
    follow(page.get_by_role("button", name="Conferma e paga"))
    page.get_by_text("Pagamento completato.").wait_for()
    axe.assert_accessible(page, "acquisto pagato")
    order = Order.objects.get(guardian=guardian)
    assert (order.voucher_paid(), order.provider_paid()) == (Decimal("50.00"), Decimal("70.00"))

    sign_in_as(provider.context, ente1)
    provider.goto(quoted_request)
    follow(provider.get_by_role("button", name="Segna il servizio come concluso"))
    provider.get_by_text("Servizio segnato come concluso.").wait_for()

    page.reload()
    page.get_by_label("Giudizio complessivo (da 1 a 5)").select_option("5")
    page.get_by_label("Qualità").select_option("5")
    page.get_by_label("Puntualità").select_option("4")
    page.get_by_label("Cortesia").select_option("5")
    page.get_by_label("Commento (facoltativo)").fill("Giulia si è divertita moltissimo.")
    follow(page.get_by_role("button", name="Invia il giudizio"))
    page.get_by_text("Grazie per il tuo giudizio.").wait_for()
    axe.assert_accessible(page, "giudizio inviato")
    rating = Rating.objects.get(order=order)
    assert (rating.overall, rating.moderation) == (5, Rating.Moderation.PENDING)


def test_pay_at_the_provider_confirm_then_cancel_by_agreement_with_the_city(
    page, other_page, sign_in_as, marketplace_site
):
    """A part paid at the provider waits for its confirmation; the family asks to cancel, the provider refuses,
    the family turns to the City, «Ufficio voucher» cancels and the voucher is whole again. Everyone is signed in
    by their session cookie (the sign-in forms are the first test's and test_csp.py's)."""
    from booking import vouchers
    from booking.models import Cancellation, Order
    from tests.booking.factories import accepted_order
    from tests.catalog import factories

    guardian, wallet = marketplace_site["guardian"], marketplace_site["wallet"]
    staff = marketplace_site["staff"][0]
    order = accepted_order(marketplace_site["services"][0], staff, price="120.00", child=marketplace_site["child"])
    office = factories.user("ufficio", groups=["Ufficio voucher"])

    sign_in_as(page.context, guardian.user)
    page.goto(f"/famiglia/acquisti/{order.pk}/")
    page.get_by_label("Quanto voucher usare (EUR)").fill("30")
    page.get_by_label("Come paghi la parte non coperta dal voucher").select_option("at_provider")
    follow(page.get_by_role("button", name="Continua"))
    page.get_by_text("Il voucher paga 30,00 €; restano da pagare 90,00 €.").wait_for()
    follow(page.get_by_role("button", name="Conferma e paga"))
    page.get_by_text("Pagamento registrato.").wait_for()
    axe.assert_accessible(page, "pagamento da confermare (famiglia)")
    order.refresh_from_db()
    assert order.state == Order.State.PAYMENT_PENDING

    ente1 = other_page
    sign_in_as(ente1.context, staff)
    ente1.goto("/admin/")
    assert "1 pagamento da confermare" in ente1.content()
    axe.assert_accessible(ente1, "home dell'ente con un pagamento da confermare")
    ente1.goto(f"/admin/booking/richieste/{order.quote.request.pk}/")
    axe.assert_accessible(ente1, "pagamento da confermare (ente)")
    ente1.get_by_label("Riferimento (facoltativo)").fill("Ricevuta 41")
    follow(ente1.get_by_role("button", name="Confermo di aver ricevuto 90,00 €"))
    ente1.get_by_text("Pagamento confermato.").wait_for()
    order.refresh_from_db()
    assert order.state == Order.State.PAID

    page.reload()
    page.get_by_label("Perché vuoi annullare l'acquisto").fill("Giulia si è rotta un braccio.")
    follow(page.get_by_role("button", name="Chiedi all'ente di annullare"))
    page.get_by_text("Richiesta di annullamento inviata").wait_for()
    axe.assert_accessible(page, "annullamento chiesto (famiglia)")

    ente1.reload()
    axe.assert_accessible(ente1, "annullamento da decidere (ente)")
    ente1.get_by_label("Motivo", exact=True).fill("Il corso è già a metà.")
    follow(ente1.get_by_role("button", name="Rifiuta l'annullamento"))
    ente1.get_by_text("Annullamento rifiutato.").wait_for()

    page.reload()
    page.get_by_label("Perché non sei d'accordo con l'ente").fill("Il certificato medico è allegato.")
    follow(page.get_by_role("button", name="Rivolgiti al Comune"))
    page.get_by_text("La tua contestazione è arrivata").wait_for()
    axe.assert_accessible(page, "annullamento contestato (famiglia)")

    city = other_page
    sign_in_as(city.context, office)
    city.goto("/admin/ufficio-voucher/annullamenti/")
    axe.assert_accessible(city, "annullamenti contestati (Comune)")
    city.get_by_label("Motivo della decisione").fill("Impedimento documentato.")
    follow(city.get_by_role("button", name="Annulla l'acquisto e rimborsa"))
    city.get_by_text("Acquisto annullato: il voucher è stato rimborsato.").wait_for()
    order.refresh_from_db()
    assert order.state == Order.State.CANCELLED
    assert Cancellation.objects.get(order=order).state == Cancellation.State.ACCEPTED
    assert vouchers.balance(wallet) == Decimal("50.00")
