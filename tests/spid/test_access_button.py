"""The access button: every official SPID IdP whose metadata is loaded, in random order; CIE on its own button."""

import json
import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from booking.spid_sp.idps import OFFICIAL_LIST
from tests.booking.saml_idp import IDP_ENTITY_ID, FakeIdentityProvider

pytestmark = pytest.mark.django_db
OFFICIAL = json.loads(OFFICIAL_LIST.read_text())


@pytest.fixture
def registry(settings, tmp_path):
    """An aggregate like AgID's registry file: every official SPID IdP and CIE (with a test certificate)."""
    single = FakeIdentityProvider.create().metadata_xml()
    entities = [single.replace(IDP_ENTITY_ID, entry["entity_id"]) for entry in OFFICIAL["spid"] + OFFICIAL["cie"]]
    aggregate = tmp_path / "registry.xml"
    aggregate.write_text(
        '<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">'
        + "".join(entities)
        + "</md:EntitiesDescriptor>"
    )
    settings.SPID_IDP_METADATA_FILES = [str(aggregate)]
    settings.SPID_DEV_KEY_DIR = tmp_path / "keys"


def spid_names(html: str) -> list[str]:
    menu = html[html.index("spid-access__list") : html.index("spid-access__help")]
    return re.findall(r'class="spid-access__idp">([^<]+)<', menu)


def test_every_official_idp_is_listed_and_cie_has_its_own_button(client, registry):
    html = client.get(reverse("account_login")).content.decode()
    assert sorted(spid_names(html)) == sorted(entry["name"] for entry in OFFICIAL["spid"])
    assert "Entra con CIE" in html


def test_identity_providers_are_shown_in_random_order(client, registry):
    orders = {tuple(spid_names(client.get(reverse("account_login")).content.decode())) for _ in range(10)}
    assert len(orders) > 1


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(st.text(), st.binary().map(lambda data: data.decode("latin-1")), st.just("\x00" * 50)))
def test_acs_never_answers_a_server_error(client, registry, body):
    response = client.post(reverse("spid_acs"), {"SAMLResponse": body})
    assert response.status_code < 500
