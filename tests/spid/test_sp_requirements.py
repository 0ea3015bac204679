"""What AgID requires of a public SP, read from our own metadata and AuthnRequest (spid-sp-test checks the rest)."""

import base64
import subprocess
import sys
import zlib
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from lxml import etree

from tests.booking.saml_idp import IDP_ENTITY_ID, FakeIdentityProvider
from tests.spid.conftest import ROOT

pytestmark = pytest.mark.django_db
NS = {
    "md": "urn:oasis:names:tc:SAML:2.0:metadata",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
    "spid": "https://spid.gov.it/saml-extensions",
    "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
    "samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
}


@pytest.fixture
def sp(settings, tmp_path):
    metadata = tmp_path / "idp.xml"
    metadata.write_text(FakeIdentityProvider.create().metadata_xml())
    settings.SPID_IDP_METADATA_FILES = [str(metadata)]
    settings.SPID_DEV_KEY_DIR = tmp_path / "keys"
    settings.SPID_SP_ENTITY_ID = "https://milano018.example/spid"


def test_metadata_is_signed_and_says_what_agid_asks(client, sp):
    root = etree.fromstring(client.get(reverse("spid_metadata")).content)
    assert root.get("entityID") == "https://milano018.example/spid"
    assert root[0].tag == f"{{{NS['ds']}}}Signature"
    assert root.xpath("md:SPSSODescriptor/md:NameIDFormat/text()", namespaces=NS) == [
        "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
    ]
    requested = root.xpath("//md:AttributeConsumingService/md:RequestedAttribute/@Name", namespaces=NS)
    assert requested == ["fiscalNumber", "name", "familyName", "email"]
    assert root.xpath("//md:SingleLogoutService/@Location", namespaces=NS)
    assert root.xpath("md:Organization/md:OrganizationName/text()", namespaces=NS) == ["Comune di Milano"]
    assert set(root.xpath("md:Organization/*/@xml:lang", namespaces=NS)) == {"it"}
    assert root.xpath("md:ContactPerson/md:Extensions/spid:IPACode/text()", namespaces=NS) == ["c_f205"]
    assert root.xpath("md:ContactPerson/md:Extensions/spid:Public", namespaces=NS)


def test_authn_request_is_transient_without_allow_create_at_spid_level_2_with_force_authn(client, sp):
    location = client.get(reverse("spid_login"), {"idp": IDP_ENTITY_ID})["Location"]
    query = parse_qs(urlparse(location).query)
    assert query["SigAlg"] == ["http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"] and query["Signature"]
    assert "http" not in query["RelayState"][0]
    request = etree.fromstring(zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15))
    assert request.get("ForceAuthn") == "true"
    policy = request.find("samlp:NameIDPolicy", NS)
    assert policy.get("Format") == "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
    assert policy.get("AllowCreate") is None
    assert request.xpath("samlp:RequestedAuthnContext/saml:AuthnContextClassRef/text()", namespaces=NS) == [
        "https://www.spid.gov.it/SpidL2"
    ]


def _production_settings(extra: dict) -> subprocess.CompletedProcess:
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 60,
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": "site:.",
        "ALLOWED_HOSTS": "milano018.example",
        "WAGTAILADMIN_BASE_URL": "https://milano018.example",
        **extra,
    }
    # production.py refuses at import: reading a setting imports it, as the first step of django.setup() does
    # (tests/config/test_settings.py starts production in full).
    code = "from django.conf import settings; print(settings.SPID_DEMO_IDP)"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def test_production_settings_refuse_the_demo_identity_provider():
    refused = _production_settings({"SPID_DEMO_IDP": "1"})
    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.stderr and "SPID_DEMO_IDP" in refused.stderr
    allowed = _production_settings({})
    assert allowed.returncode == 0, f"production settings must load without the demo IdP: {allowed.stderr}"
    assert allowed.stdout.split() == ["False"]


def test_the_demo_identity_provider_is_not_mounted_when_off(client, settings):
    settings.SPID_DEMO_IDP = False
    assert client.get(reverse("spid_demo_idp_sso")).status_code == 404
