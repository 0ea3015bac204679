"""A web worker starts without the libraries only some requests need: PDF parsing and the SAML stack."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

BOOT = """
import json, sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in {"pypdf", "onelogin", "xmlsec"}
      or name in {"booking.spid_sp.views", "booking.spid_sp.saml"})))
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


def test_the_lazy_spid_views_keep_the_csrf_flag_of_the_real_views():
    from django.urls import get_resolver

    from booking.spid_sp import views

    patterns = {p.name: p.callback for p in get_resolver("booking.spid_sp.urls").url_patterns}
    assert patterns["spid_acs"].csrf_exempt is views.acs.csrf_exempt is True
    assert not getattr(patterns["spid_login"], "csrf_exempt", False)
    assert not getattr(views.login, "csrf_exempt", False)
