"""SPID/CIE sign-in views: metadata, login (AuthnRequest), ACS (Response), logout, and the anomaly pages.

The ACS is reached by a cross-site POST from the IdP, which carries no session cookie (SameSite=Lax):
it keeps the Response in a short-lived login session of its own and redirects to `finish`, which runs
in the person's session, where the request it answers is remembered. Every refusal shows an Italian
page saying what happened and what to do next, with a 4xx status; nobody is signed in.
"""

import dataclasses
import logging
import secrets

from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.helpers import complete_social_login
from allauth.socialaccount.providers.base.constants import AuthProcess
from allauth.socialaccount.sessions import LoginSession
from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from lxml import etree

from booking.spid_sp import idps, saml
from booking.spid_sp.keys import sp_key_pair
from booking.validators import validate_fiscal_code

# The cookie that carries the identity provider's answer from the ACS to `finish` (the cookie statement lists it).
ACS_COOKIE = "spid-acs"
logger = logging.getLogger(__name__)

SESSION_KEY = "spid_requests"
LOGOUT_KEY = "spid_session"
MAX_PENDING = 5  # requests remembered per session (several tabs); the oldest is dropped

# Each anomaly: (HTTP status, title, what happened, what to do next). SPID codes from the Regole Tecniche.
ANOMALIES = {
    "19": (
        403,
        _("Troppi tentativi di accesso"),
        _(
            "Il tuo gestore di identità ha bloccato l'accesso perché le credenziali sono state inserite in modo "
            "errato troppe volte."
        ),
        _(
            "Attendi qualche minuto e riprova. Se non ricordi la password, recuperala sul sito del tuo gestore di"
            " identità SPID."
        ),
    ),
    "20": (
        403,
        _("La tua identità non ha il livello di sicurezza richiesto"),
        _(
            "Per l'area famiglie serve SPID di livello 2 (password e un codice temporaneo, da app o SMS): la tua "
            "identità digitale non ha ancora queste credenziali."
        ),
        _(
            "Attiva il secondo fattore di accesso presso il tuo gestore di identità, poi riprova; in alternativa "
            "accedi con la Carta d'Identità Elettronica."
        ),
    ),
    "21": (
        403,
        _("Tempo scaduto"),
        _("L'accesso non è stato completato in tempo e la richiesta è scaduta."),
        _("Riprova dall'inizio: dalla scelta del gestore hai alcuni minuti per completare l'accesso."),
    ),
    "22": (
        403,
        _("Non hai acconsentito all'invio dei dati"),
        _(
            "Il Comune ha bisogno del tuo codice fiscale, del nome, del cognome e dell'email per riconoscerti e "
            "mostrarti i voucher dei tuoi figli; l'invio non è stato autorizzato."
        ),
        _("Riprova e, quando il gestore di identità te lo chiede, acconsenti all'invio dei dati."),
    ),
    "23": (
        403,
        _("Identità digitale sospesa o revocata"),
        _(
            "Il tuo gestore di identità indica che la tua identità digitale è sospesa o revocata, oppure che le "
            "credenziali sono bloccate."
        ),
        _(
            "Contatta l'assistenza del tuo gestore di identità per riattivarla; nel frattempo puoi accedere con "
            "la Carta d'Identità Elettronica."
        ),
    ),
    "25": (
        403,
        _("Accesso annullato"),
        _("Hai annullato l'accesso sul sito del gestore di identità: nessun dato è stato inviato al Comune."),
        _("Quando vuoi, torna alla pagina di accesso e riprova."),
    ),
    "30": (
        403,
        _("Tipo di identità non accettato"),
        _(
            "Hai usato un'identità digitale per uso professionale o di una persona giuridica: l'area famiglie è "
            "riservata alle persone fisiche."
        ),
        _("Riprova con la tua identità SPID personale oppure con la Carta d'Identità Elettronica."),
    ),
    "no_fiscal_number": (
        403,
        _("Codice fiscale non ricevuto"),
        _(
            "Il gestore di identità non ha inviato un codice fiscale valido: senza di esso non possiamo "
            "riconoscerti né mostrarti i voucher dei tuoi figli. Nessun accesso è stato effettuato."
        ),
        _(
            "Riprova acconsentendo all'invio del codice fiscale. Se il problema si ripete, accedi con un altro "
            "gestore di identità o con la Carta d'Identità Elettronica."
        ),
    ),
    "malformed": (
        400,
        _("Risposta di accesso non leggibile"),
        _(
            "La risposta arrivata dal servizio di identità è vuota o non è un documento valido. Nessun accesso è "
            "stato effettuato."
        ),
        _("Torna alla pagina di accesso e riprova. Se il problema si ripete, scegli un altro gestore di identità."),
    ),
    "session": (
        400,
        _("Richiesta di accesso non trovata"),
        _(
            "Questa risposta non corrisponde a una richiesta di accesso in corso: è scaduta, è già stata usata "
            "oppure è stata avviata da un altro browser. Nessun accesso è stato effettuato."
        ),
        _("Riprova dall'inizio, dalla pagina di accesso, nello stesso browser."),
    ),
    "unknown_idp": (
        400,
        _("Gestore di identità non disponibile"),
        _("Il gestore di identità scelto non è tra quelli con cui il Comune può farti accedere in questo momento."),
        _("Torna alla pagina di accesso e scegli il tuo gestore dall'elenco."),
    ),
    "invalid": (
        403,
        _("Accesso non riuscito"),
        _(
            "La risposta del gestore di identità non ha superato i controlli di sicurezza (firma, destinatario o "
            "validità). Nessun accesso è stato effettuato."
        ),
        _(
            "Riprova dalla pagina di accesso. Se il problema si ripete, scegli un altro gestore di identità o "
            "accedi con la Carta d'Identità Elettronica."
        ),
    ),
}


