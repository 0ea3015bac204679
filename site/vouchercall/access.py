"""Who may read ISEE data: members of «Ufficio voucher» only (need to know, GDPR art. 5(1)(c)); superusers are not
members by default. Every read of an application's ISEE by staff is logged (`core.audit.log_sensitive_read`)."""

from core.audit import log_sensitive_read

OFFICE_GROUP = "Ufficio voucher"
ISEE_FIELDS = ["isee_type", "isee_value", "dsu_protocol", "isee_date"]


def in_office(user) -> bool:
    return bool(user and user.is_authenticated and user.groups.filter(name=OFFICE_GROUP).exists())


def read_isee(user, application, via: str) -> dict | None:
    """The ISEE declaration for `user`, logged; None (nothing logged) when the user is not in the office."""
    if not in_office(user):
        return None
    log_sensitive_read(user, application, ISEE_FIELDS, via)
    return {name: getattr(application, name) for name in ISEE_FIELDS}
