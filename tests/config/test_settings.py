"""Settings from the environment: production refuses unsafe values, and the URLs configure what they name.

Starting Django in a child costs ~2 s of CPU: the checks made with the same environment share one child process
(tests/commandline.py), each step with its own exit code and output.
"""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from config.env import email_settings
from tests.commandline import run_steps
from tests.services import missing_service

ROOT = settings.BASE_DIR


def run_env(**env: str | None) -> dict[str, str]:
    """A clean environment (no DEBUG, SECRET_KEY, ... inherited from the test run), then `env` (None: left out)."""
    base = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG", "SYSTEMROOT")}
    base["PYTHONPATH"] = str(ROOT / "site")
    base.update({key: value for key, value in env.items() if value is not None})
    return base


def run_python(args: list[str], **env: str | None) -> subprocess.CompletedProcess:
    """Run Python in a clean environment (`run_env`)."""
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=run_env(**env), capture_output=True, text=True, timeout=120
    )


def production_env(**overrides: str) -> dict:
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "milano018.example",
        "DATABASE_URL": "sqlite:///:memory:",
        "WAGTAILADMIN_BASE_URL": "https://milano018.example",
    }
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


SETUP = ["-c", "import django; django.setup()"]
PRINT = "import django; django.setup(); from django.conf import settings as s; print({})"


@pytest.fixture(scope="module")
def production(tmp_path_factory) -> dict:
    """One production start (a public address given with a trailing slash, a SQLite file): Django set up, the
    email links' settings printed, then ``manage.py check --deploy``; {step name: its step}."""
    env = production_env(
        WAGTAILADMIN_BASE_URL="https://milano018.example/",
        DATABASE_URL=f"sqlite:///{tmp_path_factory.mktemp('production') / 'db.sqlite3'}",
    )
    steps = {
        "setup": SETUP[1],
        "links": PRINT.format("s.WAGTAILADMIN_BASE_URL, s.ACCOUNT_DEFAULT_HTTP_PROTOCOL"),
        "deploy check": ["check", "--deploy", "--fail-level", "WARNING"],
    }
    return dict(zip(steps, run_steps(list(steps.values()), run_env(**env)), strict=True))


def test_production_starts_with_a_real_secret_key_and_debug_off(production):
    result = production["setup"]
    assert result.returncode == 0, result.stderr


def test_production_refuses_debug_on():
    result = run_python(SETUP, **production_env(DEBUG="1"))
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


@pytest.mark.parametrize(
    "secret_key",
    [None, "", "dev-only-insecure-key-change-me", "short-but-not-default"],
    ids=["missing", "empty", "development default", "too short"],
)
def test_production_refuses_a_missing_or_default_secret_key(secret_key):
    result = run_python(SETUP, **production_env(SECRET_KEY=secret_key))
    assert result.returncode != 0
    assert "Set SECRET_KEY to a random value of at least 50 characters" in result.stderr


@pytest.mark.parametrize(
    "base_url",
    [None, "", "http://milano018.example", "milano018.example"],
    ids=["missing", "empty", "plain http", "no scheme"],
)
def test_production_refuses_to_start_without_its_public_https_address(base_url):
    result = run_python(SETUP, **production_env(WAGTAILADMIN_BASE_URL=base_url))
    assert result.returncode != 0
    assert "Set WAGTAILADMIN_BASE_URL to the site's public https address" in result.stderr


def test_production_builds_email_links_from_the_public_address(production):
    result = production["links"]
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["https://milano018.example", "https"]


#: Reads settings without ``django.setup()``: the values checked here are the settings modules' own, which the first
#: access imports (about 0.1 s of CPU in a child instead of ~2.5 s for loading every app).
READ = "from django.conf import settings as s; print({})"
REDIS_CHECK = (
    "from django.core.cache import cache;"
    "cache.set('m018:settings-test', 'ok', 30); print(cache.get('m018:settings-test'))"
)


