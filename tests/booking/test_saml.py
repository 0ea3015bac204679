"""SPID/CIE sign-in: full SAML round trips against an identity provider the test sets up itself."""

import base64
import datetime
import zlib
from decimal import Decimal
from urllib.parse import parse_qs, urlparse

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import reverse
from lxml import etree

from booking import vouchers
from booking.models import Child, Guardian, VoucherCall
from tests.booking.factories import fiscal_code
from tests.booking.saml_idp import (
    IDP_ENTITY_ID,
    IDP_SLO_URL,
    FakeIdentityProvider,
    request_id_from_redirect,
    tamper,
)

pytestmark = pytest.mark.django_db

SP_HOST = "sp.milano018.example"
ACS_URL = f"http://{SP_HOST}/accounts/spid/acs/"
SP_ENTITY_ID = "https://sp.milano018.example/spid"
CF = fiscal_code(datetime.date(1984, 2, 11), female=True, surname="BNC", name="GLI")


@pytest.fixture(scope="module")
def idp() -> FakeIdentityProvider:
    return FakeIdentityProvider.create()


@pytest.fixture
def spid(idp, settings, client, tmp_path):
    metadata = tmp_path / "idp.xml"
    metadata.write_text(idp.metadata_xml())
    settings.SPID_IDP_METADATA_FILES = [str(metadata)]
    settings.SPID_DEV_KEY_DIR = tmp_path / "keys"
    settings.SPID_SP_ENTITY_ID = SP_ENTITY_ID
    settings.ALLOWED_HOSTS = [SP_HOST]
    client.defaults["HTTP_HOST"] = SP_HOST
    return idp


def attributes(**overrides) -> dict[str, str]:
    values = {"fiscalNumber": f"TINIT-{CF}", "name": "Giulia", "familyName": "Bianchi", "email": "giulia@example.org"}
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not None}


def start_login(client) -> str:
    response = client.get(reverse("spid_login"), {"idp": IDP_ENTITY_ID})
    assert response.status_code == 302
    return request_id_from_redirect(response["Location"])


def post_to_acs(client, saml_response: str):
    """POST to the ACS as the IdP's page does, then follow to the page the person ends on."""
    response = client.post(reverse("spid_acs"), {"SAMLResponse": saml_response, "RelayState": "x"})
    if response.status_code != 302:
        return response
    return client.get(response["Location"])


def sign_in(client, idp, **attribute_overrides):
    request_id = start_login(client)
    return post_to_acs(
        client,
        idp.response(
            in_response_to=request_id,
            acs_url=ACS_URL,
            audience=SP_ENTITY_ID,
            attributes=attributes(**attribute_overrides),
        ),
    )


def test_login_page_offers_spid_and_cie_buttons_with_the_configured_idp(client, spid):
    html = client.get(reverse("account_login")).content.decode()
    assert "Entra con SPID" in html
    assert "IdP di prova" in html
    assert f"{reverse('spid_login')}?idp=" in html


def test_spid_login_signs_in_the_person_keyed_on_the_fiscal_code(client, spid):
    final = sign_in(client, spid)

    assert final.status_code == 302
    user = get_user_model().objects.get(pk=client.session["_auth_user_id"])
    account = SocialAccount.objects.get(user=user)
    assert (account.provider, account.uid) == ("spid", CF)
    guardian = Guardian.objects.get(user=user)
    assert (guardian.fiscal_code, guardian.fiscal_code_verified) == (CF, True)
    assert (guardian.first_name, guardian.last_name, user.email) == ("Giulia", "Bianchi", "giulia@example.org")
    assert client.get(reverse("booking:family")).status_code == 200


def test_second_login_lands_on_the_same_account(client, spid):
    for _ in range(2):
        client.logout()
        sign_in(client, spid)
        assert "_auth_user_id" in client.session
    assert get_user_model().objects.count() == 1
    assert SocialAccount.objects.get().uid == CF


def test_imported_parent_gets_children_and_vouchers_on_first_spid_login(client, spid):
    imported = Guardian.objects.create(fiscal_code=CF, fiscal_code_verified=True)
    child = Child.objects.create(
        guardian=imported,
        first_name="Sara",
        birth_date=datetime.date(2015, 4, 10),
        fiscal_code=fiscal_code(datetime.date(2015, 4, 10), female=True),
    )
    call = VoucherCall.objects.create(
        code="v",
        name="Voucher",
        budget=Decimal("1000.00"),
        valid_from=datetime.date(2026, 1, 1),
        valid_until=datetime.date(2027, 12, 31),
    )
    vouchers.create_wallet(child=child, holder=imported, call=call, value=Decimal("250.00"))

    sign_in(client, spid)

    imported.refresh_from_db()
    assert imported.user_id == int(client.session["_auth_user_id"])
    page = client.get(reverse("booking:family")).content.decode()
    assert "Sara" in page
    assert "250" in page


def test_unverified_guardian_with_the_same_code_is_not_attached(client, spid, django_user_model):
    typed = Guardian.objects.create(
        fiscal_code=CF, fiscal_code_verified=False, user=django_user_model.objects.create(username="other")
    )
    sign_in(client, spid)
    typed.refresh_from_db()
    assert typed.user.username == "other"
    assert int(client.session["_auth_user_id"]) != typed.user_id


def test_response_without_fiscal_number_is_refused_and_nobody_is_signed_in(client, spid):
    final = sign_in(client, spid, fiscalNumber=None)
    assert final.status_code == 403
    assert "Codice fiscale non ricevuto" in final.content.decode()
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists() and not Guardian.objects.exists()


