"""The refusal every step of the call raises."""

from django.utils.translation import gettext_lazy

from core.errors import DomainError


class VoucherCallError(DomainError):
    """A refused step of the call; `message` is Italian and safe to show."""

    code = "vouchercall.refused"
    default_message = gettext_lazy("Operazione non consentita per questo bando.")