@pytest.fixture(scope="module")
def development():
    """``development(debug)``: {step name: its step} of one child under config.settings.dev with DEBUG=`debug`
    (None: unset), run once per value for the module; each prints the allauth and cache settings. With DEBUG unset
    it also gets EMAIL_URL and a REDIS_URL (the run's, or one to a local Redis that need not answer), prints the
    email settings and, when the run has a REDIS_URL, writes and reads the Redis cache."""
    runs = {}

    def run(debug: str | None) -> dict:
        if debug not in runs:
            env = {"DJANGO_SETTINGS_MODULE": "config.settings.dev", "DEBUG": debug}
            steps = {
                "allauth": READ.format("s.DEBUG, s.ACCOUNT_DEFAULT_HTTP_PROTOCOL"),
                "cache": READ.format("s.CACHES['default']['BACKEND']"),
            }
            if debug is None:
                env["EMAIL_URL"] = "smtp://posta@mail.example:587?tls=1"
                env["REDIS_URL"] = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/1"
                steps["email"] = READ.format(
                    "s.MAILER_EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_USE_TLS,"
                    " s.EMAIL_USE_SSL, s.EMAIL_BACKEND"
                )
                if os.environ.get("REDIS_URL"):
                    steps["redis"] = REDIS_CHECK
            runs[debug] = dict(zip(steps, run_steps(list(steps.values()), run_env(**env)), strict=True))
        return runs[debug]

    return run


@pytest.mark.parametrize(("debug", "protocol"), [(None, "http"), ("1", "http"), ("0", "https")])
def test_allauth_links_follow_the_final_debug_in_development(debug, protocol, development):
    result = development(debug)["allauth"]
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(protocol == "http"), protocol]


def test_email_url_sets_each_email_setting_by_name(development):
    result = development(None)["email"]
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "mail.example",
        "587",
        "posta",
        "True",
        "False",
        "theme.mail.OutboxBackend",
    ]


def test_settings_modules_assign_every_name_explicitly():
    for module in (ROOT / "site" / "config" / "settings").glob("*.py"):
        assert "globals()" not in module.read_text(), module.name


def test_deploy_check_reports_nothing_in_a_production_like_environment(production):
    result = production["deploy check"]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_smtp_url_with_starttls():
    config = email_settings("smtp://notifiche%40comune.example:s3gr%2Ft0@mail.comune.example:587?tls=1")
    assert config == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.comune.example",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "notifiche@comune.example",
        "EMAIL_HOST_PASSWORD": "s3gr/t0",
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": True,
    }


def test_smtps_url_uses_implicit_tls_on_port_465():
    config = email_settings("smtps://user:password@mail.comune.example")
    assert config["EMAIL_PORT"] == 465
    assert config["EMAIL_USE_SSL"] is True
    assert config["EMAIL_USE_TLS"] is False


def test_plain_smtp_defaults_to_port_25_without_tls():
    config = email_settings("smtp://relay.comune.example")
    assert (config["EMAIL_PORT"], config["EMAIL_USE_TLS"], config["EMAIL_USE_SSL"]) == (25, False, False)
    assert config["EMAIL_HOST_USER"] == ""


def test_console_url_prints_mail():
    assert email_settings("console://") == {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}


def test_an_unknown_email_scheme_is_a_clear_error():
    with pytest.raises(ValueError, match=r"EMAIL_URL: unsupported scheme 'ftp'.*use one of console://"):
        email_settings("ftp://mail.comune.example")


def test_a_bad_email_url_stops_the_start_with_that_message():
    result = run_python(SETUP, **production_env(EMAIL_URL="sendmail://localhost"))
    assert result.returncode != 0
    assert "EMAIL_URL: unsupported scheme 'sendmail'" in result.stderr


def test_redis_url_switches_the_cache_to_django_redis(development):
    result = development(None)["cache"]
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django_redis.cache.RedisCache"


def test_without_redis_url_the_cache_is_local_memory(development):
    result = development("1")["cache"]
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.cache.backends.locmem.LocMemCache"


def test_the_redis_cache_stores_and_reads_back(development):
    if not os.environ.get("REDIS_URL"):
        missing_service("REDIS_URL is not set: scripts/services starts Redis on 127.0.0.1")
    result = development(None)["redis"]
    assert result.stdout.strip() == "ok", result.stderr


def test_production_refuses_private_files_inside_media_root(tmp_path):
    result = run_python(
        SETUP, **production_env(MEDIA_ROOT=str(tmp_path / "media"), PRIVATE_MEDIA_ROOT=str(tmp_path / "media" / "x"))
    )
    assert result.returncode != 0
    assert "PRIVATE_MEDIA_ROOT must be outside MEDIA_ROOT" in result.stderr
