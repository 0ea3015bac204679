"""Template filters of the settlement screens."""

from django import template

from booking.vouchers import wallet_code as _wallet_code
from settlement.models import Statement

register = template.Library()


@register.filter
def wallet_code(wallet) -> str:
    """The wallet's protocol code (booking.vouchers.wallet_code), shown instead of the child's name."""
    return _wallet_code(wallet)


@register.filter
def statement_state(code: str) -> str:
    """The Italian label of a statement state code ("sent_back" → «Rinviato all'ente»)."""
    return str(dict(Statement.State.choices).get(code, code))


@register.filter
def action_label(code: str) -> str:
    """The Italian label of an audit action code (core.audit.action_label)."""
    from core.audit import action_label as label

    return label(code)
