"""The allauth provider of SPID/CIE: turns a verified Identity (saml.Identity) into a SocialLogin.

allauth finds it because booking.spid_sp is an installed app; its URLs are this package's urls.py.
The SocialAccount uid is the codice fiscale (fiscalNumber without 'TINIT-'), so the same person always
lands on the same account whichever IdP they use. views.py refuses an identity without a valid one
before it ever reaches here.
"""

from allauth.socialaccount.providers.base import Provider, ProviderAccount
from django.urls import reverse
from django.utils.http import urlencode

from booking.validators import normalise_fiscal_code


class SpidAccount(ProviderAccount):
    def to_str(self) -> str:
        return self.account.uid


class SpidProvider(Provider):
    id = "spid"
    name = "SPID / CIE"
    account_class = SpidAccount
    supports_redirect = False

    def get_login_url(self, request, **kwargs) -> str:
        url = reverse("spid_login")
        return f"{url}?{urlencode(kwargs)}" if kwargs else url

    def extract_uid(self, data) -> str:
        return normalise_fiscal_code(data.first("fiscalNumber"))

    def extract_extra_data(self, data) -> dict:
        return {"attributes": data.attributes, "idp": data.idp, "level": data.level}

    def extract_common_fields(self, data) -> dict:
        fields = {"first_name": data.first("name"), "last_name": data.first("familyName")}
        if data.first("email"):
            # SPID identity providers release only an e-mail address they have verified.
            fields["email"] = data.first("email")
            fields["email_verified"] = True
        return fields

    def extract_email_addresses(self, data) -> list:
        from allauth.account.models import EmailAddress

        email = data.first("email")
        return [EmailAddress(email=email, verified=True, primary=True)] if email else []


provider_classes = [SpidProvider]