def anomaly_page(request, anomaly: str) -> HttpResponse:
    """The Italian page for an anomaly (see ANOMALIES), with its 4xx status."""
    status, title, what, next_step = ANOMALIES.get(anomaly, ANOMALIES["invalid"])
    context = {
        "title": title,
        "what": what,
        "next_step": next_step,
        "spid_code": anomaly if anomaly.isdigit() else "",
        "login_url": reverse("account_login"),
    }
    return render(request, "spid_sp/anomaly.html", context, status=status)


def _endpoints(request) -> saml.Endpoints:
    return saml.Endpoints(
        acs=request.build_absolute_uri(reverse("spid_acs")), slo=request.build_absolute_uri(reverse("spid_slo"))
    )


def _resolve(request, idp: idps.IdentityProvider) -> idps.IdentityProvider:
    """The demo IdP lives on this site: its SSO URL is this host's."""
    if idp.kind == "demo":
        return dataclasses.replace(idp, sso_url=request.build_absolute_uri(reverse("spid_demo_idp_sso")))
    return idp


@require_GET
def metadata(request, cie: bool = False) -> HttpResponse:
    """The SP metadata (SPID, or CIE's variant), signed: what the City registers with AgID / the Ministry."""
    xml = saml.build_metadata(_endpoints(request), sp_key_pair(), cie=cie)
    return HttpResponse(xml, content_type="application/samlmetadata+xml; charset=utf-8")


@require_http_methods(["GET", "POST"])
def login(request) -> HttpResponse:
    """Start a sign-in with the IdP named by `idp` (entityID): a signed AuthnRequest by HTTP-Redirect."""
    params = request.POST if request.method == "POST" else request.GET
    idp = idps.get(params.get("idp", ""))
    if idp is None:
        return anomaly_page(request, "unknown_idp")
    idp = _resolve(request, idp)
    next_url = params.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    relay_state = secrets.token_urlsafe(16)
    authn = saml.build_authn_request(idp, sp_key_pair(), level=settings.SPID_LEVEL, relay_state=relay_state)
    pending = request.session.get(SESSION_KEY, {})
    pending[authn.id] = {
        "idp": idp.entity_id,
        "issue_instant": authn.issue_instant,
        "level": authn.level,
        "next": next_url,
        "relay_state": relay_state,
    }
    request.session[SESSION_KEY] = dict(list(pending.items())[-MAX_PENDING:])
    response = HttpResponseRedirect(authn.redirect_url)
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_POST
def acs(request) -> HttpResponse:
    """Assertion Consumer Service: refuse what is not a SAML document at once, carry the rest to `finish`."""
    try:
        saml.decode_response(request.POST.get("SAMLResponse", ""))
    except saml.ResponseRefused as refused:
        logger.warning("SPID ACS: %s", refused.reason)
        return anomaly_page(request, refused.anomaly)
    response = HttpResponseRedirect(reverse("spid_finish"))
    stash = LoginSession(request, "spid_acs_session", ACS_COOKIE)
    stash.store["response"] = request.POST["SAMLResponse"]
    stash.store["acs_url"] = request.build_absolute_uri()
    stash.store["request_data"] = {
        "https": "on" if request.is_secure() else "off",
        "http_host": request.get_host(),
        "script_name": request.path,
    }
    stash.save(response)
    return response


