"""Mounted by allauth under /accounts/ (the provider's package urls).

Each view is imported on its first request: the SAML stack (xmlsec, python3-saml) stays out of a web
worker until someone signs in with SPID or CIE (tests/config/test_worker_imports.py).
"""

from importlib import import_module

from django.urls import path


def lazy(dotted: str, *, csrf_exempt: bool = False):
    """The view at `dotted` ("module.function"), imported when first called.

    `csrf_exempt` must repeat the real view's flag: the CSRF middleware reads it before the view is imported.
    """
    module_name, name = dotted.rsplit(".", 1)

    def view(request, *args, **kwargs):
        return getattr(import_module(module_name), name)(request, *args, **kwargs)

    view.csrf_exempt = csrf_exempt
    view.__name__ = view.__qualname__ = name
    return view


urlpatterns = [
    path("spid/metadata/", lazy("booking.spid_sp.views.metadata"), name="spid_metadata"),
    path("spid/metadata/cie/", lazy("booking.spid_sp.views.metadata"), {"cie": True}, name="spid_metadata_cie"),
    path("spid/login/", lazy("booking.spid_sp.views.login"), name="spid_login"),
    # The identity provider posts the response from its own origin: no CSRF token, the SAML checks stand in.
    path("spid/acs/", lazy("booking.spid_sp.views.acs", csrf_exempt=True), name="spid_acs"),
    path("spid/acs/fine/", lazy("booking.spid_sp.views.finish"), name="spid_finish"),
    path("spid/slo/", lazy("booking.spid_sp.views.slo"), name="spid_slo"),
    # Development only: answers 404 unless settings.SPID_DEMO_IDP (refused by production settings).
    path("spid/demo-idp/sso/", lazy("booking.spid_sp.demo_idp.sso"), name="spid_demo_idp_sso"),
]
