"""A throw-away SPID identity provider for tests: a fresh key and self-signed certificate, signed responses.

The assertion is signed with python3-saml's own signing helper (xmlsec), the library allauth verifies with.
"""

import base64
import datetime
import uuid
import zlib
from dataclasses import dataclass
from urllib.parse import parse_qs, urlparse

from cryptography import x509
from cryptography.x509.oid import NameOID
from lxml import etree
from onelogin.saml2.utils import OneLogin_Saml2_Utils

IDP_ENTITY_ID = "https://idp.test.example/metadata"
IDP_SSO_URL = "https://idp.test.example/sso"
IDP_SLO_URL = "https://idp.test.example/slo"
NS = {
    "samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
    "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
}


@dataclass
class FakeIdentityProvider:
    key_pem: str
    cert_pem: str

    @classmethod
    def create(cls) -> "FakeIdentityProvider":
        from booking.spid_sp.keys import self_signed_key_pair

        pair = self_signed_key_pair(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.test.example")]), days=30)
        return cls(key_pem=pair.key_pem, cert_pem=pair.cert_pem)

    def metadata_xml(self) -> str:
        """This IdP's SAML metadata, as the SP reads it from settings.SPID_IDP_METADATA_FILES."""
        cert = "".join(line for line in self.cert_pem.splitlines() if "-----" not in line)
        return f"""<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"
 xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{IDP_ENTITY_ID}"><md:IDPSSODescriptor
 protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing"><ds:KeyInfo>
<ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{IDP_SLO_URL}"/>
<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="{IDP_SSO_URL}"/>
</md:IDPSSODescriptor><md:Organization><md:OrganizationName xml:lang="it">IdP di prova</md:OrganizationName>
<md:OrganizationDisplayName xml:lang="it">IdP di prova</md:OrganizationDisplayName>
<md:OrganizationURL xml:lang="it">https://idp.test.example</md:OrganizationURL></md:Organization>
</md:EntityDescriptor>"""

    def logout_request_url(self, *, slo_url: str, name_id: str) -> str:
        """An IdP-initiated LogoutRequest for `name_id`, signed on the HTTP-Redirect binding, to the SP's SLO."""
        from booking.spid_sp.keys import KeyPair
        from booking.spid_sp.saml import signed_redirect

        xml = f"""<samlp:LogoutRequest xmlns:samlp="{NS["samlp"]}" xmlns:saml="{NS["saml"]}" ID="_{uuid.uuid4().hex}"
 Version="2.0" IssueInstant="{datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}"
 Destination="{slo_url}"><saml:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity"
>{IDP_ENTITY_ID}</saml:Issuer><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
 NameQualifier="{IDP_ENTITY_ID}">{name_id}</saml:NameID><samlp:SessionIndex>_s</samlp:SessionIndex>
</samlp:LogoutRequest>"""
        return signed_redirect(slo_url, "SAMLRequest", xml.encode(), "rs", KeyPair(self.key_pem, self.cert_pem))

    def response(self, *, in_response_to: str, acs_url: str, audience: str, attributes: dict[str, str]) -> str:
        """A base64 SAML Response whose assertion is signed by this IdP (what the browser POSTs to the ACS)."""
        return base64.b64encode(self.response_xml(in_response_to, acs_url, audience, attributes)).decode()

    def response_xml(self, in_response_to: str, acs_url: str, audience: str, attributes: dict[str, str]) -> bytes:
        now = datetime.datetime.now(datetime.UTC)

        def instant(delta_minutes: int = 0) -> str:
            return (now + datetime.timedelta(minutes=delta_minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")

        assertion_id = f"_{uuid.uuid4().hex}"
        attribute_xml = "".join(
            f'<saml:Attribute Name="{name}"><saml:AttributeValue>{value}</saml:AttributeValue></saml:Attribute>'
            for name, value in attributes.items()
        )
        assertion = f"""<saml:Assertion xmlns:saml="{NS["saml"]}" ID="{assertion_id}" Version="2.0"
 IssueInstant="{instant()}"><saml:Issuer
 Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">{IDP_ENTITY_ID}</saml:Issuer><saml:Subject><saml:NameID
 Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
 NameQualifier="{IDP_ENTITY_ID}">_{uuid.uuid4().hex}</saml:NameID>
<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData
 InResponseTo="{in_response_to}" NotOnOrAfter="{instant(5)}" Recipient="{acs_url}"/></saml:SubjectConfirmation>
</saml:Subject><saml:Conditions NotBefore="{instant(-1)}" NotOnOrAfter="{instant(5)}"><saml:AudienceRestriction>
<saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement
 AuthnInstant="{instant()}" SessionIndex="{assertion_id}"><saml:AuthnContext><saml:AuthnContextClassRef
>https://www.spid.gov.it/SpidL2</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>
<saml:AttributeStatement>{attribute_xml}</saml:AttributeStatement></saml:Assertion>"""
        signed_assertion = OneLogin_Saml2_Utils.add_sign(assertion, self.key_pem, self.cert_pem)
        response = etree.fromstring(
            f"""<samlp:Response xmlns:samlp="{NS["samlp"]}" xmlns:saml="{NS["saml"]}" ID="_{uuid.uuid4().hex}"
 Version="2.0" IssueInstant="{instant()}" Destination="{acs_url}" InResponseTo="{in_response_to}"
><saml:Issuer>{IDP_ENTITY_ID}</saml:Issuer><samlp:Status><samlp:StatusCode
 Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status></samlp:Response>""".encode()
        )
        response.append(etree.fromstring(signed_assertion))
        return etree.tostring(response)


def request_id_from_redirect(location: str) -> str:
    """The ID of the AuthnRequest that the SP sent to the IdP (HTTP-Redirect binding: deflated, base64)."""
    assert location.startswith(IDP_SSO_URL), location
    encoded = parse_qs(urlparse(location).query)["SAMLRequest"][0]
    xml = zlib.decompress(base64.b64decode(encoded), -15)
    return etree.fromstring(xml).get("ID")


def tamper(response_b64: str, attribute: str, value: str) -> str:
    """Change one attribute value after signing, as an attacker in the middle would."""
    root = etree.fromstring(base64.b64decode(response_b64))
    node = root.find(f'.//saml:Attribute[@Name="{attribute}"]/saml:AttributeValue', NS)
    node.text = value
    return base64.b64encode(etree.tostring(root)).decode()
