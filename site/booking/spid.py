"""What a SPID/CIE sign-in does to the family's records (the SAML side is booking.spid_sp).

The identity is the verified codice fiscale (`fiscalNumber`, sent as 'TINIT-<code>'): it is the
SocialAccount uid, so the same person always lands on the same account, and it is copied to the
guardian profile as verified. A guardian the City already knows by a verified code (imported from a
voucher ranking) is attached on first sign-in, with their children and vouchers; nothing is attached
by e-mail address, name or a code typed in a form.
"""

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.db import transaction

from booking.models import Guardian
from booking.spid_sp.provider import SpidProvider
from booking.validators import normalise_fiscal_code


class SpidSocialAccountAdapter(DefaultSocialAccountAdapter):
    """Attaches a SPID/CIE sign-in to the guardian with the same verified codice fiscale."""

    def pre_social_login(self, request, sociallogin):
        """First SPID sign-in of a guardian who already has an account (e.g. e-mail sign-up, then verified by
        the City's ranking): connect the identity to that account instead of creating a second one."""
        if sociallogin.is_existing or sociallogin.account.provider != SpidProvider.id:
            return
        guardian = (
            Guardian.objects.filter(
                fiscal_code=normalise_fiscal_code(sociallogin.account.uid),
                fiscal_code_verified=True,
                user__isnull=False,
            )
            .select_related("user")
            .first()
        )
        if guardian is not None:
            sociallogin.connect(request, guardian.user)

    def save_user(self, request, sociallogin, form=None):
        with transaction.atomic():
            user = super().save_user(request, sociallogin, form)
            if sociallogin.account.provider == SpidProvider.id:
                link_guardian(user, sociallogin.account.uid, sociallogin.account.extra_data.get("attributes", {}))
        return user


def _first(attributes: dict, name: str) -> str:
    values = attributes.get(name) or [""]
    return values[0] if isinstance(values, list) else str(values)


def link_guardian(user, fiscal_code: str, attributes: dict) -> Guardian:
    """Attach the verified guardian with this code to the user, creating it if the City does not know it yet.

    `fiscal_code` must come from a verified SPID/CIE identity. A guardian already attached to another
    user keeps that user (never moved by a sign-in).
    """
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
