"""The identity providers the City accepts: the official list in idps.json, joined to the metadata loaded.

An IdP can be used only when its SAML metadata is loaded (settings.SPID_IDP_METADATA_FILES: the AgID
registry's aggregate, CIE's file, a test IdP's file), plus the demo IdP when settings.SPID_DEMO_IDP is on.
The list in idps.json gives the names shown on the access button and says which entity is CIE.
"""

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from lxml import etree

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
OFFICIAL_LIST = Path(__file__).with_name("idps.json")


@dataclass(frozen=True)
class IdentityProvider:
    """One IdP: `kind` is "spid", "cie" or "demo"; `certificates` are base64 DER signing certificates."""

    entity_id: str
    name: str
    kind: str
    sso_url: str
    certificates: tuple[str, ...]
    slo_url: str = ""


@lru_cache(maxsize=1)
def official_list() -> dict[str, tuple[str, str]]:
    """entityID -> (name, kind) from idps.json."""
    data = json.loads(OFFICIAL_LIST.read_text())
    return {entry["entity_id"]: (entry["name"], kind) for kind in ("spid", "cie") for entry in data.get(kind, [])}


def parse_metadata(xml: bytes) -> list[IdentityProvider]:
    """Every IDPSSODescriptor in a metadata document (an EntityDescriptor or an EntitiesDescriptor).

    Entities without an HTTP-Redirect SingleSignOnService or a signing certificate are skipped.
    Raises lxml.etree.XMLSyntaxError on a file that is not XML.
    """
    root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    entities = [root] if root.tag == f"{{{MD}}}EntityDescriptor" else root.iter(f"{{{MD}}}EntityDescriptor")
    found = []
    for entity in entities:
        descriptor = entity.find(f"{{{MD}}}IDPSSODescriptor")
        if descriptor is None:
            continue
        sso = [
            node.get("Location")
            for node in descriptor.findall(f"{{{MD}}}SingleSignOnService")
            if node.get("Binding") == REDIRECT
        ]
        certificates = tuple(
            "".join(node.text.split())
            for key in descriptor.findall(f"{{{MD}}}KeyDescriptor")
            if key.get("use") in (None, "signing")
            for node in key.iter(f"{{{DS}}}X509Certificate")
            if node.text
        )
        if not sso or not certificates:
            continue
        slo = [
            node.get("ResponseLocation") or node.get("Location")
            for node in descriptor.findall(f"{{{MD}}}SingleLogoutService")
            if node.get("Binding") == REDIRECT
        ]
        entity_id = entity.get("entityID")
        name, kind = official_list().get(entity_id, (None, "spid"))
        if name is None:
            display = entity.find(f"{{{MD}}}Organization/{{{MD}}}OrganizationDisplayName")
            name = display.text.strip() if display is not None and display.text else entity_id
        found.append(IdentityProvider(entity_id, name, kind, sso[0], certificates, slo[0] if slo else ""))
    return found


@lru_cache(maxsize=8)
def _load_files(files: tuple[tuple[str, float], ...]) -> tuple[IdentityProvider, ...]:
    providers = []
    for path, _mtime in files:
        providers.extend(parse_metadata(Path(path).read_bytes()))
    return tuple(providers)


def identity_providers() -> dict[str, IdentityProvider]:
    """entityID -> IdentityProvider for every IdP this site can send people to right now."""
    files = tuple((path, os.path.getmtime(path)) for path in settings.SPID_IDP_METADATA_FILES)
    providers = {idp.entity_id: idp for idp in _load_files(files)}
    if settings.SPID_DEMO_IDP:
        from booking.spid_sp import demo_idp

        idp = demo_idp.identity_provider()
        providers[idp.entity_id] = idp
    return providers


def get(entity_id: str) -> IdentityProvider | None:
    return identity_providers().get(entity_id)


def spid_providers() -> list[IdentityProvider]:
    """The SPID (and demo) IdPs, in the order of the official list; the button shuffles them (AgID)."""
    order = list(official_list())
    providers = [idp for idp in identity_providers().values() if idp.kind != "cie"]
    return sorted(providers, key=lambda idp: order.index(idp.entity_id) if idp.entity_id in order else len(order))


def cie_provider() -> IdentityProvider | None:
    return next((idp for idp in identity_providers().values() if idp.kind == "cie"), None)
