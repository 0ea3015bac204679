"""SPID/CIE sign-in: a full SAML round trip against an identity provider the test sets up itself."""

import datetime

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse

from booking.models import Guardian
from tests.booking.factories import fiscal_code
from tests.booking.saml_idp import FakeIdentityProvider, request_id_from_redirect, tamper

pytestmark = pytest.mark.django_db

SP_HOST = "sp.milano018.example"  # python3-saml refuses single-label hosts such as "testserver"
ACS_URL = f"http://{SP_HOST}/accounts/saml/spid/acs/"
SP_ENTITY_ID = f"http://{SP_HOST}/accounts/saml/spid/metadata/"
CF = fiscal_code(datetime.date(1984, 2, 11), female=True, surname="BNC", name="GLI")


@pytest.fixture(scope="module")
def idp() -> FakeIdentityProvider:
    return FakeIdentityProvider.create()


@pytest.fixture
def spid(idp, settings, client):
    settings.SOCIALACCOUNT_PROVIDERS = idp.provider_settings()
    settings.ALLOWED_HOSTS = [SP_HOST]
    client.defaults["HTTP_HOST"] = SP_HOST
    return idp


def attributes(**overrides) -> dict[str, str]:
    values = {"fiscalNumber": f"TINIT-{CF}", "name": "Giulia", "familyName": "Bianchi", "email": "giulia@example.org"}
    values.update(overrides)
    return values


def start_login(client) -> str:
    response = client.post(reverse("saml_login", args=["spid"]))
    assert response.status_code == 302
    return request_id_from_redirect(response["Location"])


def post_to_acs(client, saml_response: str):
    response = client.post(reverse("saml_acs", args=["spid"]), {"SAMLResponse": saml_response})
    assert response.status_code == 302
    return client.get(response["Location"])


def test_login_page_offers_spid_and_cie(client, spid):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Entra con SPID" in html
    assert "Entra con CIE" in html
    assert reverse("saml_login", args=["spid"]) in html


def test_sp_metadata_is_served(client, spid):
    response = client.get(reverse("saml_metadata", args=["spid"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert ACS_URL.encode() in response.content


def test_spid_login_signs_in_the_person_keyed_on_the_fiscal_code(client, spid):
    request_id = start_login(client)
    saml_response = spid.response(
        in_response_to=request_id, acs_url=ACS_URL, audience=SP_ENTITY_ID, attributes=attributes()
    )
    final = post_to_acs(client, saml_response)

    assert final.status_code == 302
    user = get_user_model().objects.get(pk=client.session["_auth_user_id"])
    account = SocialAccount.objects.get(user=user)
    assert account.uid == CF
    guardian = Guardian.objects.get(user=user)
    assert (guardian.fiscal_code, guardian.fiscal_code_verified) == (CF, True)
    assert (guardian.first_name, guardian.last_name, user.email) == ("Giulia", "Bianchi", "giulia@example.org")
    assert client.get(reverse("booking:family")).status_code == 200


def test_second_login_lands_on_the_same_account(client, spid):
    for _ in range(2):
        client.logout()
        request_id = start_login(client)
        post_to_acs(
            client,
            spid.response(in_response_to=request_id, acs_url=ACS_URL, audience=SP_ENTITY_ID, attributes=attributes()),
        )
        assert "_auth_user_id" in client.session
    assert get_user_model().objects.count() == 1
    assert SocialAccount.objects.get().uid == CF


def test_guardian_imported_from_the_ranking_is_claimed_on_first_login(client, spid):
    imported = Guardian.objects.create(fiscal_code=CF, fiscal_code_verified=True)
    request_id = start_login(client)
    post_to_acs(
        client,
        spid.response(in_response_to=request_id, acs_url=ACS_URL, audience=SP_ENTITY_ID, attributes=attributes()),
    )
    imported.refresh_from_db()
    assert imported.user_id == int(client.session["_auth_user_id"])


def test_tampered_response_is_refused_and_nobody_is_signed_in(client, spid):
    request_id = start_login(client)
    genuine = spid.response(in_response_to=request_id, acs_url=ACS_URL, audience=SP_ENTITY_ID, attributes=attributes())
    other_cf = fiscal_code(datetime.date(1990, 5, 5), surname="VRD", name="MRC")
    final = post_to_acs(client, tamper(genuine, "fiscalNumber", f"TINIT-{other_cf}"))

    assert final.status_code == 401
    assert "Accesso non riuscito" in final.content.decode()
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.exists()
    assert not SocialAccount.objects.exists()


def test_response_signed_by_another_identity_provider_is_refused(client, spid):
    impostor = FakeIdentityProvider.create()
    request_id = start_login(client)
    forged = impostor.response(
        in_response_to=request_id, acs_url=ACS_URL, audience=SP_ENTITY_ID, attributes=attributes()
    )
    assert post_to_acs(client, forged).status_code == 401
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()


def test_response_for_another_service_is_refused(client, spid):
    request_id = start_login(client)
    post_to_acs(
        client,
        spid.response(
            in_response_to=request_id, acs_url=ACS_URL, audience="https://other.example/sp", attributes=attributes()
        ),
    )
    assert "_auth_user_id" not in client.session


@override_settings(SOCIALACCOUNT_PROVIDERS={"saml": {"APPS": [{"client_id": "spid", "settings": {"idp": {}}}]}})
def test_login_page_says_spid_is_unavailable_when_not_configured(client, settings):
    html = client.get(reverse("account_login")).content.decode()
    assert "Entra con SPID" not in html
    assert "non è disponibile" in html


def test_without_an_identity_provider_the_saml_urls_answer_404(client):
    assert client.post(reverse("saml_login", args=["spid"])).status_code == 404
    assert client.get(reverse("saml_metadata", args=["spid"])).status_code == 404


def test_identity_without_email_is_asked_for_one_and_must_verify_it(client, spid, mailoutbox):
    request_id = start_login(client)
    without_email = attributes()
    del without_email["email"]
    final = post_to_acs(
        client,
        spid.response(in_response_to=request_id, acs_url=ACS_URL, audience=SP_ENTITY_ID, attributes=without_email),
    )
    assert final.status_code == 302
    page = client.get(final["Location"])
    assert "Completa la registrazione" in page.content.decode()

    client.post(final["Location"], {"email": "giulia@example.org"})
    guardian = Guardian.objects.get(fiscal_code=CF)
    assert guardian.fiscal_code_verified
    assert guardian.user.email == "giulia@example.org"
    assert len(mailoutbox) == 1
