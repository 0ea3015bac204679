"""Refusals of the collective-voucher programme (a `core.errors.DomainError`: Italian message, dotted code)."""

from core.errors import DomainError


class CollectiveError(DomainError):
    """A refused step of the collective-voucher call: `code` is "collective.<what>"."""

    code = "collective.refused"
