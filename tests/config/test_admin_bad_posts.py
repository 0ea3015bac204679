"""Admin POSTs that used to answer 500 (issue 18, item 8): each now answers a 4xx or an explained admin page.

The faults were found by tests/test_no_server_errors.py; here each route has its own plain test, with the
ordinary use of the same route beside it so the guard is shown not to get in the way.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.models import Page

from booking import vouchers
from booking.models import VoucherCall
from core.audit import log_action
from tests.booking.factories import ChildFactory, VoucherCallFactory, make_wallet

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(home_page):
    staff = get_user_model().objects.create_superuser("comune", "comune@example.org", "una-password-lunga-42")
    client = Client(raise_request_exception=True)
    client.force_login(staff)
    return client


def post(client, path, data=None):
    return client.post(path, data or {})


def test_external_link_chooser_without_url_is_a_bad_request_and_with_one_still_chooses(staff_client):
    assert post(staff_client, "/admin/choose-external-link/").status_code == 400
    url = "https://www.comune.milano.it/"
    chosen = post(staff_client, "/admin/choose-external-link/", {"external-link-chooser-url": url})
    assert chosen.status_code == 200
    assert chosen.json()["step"] == "external_link_chosen"
    assert chosen.json()["result"]["url"] == url


@pytest.mark.parametrize("action", ["set_position", "lock", "unlock"])
def test_the_root_page_cannot_be_moved_locked_or_unlocked(staff_client, action):
    root = Page.get_first_root_node()
    response = post(staff_client, f"/admin/pages/{root.pk}/{action}/")
    assert response.status_code == 400
    assert "radice" in response.content.decode()
    root.refresh_from_db()
    assert not root.locked


def test_an_ordinary_page_is_still_locked(staff_client, home_page):
    assert post(staff_client, f"/admin/pages/{home_page.pk}/lock/").status_code == 302
    home_page.refresh_from_db()
    assert home_page.locked


def test_redirects_import_without_its_management_fields_is_a_bad_request(staff_client):
    assert post(staff_client, "/admin/redirects/import/process/").status_code == 400
    tampered = post(staff_client, "/admin/redirects/import/process/", {"import_file_name": "x", "input_format": "0"})
    assert tampered.status_code == 400


@pytest.mark.parametrize("model", ["partner", "wellbeingdimension"])
def test_snippet_choosers_without_a_creation_form_have_no_create_url(staff_client, model):
    assert post(staff_client, f"/admin/snippets/choose/home/{model}/create/", {"name": "x"}).status_code == 404
    assert staff_client.get(f"/admin/snippets/choose/home/{model}/").status_code == 200


def test_a_voucher_call_with_wallets_is_kept_and_the_page_says_why(staff_client):
    wallet = make_wallet("30.00")
    response = post(staff_client, f"/admin/booking/vouchercall/delete/{wallet.call.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/booking/vouchercall/edit/{wallet.call.pk}/"
    assert VoucherCall.objects.filter(pk=wallet.call.pk).exists()
    page = staff_client.get(response["Location"]).content.decode()
    assert "non si può eliminare" in page
    assert "1 voucher" in page


def test_a_voucher_call_without_wallets_is_still_deleted(staff_client):
    call = VoucherCallFactory()
    assert post(staff_client, f"/admin/booking/vouchercall/delete/{call.pk}/").status_code == 302
    assert not VoucherCall.objects.filter(pk=call.pk).exists()


def test_a_familys_user_is_kept_and_staff_are_pointed_to_the_data_erasure(staff_client):
    user = ChildFactory().guardian.user
    confirmation = staff_client.get(f"/admin/users/delete/{user.pk}/")
    assert confirmation.status_code == 302
    response = post(staff_client, f"/admin/users/delete/{user.pk}/")
    assert response.status_code == 302
    assert get_user_model().objects.filter(pk=user.pk).exists()
    page = staff_client.get(response["Location"]).content.decode()
    assert "non si può eliminare" in page
    assert "Cancella i tuoi dati" in page


def test_an_officer_with_audit_and_ledger_entries_is_kept_and_the_page_says_why(staff_client):
    """Wagtail's reference index leaves audit and ledger entries out (core.models.AppendOnlyModel): the refusal,
    already on the confirmation page, comes from their PROTECT foreign keys."""
    officer = get_user_model().objects.create_user("ufficio", "ufficio@example.org", "una-password-lunga-44")
    wallet = make_wallet("30.00")
    vouchers.grant(wallet, "10.00", actor=officer, memo="Integrazione")
    log_action(officer, "voucher.wallet.suspended", wallet, {})
    confirmation = staff_client.get(f"/admin/users/delete/{officer.pk}/")
    assert confirmation.status_code == 302
    response = post(staff_client, f"/admin/users/delete/{officer.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/users/edit/{officer.pk}/"
    assert get_user_model().objects.filter(pk=officer.pk).exists()
    page = staff_client.get(response["Location"]).content.decode()
    assert "non si può eliminare" in page
    assert "movimento del voucher" in page
    assert "registro delle attività" in page


def test_a_user_nothing_refers_to_is_still_deleted(staff_client):
    user = get_user_model().objects.create_user("ospite", "ospite@example.org", "una-password-lunga-43")
    assert post(staff_client, f"/admin/users/delete/{user.pk}/").status_code == 302
    assert not get_user_model().objects.filter(pk=user.pk).exists()
