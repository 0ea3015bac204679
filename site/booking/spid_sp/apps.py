from django.apps import AppConfig


class SpidSpConfig(AppConfig):
    """The SAML service provider of SPID/CIE sign-in; allauth finds its provider in `provider.py`."""

    name = "booking.spid_sp"
    label = "spid_sp"
    verbose_name = "SPID / CIE"
