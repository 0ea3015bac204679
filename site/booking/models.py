"""Families (guardian and children) and the voucher: calls, wallets and their append-only ledger.

A wallet's balance is never stored: it is the sum of its ledger entries, which can only be appended
(see booking.vouchers for the only code that appends them, under a lock on the wallet row).
"""

import datetime
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.validators import fiscal_code_matches_birth_date, normalise_fiscal_code, validate_fiscal_code
from home.constants import Municipio

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def cents(amount) -> Decimal:
    """SQLite sums decimals as floats (100 - 82.62 - 17.38 = -3.6e-15): every ledger sum goes through here."""
    return Decimal(amount).quantize(CENT)


MONEY = {"max_digits": 10, "decimal_places": 2}


class FiscalCodeField(models.CharField):
    """A codice fiscale, stored normalised (upper case, no spaces, no 'TINIT-' prefix)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 16)
        kwargs.setdefault("validators", [validate_fiscal_code])
        kwargs.setdefault("verbose_name", _("codice fiscale"))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_fiscal_code(value) if value else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": FiscalCodeFormField, "max_length": None, **kwargs})


class FiscalCodeFormField(forms.CharField):
    """Accepts what people type (lower case, spaces) and validates the normalised code."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"autocapitalize": "characters", "spellcheck": "false", "maxlength": "24"})

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_fiscal_code(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return normalise_fiscal_code(value) if value else value


class Guardian(models.Model):
    """The parent or guardian who signs in, applies for vouchers and books for their children.

    A guardian imported from a voucher ranking has no user until they first sign in with SPID/CIE;
    `fiscal_code_verified` says the code came from SPID/CIE or from the City's ranking, not from a form.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="guardian"
    )
    first_name = models.CharField(_("nome"), max_length=150, blank=True)
    last_name = models.CharField(_("cognome"), max_length=150, blank=True)
    fiscal_code = FiscalCodeField()
    fiscal_code_verified = models.BooleanField(_("codice fiscale verificato"), default=False)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("telefono"), max_length=30, blank=True)
    municipio = models.PositiveSmallIntegerField(_("municipio"), choices=Municipio.choices, null=True, blank=True)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        verbose_name = _("genitore")
        verbose_name_plural = _("genitori")
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["fiscal_code"])]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_code"],
                condition=Q(fiscal_code_verified=True),
                name="booking_guardian_verified_fiscal_code_unique",
                violation_error_message=_("Esiste già un genitore verificato con questo codice fiscale."),
            )
        ]

    def __str__(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return f"{name} ({self.fiscal_code})" if name else self.fiscal_code


class Child(models.Model):
    guardian = models.ForeignKey(Guardian, on_delete=models.PROTECT, related_name="children")
    first_name = models.CharField(_("nome"), max_length=150)
    birth_date = models.DateField(_("data di nascita"))
    fiscal_code = FiscalCodeField()
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornato il"), auto_now=True)

    class Meta:
        verbose_name = _("figlia o figlio")
        verbose_name_plural = _("figlie e figli")
        ordering = ["birth_date", "first_name"]
        indexes = [models.Index(fields=["fiscal_code"])]
        constraints = [
            models.UniqueConstraint(
                fields=["guardian", "fiscal_code"],
                name="booking_child_fiscal_code_unique_per_guardian",
                violation_error_message=_("Hai già registrato una figlia o un figlio con questo codice fiscale."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} ({self.fiscal_code})"

    def clean(self) -> None:
        super().clean()
        if self.birth_date and self.birth_date > timezone.localdate():
            raise ValidationError({"birth_date": _("La data di nascita non può essere nel futuro.")})
        if (
            self.birth_date
            and self.fiscal_code
            and len(normalise_fiscal_code(self.fiscal_code)) == 16
            and not fiscal_code_matches_birth_date(self.fiscal_code, self.birth_date)
        ):
            raise ValidationError(
                {"fiscal_code": _("Il codice fiscale non corrisponde alla data di nascita indicata.")}
            )


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


class AppendOnlyError(Exception):
    """Ledger entries are facts: correct a mistake with a new entry (reversal, refund), never by editing."""


class LedgerEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Ledger entries cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Ledger entries cannot be deleted.")


class LedgerEntry(models.Model):
    class Kind(models.TextChoices):
        GRANT = "grant", _("Assegnazione")
        REDEMPTION = "redemption", _("Pagamento")
        REVERSAL = "reversal", _("Storno")
        REFUND = "refund", _("Rimborso")
        EXPIRY = "expiry", _("Scadenza")

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

    objects = LedgerEntryQuerySet.as_manager()

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

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Ledger entries cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Ledger entries cannot be deleted.")
