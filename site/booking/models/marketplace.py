"""The marketplace: requests, quotes, orders, payments, messages and ratings (state through booking.transitions)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from booking.models.families import Child, Guardian
from booking.models.vouchers import MONEY, ZERO, LedgerEntry, cents
from config.private_files import PrivateFileField


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
        from core.vocabularies import Weekday

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
        # Part of the price is paid at the provider or by bank transfer and the provider has not confirmed it yet.
        PAYMENT_PENDING = "payment_pending", _("Pagamento da confermare")
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

    def provider_pending(self) -> Decimal:
        """EUR announced by the family (at the provider, bank transfer) that the provider has not confirmed yet."""
        pending = self.payments.filter(status=Payment.Status.PENDING)
        return cents(pending.aggregate(total=Coalesce(Sum("amount"), ZERO))["total"])


class Payment(models.Model):
    """One part of an order's payment: the voucher part (a ledger redemption) or the remainder to the provider."""

    class Method(models.TextChoices):
        VOUCHER = "voucher", _("Voucher Milano 0.18")
        AT_PROVIDER = "at_provider", _("Presso l'ente")
        BANK_TRANSFER = "bank_transfer", _("Bonifico bancario")
        CARD = "card", _("Carta di pagamento")

    class Status(models.TextChoices):
        PENDING = "pending", _("Da confermare dall'ente")
        CONFIRMED = "confirmed", _("Confermato")
        FAILED = "failed", _("Non riuscito")
        REVERSED = "reversed", _("Stornato")
        REFUNDED = "refunded", _("Rimborsato")
        WITHDRAWN = "withdrawn", _("Annullato prima della conferma")

    # The parts only the provider can tell were received: they stay pending until it confirms them.
    CONFIRMED_BY_PROVIDER = (Method.AT_PROVIDER, Method.BANK_TRANSFER)

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
    due_by = models.DateField(_("da confermare entro il"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confermato il"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    overdue_flagged_at = models.DateTimeField(_("segnalato come scaduto il"), null=True, blank=True)
    refund_reference = models.CharField(_("riferimento del rimborso"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("pagamento")
        verbose_name_plural = _("pagamenti")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "attempt_key", "method"], name="booking_payment_once_per_attempt"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="booking_payment_amount_positive"),
        ]
        indexes = [models.Index(fields=["status", "due_by"])]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.amount} EUR"

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.PENDING and self.due_by is not None and self.due_by < timezone.localdate()


class Cancellation(StatefulModel):
    """A family's request to cancel an order with money already moved: cancelled only by agreement.

    requested → accepted (the provider agrees) | refused (the provider, with a reason); refused → disputed (the
    family takes it to the City, with a reason); disputed → accepted | rejected («Ufficio voucher» decides, with a
    reason). Each move is a `booking.transitions` transition (audit action `booking.cancellation.<state>`); on
    acceptance `booking.marketplace` cancels the order and refunds it.
    """

    class State(models.TextChoices):
        REQUESTED = "requested", _("Chiesto all'ente")
        ACCEPTED = "accepted", _("Accettato")
        REFUSED = "refused", _("Rifiutato dall'ente")
        DISPUTED = "disputed", _("Contestato al Comune")
        REJECTED = "rejected", _("Respinto dal Comune")

    OPEN = (State.REQUESTED, State.DISPUTED)

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="cancellation")
    state = models.CharField(_("stato"), max_length=20, choices=State.choices, default=State.REQUESTED)
    reason = models.TextField(_("motivo della richiesta"))
    provider_reason = models.TextField(_("risposta dell'ente"), blank=True)
    dispute_reason = models.TextField(_("motivo della contestazione"), blank=True)
    city_reason = models.TextField(_("decisione del Comune"), blank=True)
    created_at = models.DateTimeField(_("chiesto il"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("annullamento")
        verbose_name_plural = _("annullamenti")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return f"{_('Annullamento')} #{self.pk}"


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
