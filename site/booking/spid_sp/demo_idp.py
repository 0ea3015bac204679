"""A demo SPID identity provider for development, so a newcomer can sign in "with SPID" on a laptop.

On only when settings.SPID_DEMO_IDP is true (dev.py turns it on with DEBUG; production.py refuses to
start with it). It answers the site's own AuthnRequest with an assertion signed by a key pair generated
into settings.SPID_DEV_KEY_DIR, for one of the demo people of booking/demo.py, or with one of the SPID
anomalies (19-23, 25, 30) or an identity without a fiscal number, to see the error pages. Built with
python3-saml's signing helper and lxml, like the real IdPs' responses that the SP checks.
"""

import base64
import datetime
from dataclasses import dataclass

from django import forms
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from booking import demo
from booking.spid_sp import saml
from booking.spid_sp.idps import IdentityProvider
from booking.spid_sp.keys import KeyPair, development_key_pair
from booking.spid_sp.views import demo_only

ENTITY_ID = "https://demo-idp.milano018.localhost"


@dataclass(frozen=True)
class DemoPerson:
    key: str
    label: str
    attributes: dict[str, str]


def people() -> list[DemoPerson]:
    """The demo identities: the demo family's parent and a parent imported from the ranking (booking.demo)."""
    return [
        DemoPerson(
            "famiglia",
            f"{demo.FAMILY_FIRST_NAME} {demo.FAMILY_LAST_NAME} - {demo.FAMILY_EMAIL}",
            {
                "fiscalNumber": f"TINIT-{demo.FAMILY_FISCAL_CODE}",
                "name": demo.FAMILY_FIRST_NAME,
                "familyName": demo.FAMILY_LAST_NAME,
                "email": demo.FAMILY_EMAIL,
            },
        ),
        DemoPerson(
            "graduatoria",
            f"{demo.RANKED_FIRST_NAME} {demo.RANKED_LAST_NAME} - {demo.RANKED_EMAIL}",
            {
                "fiscalNumber": f"TINIT-{demo.RANKED_FISCAL_CODE}",
                "name": demo.RANKED_FIRST_NAME,
                "familyName": demo.RANKED_LAST_NAME,
                "email": demo.RANKED_EMAIL,
            },
        ),
    ]


OUTCOMES = [
    ("19", _("Anomalia 19: troppi tentativi con credenziali errate")),
    ("20", _("Anomalia 20: credenziali di livello insufficiente")),
    ("21", _("Anomalia 21: tempo scaduto")),
    ("22", _("Anomalia 22: consenso all'invio dei dati negato")),
    ("23", _("Anomalia 23: identità sospesa o revocata")),
    ("25", _("Anomalia 25: accesso annullato dall'utente")),
    ("30", _("Anomalia 30: identità di tipo non atteso")),
    ("no_fiscal_number", _("Identità senza codice fiscale")),
]


def key_pair() -> KeyPair:
    return development_key_pair("demo-idp", "IdP dimostrativo Milano 0.18", ENTITY_ID)


def identity_provider() -> IdentityProvider:
    """The demo IdP as the SP knows it (its SSO URL is filled in from the request by the views)."""
    return IdentityProvider(ENTITY_ID, str(_("IdP dimostrativo (solo sviluppo)")), "demo", "", (key_pair().cert_b64,))


