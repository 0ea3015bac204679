"""The voucher's data: calls, wallets and their append-only ledger, and the money helpers (EUR, cents).

A wallet's balance is never stored: it is the sum of its ledger entries, which can only be appended
(see booking.vouchers for the only code that appends them, under a lock on the wallet row).
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models.families import Child, Guardian
from core.models import AppendOnlyModel

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def cents(amount) -> Decimal:
    """SQLite sums decimals as floats (100 - 82.62 - 17.38 = -3.6e-15): every ledger sum goes through here."""
    return Decimal(amount).quantize(CENT)


MONEY = {"max_digits": 10, "decimal_places": 2}


class VoucherCall(models.Model):
    """A voucher call (avviso): its budget and the window in which its wallets can be spent."""

    name = models.CharField(_("nome"), max_length=200)
    code = models.SlugField(
        _("codice"), max_length=50, unique=True, help_text=_("Usato nella colonna «call» del file della graduatoria.")
    )
    budget = models.DecimalField(_("budget (EUR)"), max_digits=12, decimal_places=2)
    valid_from = models.DateField(_("valido dal"))
    valid_until = models.DateField(_("valido fino al"))
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)

    class Meta:
        verbose_name = _("avviso voucher")
        verbose_name_plural = _("avvisi voucher")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")),
                name="booking_vouchercall_window_ordered",
                violation_error_message=_("La fine della validità non può precedere l'inizio."),
            ),
            models.CheckConstraint(condition=Q(budget__gte=0), name="booking_vouchercall_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    def granted_total(self) -> Decimal:
        return cents(self.wallets.aggregate(total=Coalesce(Sum("value"), ZERO))["total"])


class WalletQuerySet(models.QuerySet):
    def with_balance(self):
        """Annotate the ledger sum and the expiry flag in the same query, for listings."""
        expiries = LedgerEntry.objects.filter(wallet=models.OuterRef("pk"), kind=LedgerEntry.Kind.EXPIRY)
        return self.annotate(
            balance_amount=Coalesce(Sum("entries__amount"), ZERO, output_field=models.DecimalField(**MONEY)),
            expired_flag=models.Exists(expiries),
        )


class Wallet(models.Model):
    """A child's voucher under one call, held by the guardian who applied for it."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="wallets", verbose_name=_("beneficiario"))
    holder = models.ForeignKey(Guardian, on_delete=models.PROTECT, related_name="wallets", verbose_name=_("titolare"))
    call = models.ForeignKey(VoucherCall, on_delete=models.PROTECT, related_name="wallets", verbose_name=_("avviso"))
    value = models.DecimalField(_("valore assegnato (EUR)"), **MONEY)
    valid_from = models.DateField(_("valido dal"))
    valid_until = models.DateField(_("valido fino al"))
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set and cleared only by booking.vouchers.suspend / restore (logged): a suspended wallet pays nothing.
    suspended_at = models.DateTimeField(_("sospeso il"), null=True, blank=True, editable=False)
    suspension_reason = models.CharField(_("motivo della sospensione"), max_length=255, blank=True, editable=False)

    objects = WalletQuerySet.as_manager()

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("voucher")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "child"],
                name="booking_wallet_one_per_child_per_call",
                violation_error_message=_("Questa figlia o questo figlio ha già un voucher per questo avviso."),
            ),
            models.CheckConstraint(condition=Q(value__gt=0), name="booking_wallet_value_positive"),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="booking_wallet_window_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call} — {self.child.first_name}"

    @property
    def balance(self) -> Decimal:
        """The ledger sum; listings use WalletQuerySet.with_balance() instead of this per-row query."""
        if hasattr(self, "balance_amount"):
            return cents(self.balance_amount)
        return cents(self.entries.aggregate(total=Coalesce(Sum("amount"), ZERO))["total"])

    def is_within_window(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.valid_from <= day <= self.valid_until

    @property
    def is_expired(self) -> bool:
        if hasattr(self, "expired_flag"):
            return self.expired_flag
        return self.entries.filter(kind=LedgerEntry.Kind.EXPIRY).exists()


class LedgerEntry(AppendOnlyModel):
    class Kind(models.TextChoices):
        GRANT = "grant", _("Assegnazione")
        REDEMPTION = "redemption", _("Pagamento")
        REVERSAL = "reversal", _("Storno")
        REFUND = "refund", _("Rimborso")
        EXPIRY = "expiry", _("Scadenza")
        REVOCATION = "revocation", _("Revoca")

    wallet = models.ForeignKey(Wallet, on_delete=models.PROTECT, related_name="entries", verbose_name=_("voucher"))
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(_("importo (EUR)"), **MONEY)
    original = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("pagamento stornato o rimborsato"),
    )
    idempotency_key = models.CharField(_("chiave di idempotenza"), max_length=100, null=True, blank=True)
    created_at = models.DateTimeField(_("data"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("eseguito da"),
    )
    memo = models.CharField(_("nota"), max_length=255, blank=True)

    append_only_rows = "Ledger entries"

    class Meta:
        verbose_name = _("movimento del voucher")
        verbose_name_plural = _("movimenti del voucher")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["wallet", "kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["wallet", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="booking_ledgerentry_idempotency_key_unique_per_wallet",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="grant", amount__gt=0)
                    | Q(kind="redemption", amount__lt=0)
                    | Q(kind="reversal", amount__gt=0)
                    | Q(kind="refund", amount__gt=0)
                    | Q(kind="expiry", amount__lte=0)
                    | Q(kind="revocation", amount__lt=0)
                ),
                name="booking_ledgerentry_sign_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(original__isnull=True) | Q(kind__in=["reversal", "refund"]),
                name="booking_ledgerentry_only_corrections_have_original",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} EUR"
