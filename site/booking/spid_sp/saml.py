"""SAML for a public SPID/CIE service provider: signed metadata, the AuthnRequest, the Response checks.

python3-saml (already used by allauth) verifies signatures and the SAML core rules of a Response
(schema, one signed assertion, audience, times, recipient, wrapping attacks). It does not produce the
metadata and requests AgID asks for (Avviso SPID n.29 v3, Regole Tecniche SPID, CIE "Manuale SP"), nor
check the SPID-specific rules of a response, so this module writes the metadata and the AuthnRequest
with lxml, signs them with xmlsec, and adds the SPID checks on top of python3-saml's validation. The
conformance is proved by spid-sp-test (tests/spid/).

Over 400 lines on purpose: one protocol (SAML as SPID/CIE profile it), read end to end against AgID's rules.
"""

import base64
import datetime
import re
import secrets
import zlib
from dataclasses import dataclass
from urllib.parse import quote_plus, unquote_plus

import xmlsec
from django.conf import settings
from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
from onelogin.saml2.errors import OneLogin_Saml2_Error, OneLogin_Saml2_ValidationError
from onelogin.saml2.response import OneLogin_Saml2_Response
from onelogin.saml2.settings import OneLogin_Saml2_Settings
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from booking.spid_sp.idps import IdentityProvider
from booking.spid_sp.keys import KeyPair

