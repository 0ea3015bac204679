"""Settings shared by every environment. Everything that differs comes from the environment."""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.env import email_settings, env_bool, env_list

SITE_DIR = Path(__file__).resolve().parent.parent.parent
BASE_DIR = SITE_DIR.parent

SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "core",
    "home",
    "challenges",
    "news",
    "hubs",
    "calls",
    "catalog",
    "legal",
    "search",
    "theme",
    "bootstrap_italia_template",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.table_block",
    "wagtail.contrib.typed_table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "theme.middleware.CacheHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "core.middleware.DomainErrorMiddleware",
    "core.admin_guards.WagtailAdminInputGuardMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "milano018",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italiano")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# What `npm run build` writes (scripts/setup; ignored by git): the site's Bootstrap Italia script (theme/assets/).
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    # Register and message attachments: outside MEDIA_ROOT, served only by views that check who asks.
    "private": {"BACKEND": "config.private_files.PrivateFileSystemStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private"))
# Open data files written by `manage.py publish_open_data` and served at /dati-aperti/ (monitoring).
OPEN_DATA_ROOT = Path(os.environ.get("OPEN_DATA_ROOT", MEDIA_ROOT / "dati-aperti"))

_email = email_settings(os.environ.get("EMAIL_URL", "console://"))
# The real transport; EMAIL_BACKEND below only queues (the outbox block).
MAILER_EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Milano 0.18 <noreply@milano018.comune.milano.it>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

WAGTAIL_SITE_NAME = "Milano 0.18"
# Every link in an email is built from it; production refuses to start without it (see production.py).
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False
WAGTAILDOCS_EXTENSIONS = ["pdf", "odt", "docx", "xlsx", "ods", "csv", "txt", "zip"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
TAGGIT_CASE_INSENSITIVE = True

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
# Off for OpenSearch-API servers (the tests' engine included): the client then sends plain application/json.
ELASTICSEARCH_COMPAT_HEADERS = env_bool("ELASTICSEARCH_COMPAT_HEADERS", True)
# Seconds. A search waits at most this long for the cluster, then answers from the database; after a
# failure the cluster is left alone for ELASTICSEARCH_BREAKER_RESET seconds (search/README.md).
ELASTICSEARCH_CONNECT_TIMEOUT = float(os.environ.get("ELASTICSEARCH_CONNECT_TIMEOUT", "0.5"))
ELASTICSEARCH_READ_TIMEOUT = float(os.environ.get("ELASTICSEARCH_READ_TIMEOUT", "2"))
ELASTICSEARCH_BREAKER_RESET = float(os.environ.get("ELASTICSEARCH_BREAKER_RESET", "30"))
# The catalogue's alias on the cluster (indices are <alias>-<timestamp>).
ELASTICSEARCH_INDEX = os.environ.get("ELASTICSEARCH_INDEX", "milano018-catalogue")
# Every published service as a search document (catalogue_index and the index sync read it).
SEARCH_DOCUMENT_SOURCE = "catalog.search_sync.service_documents"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"django.request": {"level": "ERROR"}},
}

# --- booking: accounts (django-allauth), SPID/CIE via SAML, family area and vouchers ---------------------------
INSTALLED_APPS += [
    "booking",
    "collective",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "booking.spid_sp",
    "settlement",
    "monitoring",
]
MIDDLEWARE += ["allauth.account.middleware.AccountMiddleware"]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "booking:family"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Milano 0.18] "
# ACCOUNT_DEFAULT_HTTP_PROTOCOL follows the final DEBUG: set by dev, production and test, not here.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
# SPID/CIE sign-in (the SAML service provider, its identity providers, the demo IdP): settings/spid.py
from .spid import *  # noqa: E402, F403

BOOKING_PAYMENT_GATEWAY = os.environ.get("BOOKING_PAYMENT_GATEWAY", "booking.payments.FakeGateway")
# Working days a provider has to confirm a part paid at its desk or by bank transfer before it is flagged to the
# provider and to the City. The call's text leaves the remainder to "le modalità concordate con il gestore" and
# names no term: 10 is the project's default until the City's call fixes one (site/booking/README.md, «Paying»).
BOOKING_REMAINDER_CONFIRMATION_DAYS = int(os.environ.get("BOOKING_REMAINDER_CONFIRMATION_DAYS", "10"))
# The «Ufficio voucher» mailbox that receives overdue-payment flags and disputed cancellations ("" = none).
BOOKING_CITY_OFFICE_EMAIL = os.environ.get("BOOKING_CITY_OFFICE_EMAIL", "")
# --- end booking ------------------------------------------------------------------------------------------------