def test_response_with_empty_fiscal_number_is_refused_and_nobody_is_signed_in(client, spid):
    final = sign_in(client, spid, fiscalNumber="")
    assert final.status_code == 403
    assert "Codice fiscale non ricevuto" in final.content.decode()
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.exists()


@pytest.mark.parametrize("body", ["", "   ", "bm90IHhtbA==", "%%%not-base64%%%", base64.b64encode(b"<a>").decode()])
def test_empty_or_non_xml_saml_response_answers_a_clear_400_page(client, spid, body):
    response = client.post(reverse("spid_acs"), {"SAMLResponse": body})
    assert response.status_code == 400
    assert "Risposta di accesso non leggibile" in response.content.decode()


def test_acs_without_saml_response_answers_400(client, spid):
    response = client.post(reverse("spid_acs"), {})
    assert response.status_code == 400


def test_tampered_response_is_refused_and_nobody_is_signed_in(client, spid):
    request_id = start_login(client)
    genuine = spid.response(in_response_to=request_id, acs_url=ACS_URL, audience=SP_ENTITY_ID, attributes=attributes())
    other_cf = fiscal_code(datetime.date(1990, 5, 5), surname="VRD", name="MRC")
    final = post_to_acs(client, tamper(genuine, "fiscalNumber", f"TINIT-{other_cf}"))

    assert final.status_code == 403
    assert "Accesso non riuscito" in final.content.decode()
    assert "_auth_user_id" not in client.session
    assert not SocialAccount.objects.exists()


def test_response_signed_by_another_identity_provider_is_refused(client, spid):
    impostor = FakeIdentityProvider.create()
    request_id = start_login(client)
    forged = impostor.response(
        in_response_to=request_id, acs_url=ACS_URL, audience=SP_ENTITY_ID, attributes=attributes()
    )
    assert post_to_acs(client, forged).status_code == 403
    assert "_auth_user_id" not in client.session


def test_replayed_response_is_refused(client, spid):
    request_id = start_login(client)
    response = spid.response(in_response_to=request_id, acs_url=ACS_URL, audience=SP_ENTITY_ID, attributes=attributes())
    post_to_acs(client, response)
    client.logout()
    again = post_to_acs(client, response)
    assert again.status_code == 400
    assert "Richiesta di accesso non trovata" in again.content.decode()
    assert "_auth_user_id" not in client.session


def test_response_for_another_service_is_refused(client, spid):
    request_id = start_login(client)
    final = post_to_acs(
        client,
        spid.response(
            in_response_to=request_id, acs_url=ACS_URL, audience="https://other.example/sp", attributes=attributes()
        ),
    )
    assert final.status_code == 403
    assert "_auth_user_id" not in client.session


def test_without_identity_providers_the_login_page_says_spid_is_unavailable(client, settings):
    settings.SPID_IDP_METADATA_FILES = []
    html = client.get(reverse("account_login")).content.decode()
    assert "Entra con SPID" not in html
    assert "non è disponibile" in html


def test_login_with_an_unknown_idp_answers_400(client, spid):
    response = client.get(reverse("spid_login"), {"idp": "https://evil.example"})
    assert response.status_code == 400
    assert "Gestore di identità non disponibile" in response.content.decode()


def test_identity_without_email_is_asked_for_one_and_must_verify_it(client, spid, mailoutbox):
    final = sign_in(client, spid, email=None)
    assert final.status_code == 302
    page = client.get(final["Location"])
    assert "Completa la registrazione" in page.content.decode()

    client.post(final["Location"], {"email": "giulia@example.org"})
    guardian = Guardian.objects.get(fiscal_code=CF)
    assert guardian.fiscal_code_verified
    assert guardian.user.email == "giulia@example.org"
    assert len(mailoutbox) == 1


SLO_URL = f"http://{SP_HOST}/accounts/spid/slo/"


def test_idp_initiated_logout_signs_the_person_out_and_answers_with_a_signed_logout_response(client, spid):
    sign_in(client, spid)
    name_id = client.session["spid_session"]["name_id"]
    url = spid.logout_request_url(slo_url=SLO_URL, name_id=name_id)

    response = client.get(url.replace(f"http://{SP_HOST}", ""))

    assert "_auth_user_id" not in client.session
    assert response.status_code == 302 and response["Location"].startswith(IDP_SLO_URL)
    query = parse_qs(urlparse(response["Location"]).query)
    assert query["SigAlg"] and query["Signature"] and query["RelayState"] == ["rs"]
    answer = etree.fromstring(zlib.decompress(base64.b64decode(query["SAMLResponse"][0]), -15))
    assert answer.tag.endswith("LogoutResponse") and answer.get("InResponseTo")


def test_logout_request_signed_by_someone_else_signs_nobody_out(client, spid):
    sign_in(client, spid)
    name_id = client.session["spid_session"]["name_id"]
    forged = FakeIdentityProvider.create().logout_request_url(slo_url=SLO_URL, name_id=name_id)

    response = client.get(forged.replace(f"http://{SP_HOST}", ""))

    assert response.status_code == 403
    assert "_auth_user_id" in client.session


def test_logout_request_for_another_session_leaves_this_one_signed_in(client, spid):
    sign_in(client, spid)
    response = client.get(spid.logout_request_url(slo_url=SLO_URL, name_id="_other").replace(f"http://{SP_HOST}", ""))
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
