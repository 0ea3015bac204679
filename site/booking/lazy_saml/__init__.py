"""allauth's SAML URLs, with views that import the SAML stack on their first request, not at start-up.

`SpidProvider.package` names this package, so allauth mounts `booking.lazy_saml.urls` instead of
`allauth.socialaccount.providers.saml.urls`, whose views module imports python3-saml, xmlsec and lxml
(about 15 MB resident) in every web worker that loads the URLconf.
"""