def build_response(request_id: str, acs_url: str, audience: str, level: int, outcome: str, person=None) -> bytes:
    """A SPID Response: a signed assertion for `person`, or the status of an anomaly (`outcome` 19-30)."""
    now = datetime.datetime.now(datetime.UTC)
    instant = saml.saml_instant(now)
    later = saml.saml_instant(now + datetime.timedelta(minutes=5))
    response = etree.Element(
        f"{{{saml.NS['samlp']}}}Response",
        nsmap={"samlp": saml.NS["samlp"], "saml": saml.NS["saml"]},
        ID=saml.new_id(),
        Version="2.0",
        IssueInstant=instant,
        Destination=acs_url,
        InResponseTo=request_id,
    )
    saml._el(response, "saml:Issuer", ENTITY_ID, Format=saml.ENTITY)
    status = saml._el(response, "samlp:Status")
    if outcome.isdigit():
        code = saml._el(status, "samlp:StatusCode", Value="urn:oasis:names:tc:SAML:2.0:status:Responder")
        saml._el(code, "samlp:StatusCode", Value="urn:oasis:names:tc:SAML:2.0:status:AuthnFailed")
        saml._el(status, "samlp:StatusMessage", f"ErrorCode nr{outcome}")
        return etree.tostring(response)
    saml._el(status, "samlp:StatusCode", Value=saml.SUCCESS)
    assertion_id = saml.new_id()
    assertion = etree.Element(
        f"{{{saml.NS['saml']}}}Assertion",
        nsmap={"saml": saml.NS["saml"]},
        ID=assertion_id,
        Version="2.0",
        IssueInstant=instant,
    )
    saml._el(assertion, "saml:Issuer", ENTITY_ID, Format=saml.ENTITY)
    subject = saml._el(assertion, "saml:Subject")
    saml._el(subject, "saml:NameID", saml.new_id(), Format=saml.TRANSIENT, NameQualifier=ENTITY_ID)
    confirmation = saml._el(subject, "saml:SubjectConfirmation", Method=saml.BEARER)
    saml._el(
        confirmation, "saml:SubjectConfirmationData", InResponseTo=request_id, NotOnOrAfter=later, Recipient=acs_url
    )
    conditions = saml._el(assertion, "saml:Conditions", NotBefore=instant, NotOnOrAfter=later)
    saml._el(saml._el(conditions, "saml:AudienceRestriction"), "saml:Audience", audience)
    statement = saml._el(assertion, "saml:AuthnStatement", AuthnInstant=instant, SessionIndex=saml.new_id())
    saml._el(
        saml._el(statement, "saml:AuthnContext"), "saml:AuthnContextClassRef", f"https://www.spid.gov.it/SpidL{level}"
    )
    attributes = saml._el(assertion, "saml:AttributeStatement")
    values = dict(person.attributes)
    if outcome == "no_fiscal_number":
        values.pop("fiscalNumber")
    for name, value in values.items():
        saml._el(saml._el(attributes, "saml:Attribute", Name=name), "saml:AttributeValue", value)
    keys = key_pair()
    signed = OneLogin_Saml2_Utils.add_sign(
        assertion, keys.key_pem, keys.cert_pem, sign_algorithm=C.RSA_SHA256, digest_algorithm=C.SHA256
    )
    response.append(etree.fromstring(signed))
    return etree.tostring(response)


class DemoLoginForm(forms.Form):
    SAMLRequest = forms.CharField(widget=forms.HiddenInput)
    RelayState = forms.CharField(widget=forms.HiddenInput, required=False)
    person = forms.ChoiceField(label=_("Con quale identità vuoi entrare?"), widget=forms.RadioSelect)
    outcome = forms.ChoiceField(
        label=_("Oppure simula un'anomalia"), required=False, choices=[], widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(person.key, person.label) for person in people()]
        self.fields["outcome"].choices = [("", _("Nessuna: accesso riuscito")), *OUTCOMES]


@demo_only
@require_http_methods(["GET", "POST"])
def sso(request):
    """The demo IdP's sign-in page; on POST, the page that carries the Response back to the site's ACS."""
    data = request.POST if request.method == "POST" else None
    initial = {"SAMLRequest": request.GET.get("SAMLRequest", ""), "RelayState": request.GET.get("RelayState", "")}
    form = DemoLoginForm(data, initial={**initial, "person": "famiglia", "outcome": ""})
    encoded = form.data.get("SAMLRequest") if data else initial["SAMLRequest"]
    try:
        authn = saml.read_redirect_message(encoded or "")
    except saml.ResponseRefused:
        return render(request, "spid_sp/demo_idp.html", {"form": None}, status=400)
    if data is None or not form.is_valid():
        return render(request, "spid_sp/demo_idp.html", {"form": form})
    class_ref = authn.find(f".//{{{saml.NS['saml']}}}AuthnContextClassRef")
    level = saml.LEVELS.get(class_ref.text if class_ref is not None else "", 2)
    issuer = authn.find(f"{{{saml.NS['saml']}}}Issuer")
    person = next(p for p in people() if p.key == form.cleaned_data["person"])
    acs_url = request.build_absolute_uri(reverse("spid_acs"))
    xml = build_response(
        authn.get("ID"), acs_url, issuer.text, level, form.cleaned_data["outcome"] or "success", person
    )
    context = {
        "acs_url": acs_url,
        "saml_response": base64.b64encode(xml).decode(),
        "relay_state": form.cleaned_data["RelayState"],
    }
    return render(request, "spid_sp/demo_idp_post.html", context)