NS = {
    "md": "urn:oasis:names:tc:SAML:2.0:metadata",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
    "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
    "samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
    "spid": "https://spid.gov.it/saml-extensions",
    "cie": "https://www.cartaidentita.interno.gov.it/saml-extensions",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
ENTITY = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity"
BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
POST_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
REDIRECT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
LEVELS = {f"https://www.spid.gov.it/SpidL{level}": level for level in (1, 2, 3)}
# The attributes the site uses (AgID: request only what is used). CIE releases no e-mail address.
SPID_ATTRIBUTES = ("fiscalNumber", "name", "familyName", "email")
CIE_ATTRIBUTES = ("fiscalNumber", "name", "familyName")
# SAML dateTime in UTC, with optional fractional seconds (SPID: "Z" only).
INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$")
# How far apart the IdP's clock and ours may be when comparing instants.
CLOCK_SKEW = datetime.timedelta(seconds=90)


def _el(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    prefix, name = tag.split(":")
    node = etree.SubElement(parent, f"{{{NS[prefix]}}}{name}", {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        node.text = text
    return node


def saml_instant(moment: datetime.datetime | None = None) -> str:
    """A SAML instant in UTC without fractions, e.g. '2026-11-29T11:15:13Z'."""
    moment = moment or datetime.datetime.now(datetime.UTC)
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_instant(value: str | None) -> datetime.datetime | None:
    """The instant as an aware UTC datetime, or None when it is missing or not in SAML's UTC form."""
    if not value or not INSTANT.match(value):
        return None
    seconds = value[:19]
    return datetime.datetime.strptime(seconds, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.UTC)


def new_id() -> str:
    """A SAML ID: starts with a letter or underscore, 160 random bits."""
    return f"_{secrets.token_hex(20)}"


# --- metadata ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoints:
    """The SP's absolute URLs (built from the request: HTTPS behind the City's proxy in production)."""

    acs: str
    slo: str


def build_metadata(endpoints: Endpoints, keys: KeyPair, *, cie: bool = False) -> bytes:
    """The SP metadata for SPID (Avviso n.29 v3) or for CIE, signed with the SP key (RSA-SHA256).

    Returns UTF-8 XML bytes; the Signature is the EntityDescriptor's first child, as the schema wants.
    """
    org = settings.SPID_ORGANIZATION
    nsmap = {"md": NS["md"], "ds": NS["ds"], ("cie" if cie else "spid"): NS["cie" if cie else "spid"]}
    root = etree.Element(
        f"{{{NS['md']}}}EntityDescriptor", nsmap=nsmap, entityID=settings.SPID_SP_ENTITY_ID, ID=new_id()
    )
    sp = _el(
        root,
        "md:SPSSODescriptor",
        protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol",
        AuthnRequestsSigned="true",
        WantAssertionsSigned="true",
    )
    key_info = _el(_el(sp, "md:KeyDescriptor", use="signing"), "ds:KeyInfo")
    _el(_el(key_info, "ds:X509Data"), "ds:X509Certificate", keys.cert_b64)
    _el(sp, "md:SingleLogoutService", Binding=REDIRECT_BINDING, Location=endpoints.slo)
    _el(sp, "md:NameIDFormat", TRANSIENT)
    _el(sp, "md:AssertionConsumerService", index="0", isDefault="true", Binding=POST_BINDING, Location=endpoints.acs)
    consuming = _el(sp, "md:AttributeConsumingService", index="0")
    _el(consuming, "md:ServiceName", settings.SPID_SERVICE_NAME, **{XML_LANG: "it"})
    for name in CIE_ATTRIBUTES if cie else SPID_ATTRIBUTES:
        _el(consuming, "md:RequestedAttribute", Name=name, isRequired="true" if name == "fiscalNumber" else None)
    organization = _el(root, "md:Organization")
    _el(organization, "md:OrganizationName", org["name"], **{XML_LANG: "it"})
    _el(organization, "md:OrganizationDisplayName", org["display_name"], **{XML_LANG: "it"})
    _el(organization, "md:OrganizationURL", org["url"], **{XML_LANG: "it"})
    if cie:
        contact = _el(root, "md:ContactPerson", contactType="administrative")
        extensions = _el(contact, "md:Extensions")
        _el(extensions, "cie:Public")
        _el(extensions, "cie:IPACode", org["ipa_code"])
        _el(extensions, "cie:Municipality", org["municipality"])
        _el(contact, "md:Company", org["name"])
    else:
        contact = _el(root, "md:ContactPerson", contactType="other")
        extensions = _el(contact, "md:Extensions")
        _el(extensions, "spid:IPACode", org["ipa_code"])
        _el(extensions, "spid:Public")
    _el(contact, "md:EmailAddress", org["email"])
    _el(contact, "md:TelephoneNumber", org["phone"])
    signed = OneLogin_Saml2_Utils.add_sign(
        root, keys.key_pem, keys.cert_pem, sign_algorithm=C.RSA_SHA256, digest_algorithm=C.SHA256
    )
    return signed if isinstance(signed, bytes) else signed.encode()


# --- AuthnRequest (HTTP-Redirect binding, signed query string) -------------------------------------------------


@dataclass(frozen=True)
class AuthnRequest:
    """What was sent: remember `id`, `issue_instant` and `level` to check the Response against them."""

    id: str
    issue_instant: str
    level: int
    redirect_url: str
    xml: bytes


def build_authn_request(idp: IdentityProvider, keys: KeyPair, *, level: int, relay_state: str) -> AuthnRequest:
    """A SPID AuthnRequest to `idp` and the signed HTTP-Redirect URL that carries it.

    Transient NameID without AllowCreate, one RequestedAuthnContext (Comparison minimum) with the level's
    URI, ForceAuthn above level 1, the ACS and attribute set by index 0 of the metadata, the Issuer with
    the entity Format and NameQualifier. `relay_state` must be opaque (no URL: AgID).
    """
    request_id, instant = new_id(), saml_instant()
    root = etree.Element(
        f"{{{NS['samlp']}}}AuthnRequest",
        nsmap={"samlp": NS["samlp"], "saml": NS["saml"]},
        ID=request_id,
        Version="2.0",
        IssueInstant=instant,
        Destination=idp.sso_url,
        AssertionConsumerServiceIndex="0",
        AttributeConsumingServiceIndex="0",
    )
    if level > 1:
        root.set("ForceAuthn", "true")
    _el(root, "saml:Issuer", settings.SPID_SP_ENTITY_ID, Format=ENTITY, NameQualifier=settings.SPID_SP_ENTITY_ID)
    _el(root, "samlp:NameIDPolicy", Format=TRANSIENT)
    context = _el(root, "samlp:RequestedAuthnContext", Comparison="minimum")
    _el(context, "saml:AuthnContextClassRef", f"https://www.spid.gov.it/SpidL{level}")
    xml = etree.tostring(root)
    url = signed_redirect(idp.sso_url, "SAMLRequest", xml, relay_state, keys)
    return AuthnRequest(request_id, instant, level, url, xml)


def signed_redirect(endpoint: str, parameter: str, xml: bytes, relay_state: str, keys: KeyPair) -> str:
    """`endpoint` with the HTTP-Redirect binding's query: the deflated message, RelayState, SigAlg, Signature."""
    deflated = zlib.compress(xml)[2:-4]
    query = f"{parameter}={quote_plus(base64.b64encode(deflated).decode())}"
    if relay_state:
        query += f"&RelayState={quote_plus(relay_state)}"
    query += f"&SigAlg={quote_plus(C.RSA_SHA256)}"
    context = xmlsec.SignatureContext()
    context.key = xmlsec.Key.from_memory(keys.key_pem.encode(), xmlsec.constants.KeyDataFormatPem)
    signature = base64.b64encode(context.sign_binary(query.encode(), xmlsec.constants.TransformRsaSha256)).decode()
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{query}&Signature={quote_plus(signature)}"


def read_redirect_message(encoded: str) -> etree._Element:
    """The message of an HTTP-Redirect binding (base64 of raw DEFLATE). Raises ResponseRefused("malformed")."""
    try:
        xml = zlib.decompress(base64.b64decode(encoded or ""), -15)
        return etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except (zlib.error, ValueError, etree.XMLSyntaxError) as exc:
        raise ResponseRefused("unreadable HTTP-Redirect message", "malformed") from exc


SIGNATURE_ALGORITHMS = (C.RSA_SHA256, C.RSA_SHA384, C.RSA_SHA512)


def redirect_signature_is_valid(query_string: str, parameter: str, certificates: tuple[str, ...]) -> bool:
    """Whether the raw query string of an HTTP-Redirect message is signed by one of `certificates` (SHA-256+)."""
    parts = dict(part.partition("=")[::2] for part in query_string.split("&") if "=" in part)
    if parameter not in parts or "Signature" not in parts:
        return False
    algorithm = unquote_plus(parts.get("SigAlg", ""))
    if algorithm not in SIGNATURE_ALGORITHMS:
        return False
    signed = "&".join(f"{name}={parts[name]}" for name in (parameter, "RelayState", "SigAlg") if name in parts)
    try:
        signature = base64.b64decode(unquote_plus(parts["Signature"]))
    except ValueError:
        return False
    return any(
        OneLogin_Saml2_Utils.validate_binary_sign(signed, signature, OneLogin_Saml2_Utils.format_cert(cert), algorithm)
        for cert in certificates
    )


def build_logout_response(idp: IdentityProvider, keys: KeyPair, *, in_response_to: str, relay_state: str) -> str:
    """The signed HTTP-Redirect URL of a Success LogoutResponse to the IdP's SingleLogoutService."""
    root = etree.Element(
        f"{{{NS['samlp']}}}LogoutResponse",
        nsmap={"samlp": NS["samlp"], "saml": NS["saml"]},
        ID=new_id(),
        Version="2.0",
        IssueInstant=saml_instant(),
        Destination=idp.slo_url,
        InResponseTo=in_response_to,
    )
    _el(root, "saml:Issuer", settings.SPID_SP_ENTITY_ID, Format=ENTITY, NameQualifier=settings.SPID_SP_ENTITY_ID)
    _el(_el(root, "samlp:Status"), "samlp:StatusCode", Value=SUCCESS)
    return signed_redirect(idp.slo_url, "SAMLResponse", etree.tostring(root), relay_state, keys)


# --- Response ------------------------------------------------------------------------------------------------


class ResponseRefused(Exception):
    """The Response cannot sign anyone in. `anomaly` names the page to show (see views.ANOMALIES)."""

    def __init__(self, reason: str, anomaly: str = "invalid"):
        super().__init__(reason)
        self.reason = reason
        self.anomaly = anomaly


@dataclass
class Identity:
    """A verified SPID/CIE identity: the attributes' first values, and what the IdP asserted about it."""

    attributes: dict[str, list[str]]
    name_id: str
    name_qualifier: str | None
    session_index: str | None
    idp: str
    level: int

    def first(self, name: str) -> str:
        values = self.attributes.get(name) or [""]
        return (values[0] or "").strip()


# SPID anomaly codes carried as "ErrorCode nr<NN>" in StatusMessage (Regole Tecniche, tabella messaggi di
# anomalia). 19-23 and 25 are the user's; 30 is the wrong identity type (e.g. a professional identity).
USER_ANOMALIES = {"19", "20", "21", "22", "23", "25", "30"}
ERROR_CODE = re.compile(r"ErrorCode nr\s*(\d+)")


def decode_response(saml_response: str) -> bytes:
    """The XML of a base64 SAMLResponse. Raises ResponseRefused("...", "malformed") on anything else."""
    if not saml_response or not saml_response.strip():
        raise ResponseRefused("empty SAMLResponse", "malformed")
    try:
        xml = base64.b64decode(saml_response, validate=False)
        etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except (ValueError, etree.XMLSyntaxError) as exc:
        raise ResponseRefused(f"SAMLResponse is not base64 XML: {exc}", "malformed") from exc
    return xml


def _python3_saml_settings(idp: IdentityProvider, keys: KeyPair, acs_url: str) -> OneLogin_Saml2_Settings:
    return OneLogin_Saml2_Settings(
        {
            "strict": True,
            "debug": False,
            "sp": {
                "entityId": settings.SPID_SP_ENTITY_ID,
                "assertionConsumerService": {"url": acs_url, "binding": POST_BINDING},
                "NameIDFormat": TRANSIENT,
                "x509cert": keys.cert_pem,
                "privateKey": keys.key_pem,
            },
            "idp": {
                "entityId": idp.entity_id,
                "singleSignOnService": {"url": idp.sso_url, "binding": REDIRECT_BINDING},
                "x509certMulti": {"signing": list(idp.certificates)},
            },
            "security": {
                "wantAssertionsSigned": True,
                "wantMessagesSigned": False,
                "wantNameId": True,
                "wantAttributeStatement": True,
                "rejectDeprecatedAlgorithm": True,
                "wantXMLValidation": True,
                "rejectUnsolicitedResponsesWithInResponseTo": True,
            },
        },
        sp_validation_only=False,
    )


def _one(node, path: str):
    found = node.xpath(path, namespaces=NS)
    return found[0] if len(found) == 1 else None


def _check_status(root) -> None:
    code = _one(root, "samlp:Status/samlp:StatusCode")
    if code is None or not code.get("Value"):
        raise ResponseRefused("Status/StatusCode missing")
    if code.get("Value") == SUCCESS:
        return
    message = _one(root, "samlp:Status/samlp:StatusMessage")
    match = ERROR_CODE.search(message.text or "") if message is not None else None
    anomaly = match.group(1) if match and match.group(1) in USER_ANOMALIES else "invalid"
    raise ResponseRefused(f"IdP answered {code.get('Value')}: {message.text if message is not None else ''}", anomaly)


def _check_instant(value: str | None, what: str, *, not_before: datetime.datetime, now: datetime.datetime) -> None:
    instant = parse_instant(value)
    if instant is None:
        raise ResponseRefused(f"{what} missing or not a UTC SAML instant: {value!r}")
    if instant < not_before - CLOCK_SKEW or instant > now + CLOCK_SKEW:
        raise ResponseRefused(f"{what} {value} is outside the request-to-now window")


def _check_spid_rules(root, idp: IdentityProvider, *, request: AuthnRequest, acs_url: str, cie: bool) -> int:
    """The SPID rules python3-saml leaves to the SP; returns the level asserted. Raises ResponseRefused."""
    now = datetime.datetime.now(datetime.UTC)
    requested = parse_instant(request.issue_instant) or now
    if root.get("Version") != "2.0":
        raise ResponseRefused("Response Version is not 2.0")
    _check_instant(root.get("IssueInstant"), "Response IssueInstant", not_before=requested, now=now)
    if root.get("InResponseTo") != request.id:
        raise ResponseRefused("Response InResponseTo does not match the request")
    if root.get("Destination") != acs_url:
        raise ResponseRefused("Response Destination is not our ACS")
    issuer = _one(root, "saml:Issuer")
    if issuer is None or (issuer.text or "").strip() != idp.entity_id:
        raise ResponseRefused("Response Issuer is not the IdP we asked")
    if issuer.get("Format") not in (None, ENTITY):
        raise ResponseRefused("Response Issuer Format is not entity")
    assertion = _one(root, "saml:Assertion")
    if assertion is None:
        raise ResponseRefused("no single Assertion")
    if assertion.get("Version") != "2.0" or not assertion.get("ID"):
        raise ResponseRefused("Assertion Version/ID")
    _check_instant(assertion.get("IssueInstant"), "Assertion IssueInstant", not_before=requested, now=now)
    a_issuer = _one(assertion, "saml:Issuer")
    if a_issuer is None or (a_issuer.text or "").strip() != idp.entity_id:
        raise ResponseRefused("Assertion Issuer is not the IdP we asked")
    # SPID wants the entity Format on the Assertion's Issuer; CIE may leave it out.
    if a_issuer.get("Format") != ENTITY and not (cie and a_issuer.get("Format") is None):
        raise ResponseRefused("Assertion Issuer Format is not entity")
    name_id = _one(assertion, "saml:Subject/saml:NameID")
    if name_id is None or not (name_id.text or "").strip():
        raise ResponseRefused("NameID missing")
    if name_id.get("Format") != TRANSIENT or not name_id.get("NameQualifier"):
        raise ResponseRefused("NameID Format/NameQualifier")
    confirmation = _one(assertion, "saml:Subject/saml:SubjectConfirmation")
    if confirmation is None or confirmation.get("Method") != BEARER:
        raise ResponseRefused("SubjectConfirmation bearer missing")
    data = _one(confirmation, "saml:SubjectConfirmationData")
    if data is None or data.get("Recipient") != acs_url or data.get("InResponseTo") != request.id:
        raise ResponseRefused("SubjectConfirmationData Recipient/InResponseTo")
    not_on_or_after = parse_instant(data.get("NotOnOrAfter"))
    if not_on_or_after is None or not_on_or_after < now - CLOCK_SKEW:
        raise ResponseRefused("SubjectConfirmationData NotOnOrAfter", "21")
    conditions = _one(assertion, "saml:Conditions")
    if conditions is None:
        raise ResponseRefused("Conditions missing")
    not_before, not_after = parse_instant(conditions.get("NotBefore")), parse_instant(conditions.get("NotOnOrAfter"))
    if not_before is None or not_after is None:
        raise ResponseRefused("Conditions NotBefore/NotOnOrAfter missing or malformed")
    if not_before > now + CLOCK_SKEW:
        raise ResponseRefused("Conditions NotBefore in the future")
    if not_after < now - CLOCK_SKEW:
        raise ResponseRefused("Conditions expired", "21")
    audience_nodes = conditions.xpath("saml:AudienceRestriction/saml:Audience", namespaces=NS)
    audiences = [(node.text or "").strip() for node in audience_nodes]
    if audiences != [settings.SPID_SP_ENTITY_ID]:
        raise ResponseRefused("Audience is not this SP")
    class_ref = _one(assertion, "saml:AuthnStatement/saml:AuthnContext/saml:AuthnContextClassRef")
    level = LEVELS.get((class_ref.text or "").strip()) if class_ref is not None else None
    if level is None:
        raise ResponseRefused("AuthnContextClassRef is not a SPID level")
    if level < request.level:
        raise ResponseRefused(f"level {level} below the SpidL{request.level} requested", "20")
    statement = _one(assertion, "saml:AttributeStatement")
    if statement is None or not statement.xpath("saml:Attribute[@Name]", namespaces=NS):
        raise ResponseRefused("AttributeStatement without attributes")
    return level


def validate_response(
    xml: bytes, idp: IdentityProvider, keys: KeyPair, *, request: AuthnRequest, acs_url: str, request_data: dict
) -> Identity:
    """A verified Identity from the Response to `request`, or ResponseRefused saying why and which page.

    `request_data` is python3-saml's view of the ACS request (https, http_host, script_name). A Response
    whose status is not Success raises with the SPID anomaly code it carries (19-23, 25, 30).
    """
    root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    if root.tag != f"{{{NS['samlp']}}}Response":
        raise ResponseRefused("not a samlp:Response")
    _check_status(root)
    try:
        response = OneLogin_Saml2_Response(_python3_saml_settings(idp, keys, acs_url), base64.b64encode(xml).decode())
        response.is_valid(request_data, request_id=request.id, raise_exceptions=True)
    except (OneLogin_Saml2_ValidationError, OneLogin_Saml2_Error) as exc:
        raise ResponseRefused(f"python3-saml: {exc}") from exc
    except Exception as exc:  # python3-saml raises bare errors on malformed documents
        raise ResponseRefused(f"python3-saml: {type(exc).__name__}: {exc}") from exc
    level = _check_spid_rules(root, idp, request=request, acs_url=acs_url, cie=idp.kind == "cie")
    return Identity(
        attributes=response.get_attributes(),
        name_id=response.get_nameid(),
        name_qualifier=response.get_nameid_nq(),
        session_index=response.get_session_index(),
        idp=idp.entity_id,
        level=level,
    )
