"""SPID and CIE sign-in: the City as a public SAML service provider (imported by base.py).

Everything comes from the environment; the defaults suit a laptop (a generated development key, the
demo identity provider when dev.py turns it on). What AgID requires of a public SP and where each
value goes is in site/booking/spid_sp/README.md.
"""

import os
from pathlib import Path

from config.env import env_bool, env_list

_BASE_DIR = Path(__file__).resolve().parent.parent.parent.parent

# allauth keeps the account side (SocialAccount keyed on the codice fiscale, the e-mail step); the SAML
# side (metadata, AuthnRequest, Response checks) is booking.spid_sp, an app of its own.
SOCIALACCOUNT_ADAPTER = "booking.spid.SpidSocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_UID_MAX_LENGTH = 191
SOCIALACCOUNT_PROVIDERS = {"spid": {"APPS": [{"provider_id": "spid", "client_id": "spid", "name": "SPID / CIE"}]}}

# The service provider. The entityID is an HTTPS URL without a port (AgID); key and certificate are PEM text
# or the path of a PEM file. Without them a key pair is generated once into SPID_DEV_KEY_DIR (never in
# production, which refuses to start without them when an identity provider is configured).
SPID_SP_ENTITY_ID = os.environ.get("SPID_SP_ENTITY_ID", "https://milano018.localhost/spid")
SPID_SP_PRIVATE_KEY = os.environ.get("SPID_SP_PRIVATE_KEY", "")
SPID_SP_X509_CERT = os.environ.get("SPID_SP_X509_CERT", "")
SPID_DEV_KEY_DIR = Path(os.environ.get("SPID_DEV_KEY_DIR", str(_BASE_DIR / ".spid-dev")))
# SpidL2 for families: ForceAuthn is sent with every request above level 1.
SPID_LEVEL = int(os.environ.get("SPID_LEVEL", "2"))
# Who the City is, in the metadata (Organization in Italian, ContactPerson with the IPA code).
SPID_ORGANIZATION = {
    "name": os.environ.get("SPID_ORGANIZATION_NAME", "Comune di Milano"),
    "display_name": os.environ.get("SPID_ORGANIZATION_DISPLAY_NAME", "Comune di Milano - Milano 0.18"),
    "url": os.environ.get("SPID_ORGANIZATION_URL", "https://www.comune.milano.it"),
    "ipa_code": os.environ.get("SPID_IPA_CODE", "c_f205"),
    "email": os.environ.get("SPID_CONTACT_EMAIL", "milano018@comune.milano.it"),
    "phone": os.environ.get("SPID_CONTACT_PHONE", "+390202020202"),
    # CIE asks for the municipality's cadastral code (Milano: F205).
    "municipality": os.environ.get("SPID_MUNICIPALITY", "F205"),
}
SPID_SERVICE_NAME = os.environ.get("SPID_SERVICE_NAME", "Milano 0.18 - area famiglie")

# Identity providers: their SAML metadata files (the AgID registry's aggregate, CIE's metadata), read from
# disk, comma-separated paths; never fetched while a person waits. The access button lists, from the
# official list kept in booking/spid_sp/idps.json, those whose metadata is loaded.
SPID_IDP_METADATA_FILES = env_list("SPID_IDP_METADATA_FILES", [])

# The demo identity provider (booking/spid_sp/demo_idp.py): on in development (dev.py, DEBUG), refused by
# production.py. Its key pair is generated into SPID_DEV_KEY_DIR.
SPID_DEMO_IDP = env_bool("SPID_DEMO_IDP", False)
