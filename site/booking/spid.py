"""SPID/CIE sign-in through the City's SAML identity broker, on top of allauth's SAML provider.

The identity is the codice fiscale (`fiscalNumber`, sent as 'TINIT-<code>'): it is the SAML uid,
so the same person always lands on the same account, and it is copied to the guardian profile as
verified. A guardian imported from a voucher ranking (no account yet) is claimed on first sign-in.
"""

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.saml.provider import SAMLProvider
from django.conf import settings
from django.db import transaction

from booking.models import Guardian
from booking.validators import normalise_fiscal_code


class SpidProvider(SAMLProvider):
    package = "booking.lazy_saml"  # allauth mounts the URLs of the provider's package: the SAML stack loads lazily

    def extract_uid(self, data) -> str:
        return normalise_fiscal_code(super().extract_uid(data))

    def extract_common_fields(self, data) -> dict:
        fields = super().extract_common_fields(data)
        if fields.get("email") and self.app.settings.get("trust_email"):
            # The broker only releases an email address that the identity provider has verified.
            fields["email_verified"] = True
        return fields


def spid_is_configured() -> bool:
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("saml", {}).get("APPS") or [{}]
    idp = apps[0].get("settings", {}).get("idp", {})
    return bool(idp.get("entity_id") and (idp.get("metadata_url") or (idp.get("sso_url") and idp.get("x509cert"))))


class SpidSocialAccountAdapter(DefaultSocialAccountAdapter):
    def save_user(self, request, sociallogin, form=None):
        with transaction.atomic():
            user = super().save_user(request, sociallogin, form)
            if sociallogin.account.provider == SpidProvider.id:
                link_guardian(user, sociallogin.account.uid, sociallogin.account.extra_data)
        return user


def _first(attributes: dict, name: str) -> str:
    values = attributes.get(name) or [""]
    return values[0] if isinstance(values, list) else str(values)


def link_guardian(user, fiscal_code: str, attributes: dict) -> Guardian:
    """Attach the verified guardian with this code to the user, creating it if the City does not know it yet."""
    fiscal_code = normalise_fiscal_code(fiscal_code)
    guardian = Guardian.objects.select_for_update().filter(fiscal_code=fiscal_code, fiscal_code_verified=True).first()
    if guardian is None:
        guardian = Guardian(fiscal_code=fiscal_code, fiscal_code_verified=True)
    if guardian.user_id is None:
        guardian.user = user
    guardian.first_name = _first(attributes, "name") or guardian.first_name or user.first_name
    guardian.last_name = _first(attributes, "familyName") or guardian.last_name or user.last_name
    guardian.email = guardian.email or user.email
    guardian.save()
    return guardian
