"""A provider's operators: the users of its own group. Its administrators invite and remove them.

Every operator of a provider receives the booking's request and order emails (`catalog.facts.
provider_operator_emails`) and works on the provider's requests, sheets and statements. An invitation creates the
account with no usable password and emails a set-password link; each invitation and removal is logged
(`core.audit`, on the provider page). Errors are ValidationError (Italian message) or PermissionDenied.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from catalog.models import ProviderAdministrator, ProviderPage
from catalog.workflow import grant_provider_permissions
from core.audit import log_action
from theme.mail import send_email


def administered_providers(user):
    """The provider pages `user` administers (every provider for a superuser, none for anyone else), by title.
    An administrator removed from the provider's group administers it no more."""
    if not getattr(user, "is_authenticated", False):
        return ProviderPage.objects.none()
    providers = ProviderPage.objects.order_by("title", "pk")
    if user.is_superuser:
        return providers
    return providers.filter(administrators__user=user, group__user=user).distinct()


def administers(user, provider: ProviderPage) -> bool:
    return administered_providers(user).filter(pk=provider.pk).exists()


def operators(provider: ProviderPage) -> list:
    """The provider's operators (active or not), by surname and name, each with `is_provider_admin` set."""
    if provider.group_id is None:
        return []
    admins = set(ProviderAdministrator.objects.filter(provider=provider).values_list("user_id", flat=True))
    users = list(get_user_model().objects.filter(groups=provider.group_id).order_by("last_name", "first_name", "pk"))
    for user in users:
        user.is_provider_admin = user.pk in admins
    return users


def _check_admin(by, provider: ProviderPage) -> None:
    if not administers(by, provider):
        raise PermissionDenied


def _username(email: str) -> str:
    from catalog.register import _unique_username

    return _unique_username(email.split("@")[0])


def invite(provider: ProviderPage, by, *, email: str, first_name: str, last_name: str, admin: bool = False):
    """Create an operator account for `provider` (in its group; also an administrator if `admin`) and, after
    commit, email it a set-password link. Returns the new user.

    Raises PermissionDenied if `by` does not administer the provider, ValidationError if an account already uses
    this email (the City links existing accounts by hand: one person, one account)."""
    _check_admin(by, provider)
    email = get_user_model().objects.normalize_email(email.strip()).lower()
    User = get_user_model()
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(
                _(
                    "Esiste già un account con l'email %(email)s: se deve lavorare per l'ente, scrivete alla "
                    "Redazione del Comune."
                )
                % {"email": email}
            )
        group = grant_provider_permissions(provider)
        user = User.objects.create_user(
            username=_username(email), email=email, first_name=first_name.strip(), last_name=last_name.strip()
        )
        user.set_unusable_password()
        user.save()
        user.groups.add(group)
        if admin:
            ProviderAdministrator.objects.create(provider=provider, user=user)
        log_action(by, "catalog.provider.operator_invited", provider, {"user": user.pk, "administrator": admin})
        transaction.on_commit(lambda: _send_invitation(provider, user, by))
    return user


def remove(provider: ProviderPage, by, user) -> None:
    """Take `user` off the provider's operators (and administrators); an account left with no group is
    deactivated. Logged. Raises PermissionDenied if `by` does not administer the provider, ValidationError if
    `by` removes themself (another administrator must: so a provider always keeps one) or `user` is not one of
    its operators."""
    _check_admin(by, provider)
    if user.pk == by.pk:
        raise ValidationError(_("Non potete togliere voi stessi: chiedete a un altro amministratore dell'ente."))
    with transaction.atomic():
        if provider.group_id is None or not user.groups.filter(pk=provider.group_id).exists():
            raise ValidationError(_("Questa persona non è un operatore dell'ente."))
        user.groups.remove(provider.group_id)
        ProviderAdministrator.objects.filter(provider=provider, user=user).delete()
        deactivated = not user.groups.exists() and not user.is_superuser
        if deactivated:
            user.is_active = False
            user.save(update_fields=["is_active"])
        log_action(by, "catalog.provider.operator_removed", provider, {"user": user.pk, "deactivated": deactivated})


def _send_invitation(provider: ProviderPage, user, by) -> None:
    from catalog.register import _site_name, set_password_url

    context = {
        "provider": provider,
        "user": user,
        "by": by,
        "link": set_password_url(user),
        "site_name": _site_name(),
    }
    send_email(
        _("Milano 0.18: invito a operare per %(provider)s") % {"provider": provider.title},
        render_to_string("catalog/emails/operator_invitation.txt", context),
        [user.email],
    )
