"""The booking module's models, split along the domain; every name is re-exported so `booking.models.X` keeps working.

- `families`: Guardian, Child and the FiscalCodeField they use
- `vouchers`: VoucherCall, Wallet and the append-only LedgerEntry, with the money helpers (ZERO, CENT, cents)
- `marketplace`: ServiceRequest, Quote, Order, Payment, Cancellation, Message, Rating

Migrations refer to `booking.models.FiscalCodeField` and `booking.models.attachment_path`: keep both here.
`AppendOnlyError` (from core.errors) stays importable from here, as it was before the split.
"""

from booking.models.families import Child, FiscalCodeField, FiscalCodeFormField, Guardian
from booking.models.marketplace import (
    Cancellation,
    Message,
    Order,
    Payment,
    Quote,
    Rating,
    ServiceRequest,
    StatefulModel,
    attachment_path,
)
from booking.models.vouchers import (
    CENT,
    MONEY,
    ZERO,
    LedgerEntry,
    VoucherCall,
    Wallet,
    WalletQuerySet,
    cents,
)
from core.errors import AppendOnlyError

__all__ = [
    "CENT",
    "MONEY",
    "ZERO",
    "AppendOnlyError",
    "Cancellation",
    "Child",
    "FiscalCodeField",
    "FiscalCodeFormField",
    "Guardian",
    "LedgerEntry",
    "Message",
    "Order",
    "Payment",
    "Quote",
    "Rating",
    "ServiceRequest",
    "StatefulModel",
    "VoucherCall",
    "Wallet",
    "WalletQuerySet",
    "attachment_path",
    "cents",
]