# --- vouchercall: the families' voucher call (applications, ISEE, ranking, appeals, re-ranking) -----------------
INSTALLED_APPS += ["vouchercall"]
# The ISEE check: "local" (demo, tests) or "inps_pdnd" (INPS's ISEE e-service over PDND, see vouchercall/README.md).
VOUCHERCALL_ISEE_SOURCE = os.environ.get("VOUCHERCALL_ISEE_SOURCE", "local")
VOUCHERCALL_PDND = {
    "token_url": os.environ.get("PDND_TOKEN_URL", ""),
    "client_id": os.environ.get("PDND_CLIENT_ID", ""),
    "kid": os.environ.get("PDND_KID", ""),
    "purpose_id": os.environ.get("PDND_PURPOSE_ID", ""),
    "private_key_path": os.environ.get("PDND_PRIVATE_KEY_PATH", ""),
    "isee_url": os.environ.get("INPS_ISEE_URL", ""),
    "benefit_code": os.environ.get("INPS_ISEE_BENEFIT_CODE", ""),
    "timeout": float(os.environ.get("INPS_ISEE_TIMEOUT", "10")),
}
# --- end vouchercall ---------------------------------------------------------------------------------------------

# --- email outbox (django-mailer): every message is queued in the database, sent after commit, retried by cron ---
# EMAIL_URL chooses the real transport (MAILER_EMAIL_BACKEND); EMAIL_BACKEND only queues (theme.mail.OutboxBackend).
# Cron: `manage.py send_mail` every minute and `manage.py retry_deferred` every 20 minutes (or `manage.py runmailer`).
INSTALLED_APPS += ["mailer"]
EMAIL_BACKEND = "theme.mail.OutboxBackend"
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))  # seconds: a hung SMTP server defers, never hangs
MAILER_USE_FILE_LOCK = False  # rows are taken with SELECT ... FOR UPDATE NOWAIT: safe with several senders
# Try to send right after the transaction commits (off: only the cron sends, e.g. with a slow mail relay).
OUTBOX_SEND_AFTER_COMMIT = env_bool("OUTBOX_SEND_AFTER_COMMIT", True)
# --- end email outbox ---------------------------------------------------------------------------------------------

# --- sign-in limits behind reverse proxies; staff lockout (django-axes) --------------------------------------------
# TRUSTED_PROXY_COUNT: how many reverse proxies of ours append to X-Forwarded-For (0: the header is ignored).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
ACCOUNT_ADAPTER = "config.clients.AccountAdapter"  # allauth's rate limits read config.clients.client_ip too
INSTALLED_APPS += ["axes"]
AUTHENTICATION_BACKENDS = ["config.clients.StaffSignInBackend", *AUTHENTICATION_BACKENDS]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AXES_CLIENT_IP_CALLABLE = "config.clients.client_ip"
AXES_WHITELIST_CALLABLE = "config.clients.not_a_staff_sign_in"
# Like the families' limit (allauth: 5 failures per account, 10 per address): 5 failures per account or per address.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "theme/admin_locked_out.html"
AXES_VERBOSE = False
# --- end sign-in limits ----------------------------------------------------------------------------------------------

# --- input at the edge: control characters stripped from every query string and form post (theme/input.py) --------
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.common.CommonMiddleware") + 1, "theme.input.CleanInputMiddleware")
# --- end input ---------------------------------------------------------------------------------------------------

# --- Content-Security-Policy (django-csp 4): the site's own files, nonces for inline script ---------------------
# Public pages and the family area: scripts only from 'self' or with the request's nonce (base.html's inline script);
# no inline event handlers. Styles may be inline: Bootstrap Italia's bundle injects <style> elements at run time
# (its fonts among them) and the wellbeing colours are CSS variables in style="" attributes.
# The Wagtail admin gets the one allowance its editor needs (theme.csp.SiteCSPMiddleware, CSP_ADMIN_DIRECTIVES).
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE  # noqa: E402

INSTALLED_APPS += ["csp"]
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "theme.csp.SiteCSPMiddleware")
TEMPLATES[0]["OPTIONS"]["context_processors"].append("csp.context_processors.nonce")
EMBED_ORIGINS = ["https://www.youtube.com", "https://www.youtube-nocookie.com", "https://player.vimeo.com"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF, *EMBED_ORIGINS],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}
# Directives replaced under /admin/ (theme.csp): Wagtail's page editor writes inline <script> elements in its
# form widgets, so the admin's scripts may be inline (no nonce there: it would switch 'unsafe-inline' off).
# Every other directive stays as above.
CSP_ADMIN_DIRECTIVES = {"script-src": [SELF, UNSAFE_INLINE]}
# No Gravatar in the admin: staff e-mail hashes stay here and images come only from the site.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# --- end Content-Security-Policy ---------------------------------------------------------------------------------
