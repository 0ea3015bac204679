"""Who may see and do what with statements and vouchers.

- A provider's operators (users in the provider page's own group) see and build their provider's statements.
- City staff with `settlement.manage_statements` see every statement and decide on them (approve, send back,
  paid, accounted); «Ufficio voucher» has it, and `settlement.manage_vouchers` for the voucher back office.
- Anyone else (a family) sees none.
"""

from catalog.facts import providers_for_user

UFFICIO_VOUCHER = "Ufficio voucher"


def provider_ids(user) -> list[int]:
    """The provider pages this user works for (`catalog.facts.providers_for_user`: their own group, tied by key;
    every provider for a superuser); none for anonymous users."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [provider.id for provider in providers_for_user(user)]


def manages_statements(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm("settlement.manage_statements"))


def manages_vouchers(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm("settlement.manage_vouchers"))


def visible_statements(user):
    """The statements this user may read: all for the City, their providers' for operators, none otherwise."""
    from settlement.models import Statement

    if manages_statements(user):
        return Statement.objects.all()
    return Statement.objects.filter(provider_id__in=provider_ids(user))


def works_for(user, provider_id: int) -> bool:
    return provider_id in provider_ids(user)
