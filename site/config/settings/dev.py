"""Local development: DEBUG on unless the environment says otherwise, plain static storage."""

from config.env import env_bool

from .base import *  # noqa: F403
from .base import STORAGES

DEBUG = env_bool("DEBUG", True)
# Sign in "with SPID" on a laptop through the demo identity provider (booking/spid_sp/demo_idp.py).
SPID_DEMO_IDP = env_bool("SPID_DEMO_IDP", DEBUG)
# allauth's links in emails: plain http only while debugging on a laptop.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
