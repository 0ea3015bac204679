"""The family's pages in headless Chromium: sign in with email, profile, child, voucher; axe-core finds nothing."""

import datetime

import pytest
from allauth.account.models import EmailAddress

from tests.booking.factories import ChildFactory, GuardianFactory, fiscal_code, make_wallet
from tests.browser.content import fresh_home
from tests.browser.navigation import follow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies, Chromium's default size and language) in the run's one Chromium, on a
    site of its own (`fresh_home`)."""
    fresh_home()
    context = browser.new_context()
    yield context.new_page()
    context.close()


def assert_accessible(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_family_journey_through_own_pages_is_accessible(page, live_server):
    guardian = GuardianFactory(first_name="Laura")
    guardian.user.set_password("password-di-prova-77")
    guardian.user.save()
    EmailAddress.objects.create(user=guardian.user, email=guardian.user.email, verified=True, primary=True)
    wallet = make_wallet("300.00", child=ChildFactory(guardian=guardian, first_name="Giulia"))

    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Email").fill(guardian.user.email)
    page.get_by_label("Password").fill("password-di-prova-77")
    follow(page.locator("form[action='/accounts/login/'] button[type=submit]"), f"{live_server.url}/famiglia/")
    assert page.get_by_role("heading", level=1).inner_text() == "Area famiglia"
    assert_accessible(page)

    follow(
        page.get_by_role("link", name="Aggiungi una figlia o un figlio"), f"{live_server.url}/famiglia/figli/aggiungi/"
    )
    page.get_by_label("Nome").fill("Pietro")
    page.get_by_label("Data di nascita").fill("2016-02-03")
    page.get_by_label("Codice fiscale").fill("RSSPTR16B03F205X")
    follow(page.get_by_role("button", name="Salva"), f"{live_server.url}/famiglia/figli/aggiungi/")
    assert page.locator(".invalid-feedback").count() == 1
    assert_accessible(page)
    page.get_by_label("Codice fiscale").fill(fiscal_code(datetime.date(2016, 2, 3)))
    follow(page.get_by_role("button", name="Salva"), f"{live_server.url}/famiglia/")
    assert "Pietro" in page.content()

    page.goto(f"{live_server.url}/famiglia/voucher/{wallet.pk}/")
    assert "300,00 €" in page.content()
    assert_accessible(page)
    page.goto(f"{live_server.url}/famiglia/profilo/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/accounts/signup/")
    assert_accessible(page)
