"""The booking module's refusals."""

from core.errors import DomainError


class BookingError(DomainError):
    """A refused booking action; `message` is Italian and safe to show, `code` names the rule."""

    code = "booking.refused"
