"""A web worker starts without the libraries only some requests need: PDF parsing and the SAML stack.

The check of a fresh start (`BOOT`) needs a Django start of its own, ~2.5 s of CPU: it is the first step of the child
that tests/config/test_commands.py starts for the commands' --help, where
`test_loading_the_urlconf_imports_neither_pypdf_nor_the_saml_stack` reads it.
"""

#: Python source: Django set up and the URLconf loaded in a fresh interpreter, then the modules of the libraries
#: that only some requests need which are already imported, as a JSON list on the last line (expected: none).
BOOT = """
import json, sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in {"pypdf", "onelogin", "xmlsec"}
      or name in {"booking.spid_sp.views", "booking.spid_sp.saml"})))
"""


def test_the_lazy_spid_views_keep_the_csrf_flag_of_the_real_views():
    from django.urls import get_resolver

    from booking.spid_sp import views

    patterns = {p.name: p.callback for p in get_resolver("booking.spid_sp.urls").url_patterns}
    assert patterns["spid_acs"].csrf_exempt is views.acs.csrf_exempt is True
    assert not getattr(patterns["spid_login"], "csrf_exempt", False)
    assert not getattr(views.login, "csrf_exempt", False)
