"""Provider payment data and statements (rendiconti): what the City owes each provider for voucher payments.

A statement's lines are ledger entries (booking.LedgerEntry) of the provider's completed orders: each entry is in
at most one statement line (a unique key on the line's entry), so no euro is reimbursed twice. Amounts on a line
are copied from the append-only ledger when the line is built (never typed) and are what the City owes: a
redemption of 40.00 EUR gives +40.00, its refund of 10.00 EUR gives -10.00. States move only through
`settlement.statements` (each move in the audit trail); a paid statement never changes again.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError

from core.errors import AppendOnlyError

ZERO = Decimal("0.00")
MONEY = {"max_digits": 12, "decimal_places": 2}


def validate_iban(value: str) -> None:
    """An Italian or SEPA IBAN with a correct check (python-stdnum `iban`); spaces are allowed when typed."""
    try:
        stdnum_iban.validate(value)
    except StdnumError as exc:
        raise ValidationError(_("L'IBAN non è valido: controlla lettere e cifre.")) from exc


class PaymentDetails(models.Model):
    """One version of a provider's payment data, as the provider sent it; the City checks it before use.

    Rows are never edited once checked: a change is a new row (pending), logged in the audit trail; statements use
    the latest *verified* row (`current_verified`), and copy its values when submitted.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Da verificare")
        VERIFIED = "verified", _("Verificati")
        REJECTED = "rejected", _("Respinti")

    provider = models.ForeignKey(
        "catalog.ProviderPage", on_delete=models.PROTECT, related_name="payment_details", verbose_name=_("ente")
    )
    iban = models.CharField(_("IBAN"), max_length=34, validators=[validate_iban])
    account_holder = models.CharField(_("intestatario del conto"), max_length=200)
    billing_name = models.CharField(_("denominazione per la fatturazione"), max_length=255)
    billing_address = models.CharField(_("indirizzo di fatturazione"), max_length=255)
    sdi_code = models.CharField(
        _("codice destinatario SDI o PEC"),
        max_length=255,
        blank=True,
        help_text=_("Per la fattura elettronica: codice di 7 caratteri oppure indirizzo PEC."),
    )
    status = models.CharField(_("stato"), max_length=20, choices=Status.choices, default=Status.PENDING)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("inviati da")
    )
    submitted_at = models.DateTimeField(_("inviati il"), default=timezone.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verificati da"),
    )
    checked_at = models.DateTimeField(_("verificati il"), null=True, blank=True)
    check_note = models.TextField(_("nota della verifica"), blank=True)

    class Meta:
        verbose_name = _("dati di pagamento dell'ente")
        verbose_name_plural = _("dati di pagamento degli enti")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["provider", "status", "checked_at"])]

    def __str__(self) -> str:
        return f"{self.account_holder} — {self.iban}"

    def clean(self) -> None:
        super().clean()
        if self.iban:
            self.iban = stdnum_iban.compact(self.iban)

    @classmethod
    def current_verified(cls, provider_id: int) -> "PaymentDetails | None":
        """The payment data statements use now: the latest row the City verified, or None."""
        return (
            cls.objects.filter(provider_id=provider_id, status=cls.Status.VERIFIED)
            .order_by("-checked_at", "-pk")
            .first()
        )


def provider_model():
    """The provider page model, reached through the statement's key (programme apps never import catalog.models)."""
    return Statement._meta.get_field("provider").related_model


