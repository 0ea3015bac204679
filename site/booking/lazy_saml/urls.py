"""The same URL names and paths as `allauth.socialaccount.providers.saml.urls`; each view is imported when called.

CsrfViewMiddleware and allauth's login-required checks read attributes of the resolved callback before
it runs, so each stand-in carries the attributes of allauth's view (`csrf_exempt` on ACS and SLS,
`login_required = False` on all five), checked against allauth's own views by the tests.
"""

from django.urls import include, path, re_path

#: allauth's view name -> whether allauth exempts it from CSRF (the identity provider POSTs to it).
VIEWS = {"acs": True, "finish_acs": False, "sls": True, "metadata": False, "login": False}


def lazy_view(name: str):
    """A view that imports allauth's SAML view `name` on its first call and hands the request to it."""

    def view(request, *args, **kwargs):
        from allauth.socialaccount.providers.saml import views

        return getattr(views, name)(request, *args, **kwargs)

    view.__name__ = view.__qualname__ = name
    view.login_required = False
    if VIEWS[name]:
        view.csrf_exempt = True
    return view


urlpatterns = [
    re_path(
        r"^saml/(?P<organization_slug>[^/]+)/",
        include(
            [
                path("acs/", lazy_view("acs"), name="saml_acs"),
                path("acs/finish/", lazy_view("finish_acs"), name="saml_finish_acs"),
                path("sls/", lazy_view("sls"), name="saml_sls"),
                path("metadata/", lazy_view("metadata"), name="saml_metadata"),
                path("login/", lazy_view("login"), name="saml_login"),
            ]
        ),
    )
]
