"""A web worker starts without the libraries only some requests need: PDF parsing and the SAML stack."""

import json
import subprocess
import sys
from pathlib import Path

from allauth.socialaccount.providers.saml import views as allauth_saml_views
from django.urls import resolve, reverse

from booking.lazy_saml.urls import VIEWS

ROOT = Path(__file__).resolve().parent.parent.parent
LAZY_LIBRARIES = ("pypdf", "onelogin", "xmlsec", "allauth.socialaccount.providers.saml.views")

BOOT = """
import json, sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in {"pypdf", "onelogin", "xmlsec"}
      or name == "allauth.socialaccount.providers.saml.views")))
"""


def test_loading_the_urlconf_imports_neither_pypdf_nor_the_saml_stack():
    result = subprocess.run(
        [sys.executable, "-c", BOOT],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PYTHONPATH": f"{ROOT / 'site'}:{ROOT}"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_the_lazy_saml_views_keep_the_csrf_and_login_attributes_of_allauths_views():
    for name, exempt in VIEWS.items():
        real = getattr(allauth_saml_views, name)
        url = reverse(f"saml_{name}", args=["spid"])
        stand_in = resolve(url).func
        assert getattr(stand_in, "csrf_exempt", False) == getattr(real, "csrf_exempt", False) == exempt, name
        assert stand_in.login_required is getattr(real, "login_required", True) is False, name


def test_the_saml_urls_keep_allauths_paths():
    assert reverse("saml_acs", args=["spid"]) == "/accounts/saml/spid/acs/"
    assert reverse("saml_finish_acs", args=["spid"]) == "/accounts/saml/spid/acs/finish/"
    assert reverse("saml_sls", args=["spid"]) == "/accounts/saml/spid/sls/"
    assert reverse("saml_metadata", args=["spid"]) == "/accounts/saml/spid/metadata/"
    assert reverse("saml_login", args=["spid"]) == "/accounts/saml/spid/login/"
