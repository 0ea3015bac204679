"""Test runs: fast hashing, in-memory email, plain static storage, no stale cache between tests."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import STORAGES

DEBUG = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests that exercise the outbox set EMAIL_BACKEND = "theme.mail.OutboxBackend"; it then delivers here.
MAILER_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
WAGTAILADMIN_BASE_URL = "http://testserver"
# Private uploads of test runs go to the system's temporary folder, never into the working tree.
PRIVATE_MEDIA_ROOT = Path(tempfile.gettempdir()) / "milano018-test-private"
OPEN_DATA_ROOT = Path(tempfile.gettempdir()) / "milano018-test-open-data"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # Test databases are thrown away after the run: no commit waits for its WAL to reach the disk (each one
    # waited ~5 ms on the shared CI machine). A crash could only lose the last commits, never corrupt data.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405
    if DATABASES["default"]["HOST"] in ("127.0.0.1", "localhost", "::1"):  # noqa: F405
        # No TLS to a server on this machine (Debian's cluster has ssl=on, so libpq's "prefer" encrypted every
        # test connection and query): a handshake cost ~2 ms of the client's CPU and ~3 ms of the server's per
        # connection, then every byte was encrypted twice. The login still checks the password (scram).
        DATABASES["default"]["OPTIONS"].setdefault("sslmode", "disable")  # noqa: F405