class Statement(models.Model):
    """A provider's statement for a period: its lines say what the City owes; states follow the City's workflow.

    The payment data (IBAN, holder) and the provider's identity are copied at submission from the verified
    payment data, so a later change never alters what was submitted or paid.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Bozza")
        SUBMITTED = "submitted", _("Inviato al Comune")
        SENT_BACK = "sent_back", _("Rinviato all'ente")
        APPROVED = "approved", _("Approvato")
        PAID = "paid", _("Pagato")
        ACCOUNTED = "accounted", _("Contabilizzato")
        DISCARDED = "discarded", _("Annullato")

    #: States in which the lines and the payment data are frozen.
    FROZEN = (State.SUBMITTED, State.APPROVED, State.PAID, State.ACCOUNTED)

    provider = models.ForeignKey(
        "catalog.ProviderPage", on_delete=models.PROTECT, related_name="statements", verbose_name=_("ente")
    )
    period_start = models.DateField(_("dal"))
    period_end = models.DateField(_("al"))
    state = models.CharField(_("stato"), max_length=20, choices=State.choices, default=State.DRAFT, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("creato da")
    )
    created_at = models.DateTimeField(_("creato il"), default=timezone.now, editable=False)
    state_changed_at = models.DateTimeField(_("ultimo cambio di stato"), default=timezone.now, editable=False)
    # Copied at submission from the provider page and its verified PaymentDetails.
    payment_details = models.ForeignKey(
        PaymentDetails, null=True, blank=True, on_delete=models.PROTECT, related_name="statements", editable=False
    )
    provider_name = models.CharField(_("ragione sociale"), max_length=255, blank=True, editable=False)
    tax_code = models.CharField(_("codice fiscale"), max_length=16, blank=True, editable=False)
    vat_number = models.CharField(_("partita IVA"), max_length=11, blank=True, editable=False)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, editable=False)
    account_holder = models.CharField(_("intestatario del conto"), max_length=200, blank=True, editable=False)
    sent_back_reason = models.TextField(_("motivo del rinvio"), blank=True, editable=False)
    payment_reference = models.CharField(_("riferimento del pagamento"), max_length=100, blank=True, editable=False)
    payment_date = models.DateField(_("data del pagamento"), null=True, blank=True, editable=False)
    accounted_at = models.DateTimeField(_("contabilizzato il"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("rendiconto")
        verbose_name_plural = _("rendiconti")
        ordering = ["-period_end", "-pk"]
        indexes = [models.Index(fields=["provider", "state"]), models.Index(fields=["state", "period_end"])]
        permissions = [
            ("manage_statements", _("Gestire i rendiconti di tutti gli enti (Comune)")),
            ("manage_vouchers", _("Gestire i voucher: ricerca, sospensione, storni (Ufficio voucher)")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="settlement_period_ordered"
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["paid", "accounted"])
                | (Q(payment_date__isnull=False) & ~Q(payment_reference="")),
                name="settlement_paid_has_reference_and_date",
            ),
        ]

    def __str__(self) -> str:
        return _("Rendiconto n. %(number)s — %(start)s-%(end)s") % {
            "number": self.pk,
            "start": self.period_start.strftime("%d/%m/%Y"),
            "end": self.period_end.strftime("%d/%m/%Y"),
        }

    def save(self, *args, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None:
            raise AppendOnlyError("A statement changes only through settlement.statements (update_fields required).")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Statements are never deleted; a draft is discarded (settlement.statements.discard).")

    @property
    def is_immutable(self) -> bool:
        return self.state in (self.State.PAID, self.State.ACCOUNTED)

    def total(self) -> Decimal:
        """What the City owes for this statement (EUR): the sum of its lines."""
        if hasattr(self, "total_amount"):
            return Decimal(self.total_amount or 0).quantize(Decimal("0.01"))
        return Decimal(self.lines.aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]).quantize(Decimal("0.01"))


class StatementLineQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Statement lines cannot be updated.")


class StatementLine(models.Model):
    """One ledger entry in one statement: the unique key on `entry` keeps every euro in at most one statement."""

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="lines", verbose_name=_("rendiconto")
    )
    entry = models.OneToOneField(
        "booking.LedgerEntry", on_delete=models.PROTECT, related_name="statement_line", verbose_name=_("movimento")
    )
    order = models.ForeignKey("booking.Order", on_delete=models.PROTECT, related_name="+", verbose_name=_("acquisto"))
    kind = models.CharField(_("tipo"), max_length=20)
    amount = models.DecimalField(_("importo dovuto all'ente (EUR)"), **MONEY)
    entry_date = models.DateTimeField(_("data del movimento"))

    objects = StatementLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("riga del rendiconto")
        verbose_name_plural = _("righe del rendiconto")
        ordering = ["entry_date", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} EUR"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Statement lines cannot be updated.")
        super().save(*args, **kwargs)