@require_GET
def finish(request) -> HttpResponse:
    """Validate the Response against the request it answers, then sign the person in (allauth)."""
    stash = LoginSession(request, "spid_acs_session", ACS_COOKIE)
    data = dict(stash.store.items())
    stash.delete()
    if not data.get("response"):
        return anomaly_page(request, "session")
    try:
        xml = saml.decode_response(data["response"])
        in_response_to = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True)).get(
            "InResponseTo"
        )
        pending = request.session.get(SESSION_KEY, {})
        state = pending.pop(in_response_to or "", None)
        request.session[SESSION_KEY] = pending  # a request is answered once: a replay finds nothing
        if state is None:
            raise saml.ResponseRefused("no pending request with this InResponseTo", "session")
        idp = idps.get(state["idp"])
        if idp is None:
            raise saml.ResponseRefused("the IdP of the request is no longer configured", "unknown_idp")
        authn = saml.AuthnRequest(in_response_to, state["issue_instant"], state["level"], "", b"")
        identity = saml.validate_response(
            xml,
            _resolve(request, idp),
            sp_key_pair(),
            request=authn,
            acs_url=data["acs_url"],
            request_data=data["request_data"],
        )
        try:
            validate_fiscal_code(identity.first("fiscalNumber"))
        except ValidationError as exc:
            raise saml.ResponseRefused("no valid fiscalNumber in the assertion", "no_fiscal_number") from exc
    except saml.ResponseRefused as refused:
        logger.warning("SPID sign-in refused: %s", refused.reason)
        return anomaly_page(request, refused.anomaly)
    provider = get_social_adapter(request).get_provider(request, "spid")
    sociallogin = provider.sociallogin_from_response(request, identity)
    sociallogin.state = {"process": AuthProcess.LOGIN, "next": state["next"] or None}
    response = complete_social_login(request, sociallogin)
    # What an IdP-initiated Single Logout names: the IdP and the transient NameID of this session.
    request.session[LOGOUT_KEY] = {"idp": identity.idp, "name_id": identity.name_id}
    return response


@require_GET
def slo(request) -> HttpResponse:
    """Single Logout (HTTP-Redirect binding, as the metadata declares).

    A LogoutRequest from the IdP must be signed by it (else 403 and nobody is signed out); it ends the local
    session when that session came from the same IdP and NameID, and is answered with a signed Success
    LogoutResponse. Anything else (a LogoutResponse, a plain visit) ends the local session and goes home.
    """
    if "SAMLRequest" not in request.GET:
        if request.user.is_authenticated:
            logout(request)
        return HttpResponseRedirect("/")
    try:
        message = saml.read_redirect_message(request.GET["SAMLRequest"])
        if message.tag != f"{{{saml.NS['samlp']}}}LogoutRequest" or not message.get("ID"):
            raise saml.ResponseRefused("not a LogoutRequest", "malformed")
        issuer = message.find(f"{{{saml.NS['saml']}}}Issuer")
        idp = idps.get((issuer.text or "").strip() if issuer is not None else "")
        if idp is None or not idp.slo_url:
            raise saml.ResponseRefused("LogoutRequest from an unknown IdP", "unknown_idp")
        if not saml.redirect_signature_is_valid(request.META.get("QUERY_STRING", ""), "SAMLRequest", idp.certificates):
            raise saml.ResponseRefused("LogoutRequest signature")
        if message.get("Destination") != request.build_absolute_uri(reverse("spid_slo")):
            raise saml.ResponseRefused("LogoutRequest Destination")
    except saml.ResponseRefused as refused:
        logger.warning("SPID logout refused: %s", refused.reason)
        return anomaly_page(request, refused.anomaly)
    name_id = message.find(f"{{{saml.NS['saml']}}}NameID")
    current = request.session.get(LOGOUT_KEY) or {}
    if current.get("idp") == idp.entity_id and name_id is not None and current.get("name_id") == name_id.text:
        logout(request)
    return HttpResponseRedirect(
        saml.build_logout_response(
            idp, sp_key_pair(), in_response_to=message.get("ID"), relay_state=request.GET.get("RelayState", "")
        )
    )


def demo_only(view):
    """The demo IdP's views answer 404 unless settings.SPID_DEMO_IDP is on (development only)."""

    def wrapped(request, *args, **kwargs):
        if not settings.SPID_DEMO_IDP:
            raise Http404
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped
