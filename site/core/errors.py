"""The one family of domain refusals: every "no" the site says to a person is a DomainError.

A DomainError carries a user-safe Italian `message` (shown as is on pages and in the JSON API) and a
machine `code` (stable, dotted, English: "voucher.insufficient_balance"). Views catch DomainError, never a
tuple of unrelated classes; the JSON API answers `{"error": {"code": ..., "message": ...}}` with `status`.
"""

from django.contrib import messages
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A refused operation. `message`: Italian, safe to show; `code`: machine-readable; `status`: HTTP status."""

    code = "domain.refused"
    status = 409
    default_message = _("Operazione non consentita.")

    def __init__(self, message=None, *, code: str | None = None):
        self.message = message or self.default_message
        if code:
            self.code = code
        super().__init__(str(self.message))

    def as_json(self) -> dict:
        """The API's error body: {"error": {"code": "voucher.expired", "message": "Il voucher è scaduto ..."}}."""
        return {"error": {"code": self.code, "message": str(self.message)}}


def act(request, action, success: str):
    """Run `action()` for a view and tell the person the outcome as a Django message: `success` (Italian) when it
    ran, the refusal's Italian message when it raised a DomainError (which changed nothing). Returns what the
    action returned, None when it was refused; any other exception propagates."""
    try:
        result = action()
    except DomainError as error:
        messages.error(request, error.message)
        return None
    messages.success(request, success)
    return result


class AppendOnlyError(RuntimeError):
    """A programming error, not a refusal: facts (ledger entries, audit entries) are never edited or deleted."""
