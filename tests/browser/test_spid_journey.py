"""In the browser: sign in with SPID through the demo identity provider, and the anomaly pages (axe, WCAG 2.1 AA)."""

import re

import pytest

from tests.browser import axe
from tests.browser.navigation import follow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def key_dir(tmp_path_factory):
    """The SP's and the demo IdP's key pairs, generated on first use: once for the module's tests."""
    return tmp_path_factory.mktemp("spid-keys")


@pytest.fixture
def demo_idp(settings, demo_site, key_dir):
    settings.SPID_DEMO_IDP = True
    settings.SPID_DEV_KEY_DIR = key_dir
    return demo_site


def _to_demo_idp(page):
    page.goto("/")
    follow(page.locator(".m018-account", has_text="Accedi"), re.compile(r"/accounts/login/"))
    _from_login_page_to_demo_idp(page)


def _from_login_page_to_demo_idp(page):
    page.locator("summary", has_text="Entra con SPID").focus()
    page.keyboard.press("Enter")  # the disclosure opens from the keyboard
    follow(
        page.get_by_role("link", name="IdP dimostrativo (solo sviluppo)"), re.compile(r"/accounts/spid/demo-idp/sso/")
    )


def test_demo_family_signs_in_with_spid_and_sees_their_vouchers(page, demo_idp):
    _to_demo_idp(page)
    axe.assert_accessible(page, "access button target: demo IdP")
    page.get_by_label(re.compile("Laura Esposito")).check()
    follow(page.get_by_role("button", name="Entra"))
    follow(page.get_by_role("button", name="Torna al servizio"), re.compile(r"/famiglia/$"))
    wallets = page.get_by_role("region", name="I tuoi voucher")
    # Giulia holds two vouchers (the 2026 call's and the family demo's own): each child's name shows.
    assert wallets.get_by_text("Giulia").first.is_visible()
    assert wallets.get_by_text("Luca").first.is_visible()
    page.goto("/")
    family_link = page.locator(".m018-account")
    assert family_link.inner_text().strip() == "Area famiglia"
    follow(family_link, re.compile(r"/famiglia/$"))


def test_access_button_lists_identity_providers_and_is_accessible_on_mobile(page, demo_idp):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/accounts/login/")
    page.locator("summary", has_text="Entra con SPID").click()
    assert page.get_by_role("link", name="IdP dimostrativo (solo sviluppo)").is_visible()
    assert page.get_by_role("link", name="Non hai SPID?").is_visible()
    axe.assert_accessible(page, "login page with the SPID menu open")


def test_anomaly_pages_say_what_to_do_next_and_pass_axe(page, demo_idp):
    """After each anomaly the person goes back to the sign-in page with the page's own link and tries again."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.count()
    _to_demo_idp(page)
    for number, outcome in enumerate(["19", "20", "21", "22", "23", "25", "30", "no_fiscal_number"]):
        if number:
            follow(page.get_by_role("link", name="Torna alla pagina di accesso"), re.compile(r"/accounts/login/"))
            _from_login_page_to_demo_idp(page)
        page.locator(f"input[name=outcome][value='{outcome}'] + label").click()
        follow(page.get_by_role("button", name="Entra"))
        follow(page.get_by_role("button", name="Torna al servizio"), re.compile(r"/accounts/spid/acs/fine/$"))
        assert page.get_by_role("heading", name="Cosa puoi fare").is_visible()
        assert page.get_by_role("link", name="Torna alla pagina di accesso").is_visible()
        axe.assert_accessible(page, f"SPID anomaly {outcome}")
        assert page.get_by_role("button", name="Esci").count() == 0
    assert get_user_model().objects.count() == users
