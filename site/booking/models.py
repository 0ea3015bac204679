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
from config.private_files import PrivateFileField
from core.errors import AppendOnlyError
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
    # The services in the family's selection (ServicePage ids, in the order added): kept here as well as in the
    # session, so that signing out and back in, or on another device, finds the same selection (booking.selection).
    saved_selection = models.JSONField(_("selezione salvata"), default=list, blank=True)
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


# --- Marketplace: requests, quotes, orders, payments, messages, ratings ---------------------------------------------


class StatefulModel(models.Model):
    """A model whose `state` only changes through booking.transitions.transition().

    `save()` on an existing row never writes `state`: a caller that sets it and saves changes nothing, so the
    allowed-transitions table and the log cannot be bypassed by accident.
    """

    state_changed_at = models.DateTimeField(_("ultimo cambio di stato"), default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name not in ("state",)
            ]
        elif kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = [name for name in kwargs["update_fields"] if name != "state"]
        super().save(*args, **kwargs)


class ServiceRequest(StatefulModel):
    class State(models.TextChoices):
        SENT = "sent", _("Inviata")
        QUOTED = "quoted", _("Preventivo ricevuto")
        DECLINED = "declined", _("Rifiutata dall'ente")
        EXPIRED = "expired", _("Scaduta")
        WITHDRAWN = "withdrawn", _("Ritirata")

    guardian = models.ForeignKey(Guardian, on_delete=models.PROTECT, related_name="requests")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="requests", verbose_name=_("per"))
    service = models.ForeignKey(
        "catalog.ServicePage", on_delete=models.PROTECT, related_name="booking_requests", verbose_name=_("servizio")
    )
    provider = models.ForeignKey(
        "catalog.ProviderPage", on_delete=models.PROTECT, related_name="booking_requests", verbose_name=_("ente")
    )
    state = models.CharField(_("stato"), max_length=20, choices=State.choices, default=State.SENT)
    preferred_start = models.DateField(_("inizio preferito"))
    preferred_end = models.DateField(_("fine preferita"), null=True, blank=True)
    preferred_days = models.CharField(_("giorni preferiti"), max_length=40, blank=True)
    message = models.TextField(_("messaggio"), blank=True)
    decline_reason = models.TextField(_("motivo del rifiuto"), blank=True)
    created_at = models.DateTimeField(_("inviata il"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("richiesta")
        verbose_name_plural = _("richieste")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["provider", "state", "created_at"]),
            models.Index(fields=["guardian", "state", "created_at"]),
            models.Index(fields=["state", "created_at"]),
        ]
        constraints = [
            # One request awaiting the provider per service and child: resending cannot pile up copies.
            models.UniqueConstraint(
                fields=["service", "child"],
                condition=Q(state="sent"),
                name="booking_request_one_open_per_service_and_child",
                violation_error_message=_("C'è già una richiesta in attesa di risposta per questo servizio."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.service.title} — {self.child.first_name}"

    def preferred_day_labels(self) -> list[str]:
        from home.constants import Weekday

        chosen = {int(d) for d in self.preferred_days.split(",") if d}
        return [str(label) for value, label in Weekday.choices if value in chosen]


class Quote(StatefulModel):
    class State(models.TextChoices):
        OFFERED = "offered", _("Da decidere")
        ACCEPTED = "accepted", _("Accettato")
        REJECTED = "rejected", _("Rifiutato")
        EXPIRED = "expired", _("Scaduto")

    request = models.OneToOneField(ServiceRequest, on_delete=models.PROTECT, related_name="quote")
    state = models.CharField(_("stato"), max_length=20, choices=State.choices, default=State.OFFERED)
    price = models.DecimalField(_("prezzo (EUR)"), **MONEY)
    start_date = models.DateField(_("data di inizio"))
    schedule = models.CharField(_("orario"), max_length=255)
    notes = models.TextField(_("note"), blank=True)
    valid_until = models.DateField(_("valido fino al"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("inviato il"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("preventivo")
        verbose_name_plural = _("preventivi")
        indexes = [models.Index(fields=["state", "valid_until"])]
        constraints = [models.CheckConstraint(condition=Q(price__gte=0), name="booking_quote_price_not_negative")]

    def __str__(self) -> str:
        return f"{_('Preventivo')} {self.price} EUR"


class Order(StatefulModel):
    class State(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", _("Da pagare")
        PAID = "paid", _("Pagato")
        COMPLETED = "completed", _("Concluso")
        CANCELLED = "cancelled", _("Annullato")

    quote = models.OneToOneField(Quote, on_delete=models.PROTECT, related_name="order")
    guardian = models.ForeignKey(Guardian, on_delete=models.PROTECT, related_name="orders")
    provider = models.ForeignKey("catalog.ProviderPage", on_delete=models.PROTECT, related_name="booking_orders")
    state = models.CharField(_("stato"), max_length=20, choices=State.choices, default=State.AWAITING_PAYMENT)
    price = models.DecimalField(_("prezzo (EUR)"), **MONEY)
    created_at = models.DateTimeField(_("creato il"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("acquisto")
        verbose_name_plural = _("acquisti")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["guardian", "state", "created_at"]),
            models.Index(fields=["provider", "state"]),
        ]

    def __str__(self) -> str:
        return f"{_('Acquisto')} #{self.pk}"

    @property
    def request(self) -> ServiceRequest:
        return self.quote.request

    def voucher_paid(self) -> Decimal:
        """What the voucher paid, net of reversals and refunds: read from the ledger, never stored."""
        entries = LedgerEntry.objects.filter(
            Q(order_payments__order=self) | Q(original__order_payments__order=self)
        ).distinct()
        return -cents(entries.aggregate(total=Coalesce(Sum("amount"), ZERO))["total"])

    def provider_paid(self) -> Decimal:
        confirmed = self.payments.exclude(method=Payment.Method.VOUCHER).filter(status=Payment.Status.CONFIRMED)
        return cents(confirmed.aggregate(total=Coalesce(Sum("amount"), ZERO))["total"])

    def amount_paid(self) -> Decimal:
        return self.voucher_paid() + self.provider_paid()


class Payment(models.Model):
    """One part of an order's payment: the voucher part (a ledger redemption) or the remainder to the provider."""

    class Method(models.TextChoices):
        VOUCHER = "voucher", _("Voucher Milano 0.18")
        AT_PROVIDER = "at_provider", _("Presso l'ente")
        BANK_TRANSFER = "bank_transfer", _("Bonifico bancario")
        CARD = "card", _("Carta di pagamento")

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confermato")
        FAILED = "failed", _("Non riuscito")
        REVERSED = "reversed", _("Stornato")
        REFUNDED = "refunded", _("Rimborsato")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(_("metodo"), max_length=20, choices=Method.choices)
    amount = models.DecimalField(_("importo (EUR)"), **MONEY)
    status = models.CharField(_("esito"), max_length=20, choices=Status.choices)
    attempt_key = models.CharField(_("tentativo"), max_length=100)
    ledger_entry = models.ForeignKey(
        LedgerEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="order_payments"
    )
    reference = models.CharField(_("riferimento"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("data"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("pagamento")
        verbose_name_plural = _("pagamenti")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "attempt_key", "method"], name="booking_payment_once_per_attempt"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="booking_payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.amount} EUR"


def attachment_path(instance, filename: str) -> str:
    """The public path attachments had before they became private (migration 0003 refers to it)."""
    return f"booking/requests/{instance.request_id}/{filename}"


class Message(models.Model):
    """A message in a request's thread; unread for the other side until that side opens the thread."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    from_family = models.BooleanField()
    body = models.TextField(_("messaggio"))
    attachment = PrivateFileField(_("allegato"), upload_to="messaggi/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("inviato il"), default=timezone.now, editable=False)
    read_at = models.DateTimeField(_("letto il"), null=True, blank=True)

    class Meta:
        verbose_name = _("messaggio")
        verbose_name_plural = _("messaggi")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["request", "from_family", "read_at"])]

    def __str__(self) -> str:
        return self.body[:50]


class Rating(models.Model):
    """The family's rating of a completed order; the comment is public only after the City approves it."""

    class Moderation(models.TextChoices):
        NONE = "none", _("Nessun commento")
        PENDING = "pending", _("In moderazione")
        APPROVED = "approved", _("Pubblicato")
        REJECTED = "rejected", _("Non pubblicato")

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="rating")
    service = models.ForeignKey("catalog.ServicePage", on_delete=models.PROTECT, related_name="booking_ratings")
    overall = models.PositiveSmallIntegerField(_("giudizio complessivo"))
    quality = models.PositiveSmallIntegerField(_("qualità"))
    punctuality = models.PositiveSmallIntegerField(_("puntualità"))
    courtesy = models.PositiveSmallIntegerField(_("cortesia"))
    comment = models.TextField(_("commento"), blank=True)
    moderation = models.CharField(_("moderazione"), max_length=20, choices=Moderation.choices)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    reply = models.TextField(_("risposta dell'ente"), blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("data"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("gradimento")
        verbose_name_plural = _("gradimenti")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["service", "moderation"]), models.Index(fields=["moderation", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(overall__range=(1, 5))
                & Q(quality__range=(1, 5))
                & Q(punctuality__range=(1, 5))
                & Q(courtesy__range=(1, 5)),
                name="booking_rating_scores_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"{self.overall}/5"
