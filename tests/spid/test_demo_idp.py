"""The demo identity provider (development): both demo people sign in "with SPID", anomalies show their page."""

import re
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from booking import demo
from booking.models import Guardian
from booking.spid_sp.demo_idp import ENTITY_ID

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_idp(settings, tmp_path, client):
    # python3-saml refuses single-label hosts such as "testserver" (localhost and IP addresses are fine).
    settings.ALLOWED_HOSTS = ["sp.milano018.example"]
    client.defaults["HTTP_HOST"] = "sp.milano018.example"
    settings.SPID_DEMO_IDP = True
    settings.SPID_IDP_METADATA_FILES = []
    settings.SPID_DEV_KEY_DIR = tmp_path / "keys"
    demo.load(StringIO())


def through_demo_idp(client, person: str = "famiglia", outcome: str = ""):
    """Accedi → Entra con SPID → demo IdP → the page the person lands on."""
    login_page = client.get(reverse("account_login")).content.decode()
    start = re.search(r'href="([^"]*spid/login/[^"]*)"', login_page).group(1).replace("&amp;", "&")
    to_idp = client.get(start)
    assert to_idp.status_code == 302
    idp_page = client.get(to_idp["Location"])
    assert idp_page.status_code == 200
    fields = dict(re.findall(r'name="(SAMLRequest|RelayState)" value="([^"]*)"', idp_page.content.decode()))
    answer = client.post(reverse("spid_demo_idp_sso"), {**fields, "person": person, "outcome": outcome})
    saml_response = re.search(r'name="SAMLResponse" value="([^"]+)"', answer.content.decode()).group(1)
    acs = client.post(reverse("spid_acs"), {"SAMLResponse": saml_response})
    return client.get(acs["Location"], follow=True)


def test_demo_family_signs_in_with_spid_and_lands_on_their_account(client, demo_idp):
    family_user = get_user_model().objects.get(email=demo.FAMILY_EMAIL)
    page = through_demo_idp(client, "famiglia")
    assert page.status_code == 200
    assert int(client.session["_auth_user_id"]) == family_user.pk
    html = page.content.decode()
    assert "Giulia" in html and "Luca" in html


def test_ranked_parent_first_spid_sign_in_attaches_child_and_voucher(client, demo_idp):
    ranked = Guardian.objects.get(fiscal_code=demo.RANKED_FISCAL_CODE)
    assert ranked.user is None
    page = through_demo_idp(client, "graduatoria")
    ranked.refresh_from_db()
    assert ranked.user_id == int(client.session["_auth_user_id"])
    assert "Sofia" in page.content.decode() and "250" in page.content.decode()


def test_demo_idp_anomaly_shows_its_page_and_signs_nobody_in(client, demo_idp):
    page = through_demo_idp(client, "famiglia", "23")
    assert page.status_code == 403
    assert "Identità digitale sospesa o revocata" in page.content.decode()
    assert "_auth_user_id" not in client.session


def test_demo_idp_is_listed_only_when_on(client, demo_idp, settings):
    assert urlencode({"idp": ENTITY_ID}) in client.get(reverse("account_login")).content.decode()
    settings.SPID_DEMO_IDP = False
    assert "Entra con SPID" not in client.get(reverse("account_login")).content.decode()
