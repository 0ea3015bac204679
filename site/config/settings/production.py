"""Production: refuses to start with DEBUG on, without a real secret key or without its public address; HTTPS."""

import os
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool

from .base import *  # noqa: F403
from .base import (
    DEBUG,
    MEDIA_ROOT,
    PRIVATE_MEDIA_ROOT,
    SECRET_KEY,
    SPID_DEMO_IDP,
    SPID_IDP_METADATA_FILES,
    SPID_SP_ENTITY_ID,
    SPID_SP_PRIVATE_KEY,
)

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")
if not SECRET_KEY or SECRET_KEY.startswith("dev-only") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set SECRET_KEY to a random value of at least 50 characters.")
if PRIVATE_MEDIA_ROOT.resolve().is_relative_to(MEDIA_ROOT.resolve()):
    raise ImproperlyConfigured("PRIVATE_MEDIA_ROOT must be outside MEDIA_ROOT: private files would be public.")
if SPID_DEMO_IDP:
    raise ImproperlyConfigured("SPID_DEMO_IDP is for development only: the demo identity provider signs anyone in.")
if SPID_IDP_METADATA_FILES and not (SPID_SP_PRIVATE_KEY and SPID_SP_ENTITY_ID.startswith("https://")):
    raise ImproperlyConfigured("SPID needs SPID_SP_ENTITY_ID (https, no port) and the SP's key and certificate.")
# Links in emails (invitations, password resets, notifications) are built from the public address: a default
# here would send people to 127.0.0.1, so it must come from the environment.
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "").strip().rstrip("/")
_base_url = urlparse(WAGTAILADMIN_BASE_URL)
if _base_url.scheme != "https" or not _base_url.netloc:
    raise ImproperlyConfigured(
        "Set WAGTAILADMIN_BASE_URL to the site's public https address (e.g. https://milano018.comune.milano.it): "
        "links in emails are built from it."
    )

ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
