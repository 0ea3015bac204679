"""The families' voucher call: the call's rules, applications, ISEE declarations, rankings, appeals, re-ranking.

Money is not here: budget and validity belong to `booking.VoucherCall` (one-to-one with `Call`), and every euro
moves through `booking.vouchers`. States change only through `vouchercall.transitions.transition`.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel

from config.private_files import PrivateFileField

MONEY = {"max_digits": 10, "decimal_places": 2}
VOUCHER_MIN = Decimal("100.00")
VOUCHER_MAX = Decimal("400.00")
# INPS DSU protocol: "INPS-ISEE-<year>-<9 digits>-<2 digits>" (the form printed on the DSU receipt).
DSU_PROTOCOL_RE = r"^INPS-ISEE-\d{4}-\d{9}-\d{2}$"


class FitRule(models.TextChoices):
    """What happens to a family whose whole value does not fit what is left of the budget (README: «Graduatoria»)."""

    SKIP = "skip", _("Si passa alle famiglie successive che ci stanno (il budget si usa fino in fondo)")
    STOP = "stop", _("Il finanziamento si ferma alla prima famiglia che non ci sta (ordine rigido)")


class Call(ClusterableModel):
    """The call's rules for families, attached to the money side (`booking.VoucherCall`: budget, code, validity).

    The window is stored in UTC and entered and shown in Europe/Rome (TIME_ZONE). The bracket table is data,
    editable until the window opens (`brackets_locked`). Source: the 2022 call (shared/DESIGN.md).
    """

    money_call = models.OneToOneField(
        "booking.VoucherCall", on_delete=models.PROTECT, related_name="programme", verbose_name=_("avviso (budget)")
    )
    year = models.PositiveSmallIntegerField(_("anno"), help_text=_("Usato nel codice di protocollo: M018-ANNO-NNNNNN."))
    opens_at = models.DateTimeField(_("apertura delle domande"), help_text=_("Ora di Roma."))
    closes_at = models.DateTimeField(_("chiusura delle domande"), help_text=_("Ora di Roma."))
    isee_ceiling = models.DecimalField(_("ISEE massimo (EUR)"), default=Decimal("27000.00"), **MONEY)
    brackets_note = models.CharField(
        _("nota sulla tabella delle fasce"),
        max_length=255,
        blank=True,
        help_text=_("Mostrata alle famiglie sotto la tabella, ad esempio «Tabella di esempio»."),
    )
    rule_version = models.CharField(
        _("versione della regola di graduatoria"),
        max_length=20,
        default="2022.1",
        help_text=_("ISEE crescente; a parità, più minori nel nucleo; poi sorteggio pubblico."),
    )
    draw_seed = models.CharField(
        _("seme del sorteggio pubblico"),
        max_length=64,
        blank=True,
        help_text=_("Pubblicato con la graduatoria. Se vuoto, è estratto al calcolo della graduatoria provvisoria."),
    )
    fit_rule = models.CharField(
        _("famiglia che non rientra nel budget residuo"), max_length=10, choices=FitRule.choices, default=FitRule.SKIP
    )
    appeal_days = models.PositiveSmallIntegerField(_("giorni per chiedere il riesame"), default=10)
    unused_return_days = models.PositiveSmallIntegerField(
        _("giorni dopo i quali un voucher mai usato torna disponibile"), default=60
    )
    regularise_days = models.PositiveSmallIntegerField(_("giorni per regolarizzare l'ISEE"), default=15)
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)

    panels = [
        FieldPanel("money_call"),
        FieldPanel("year"),
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")], heading=_("Finestra (ora di Roma)")),
        MultiFieldPanel(
            [
                FieldPanel("isee_ceiling"),
                InlinePanel("brackets", label=_("Fascia ISEE"), min_num=1),
                FieldPanel("brackets_note"),
            ],
            heading=_("Requisiti e valore del voucher"),
        ),
        MultiFieldPanel(
            [FieldPanel("rule_version"), FieldPanel("draw_seed"), FieldPanel("fit_rule")], heading=_("Graduatoria")
        ),
        MultiFieldPanel(
            [FieldPanel("appeal_days"), FieldPanel("unused_return_days"), FieldPanel("regularise_days")],
            heading=_("Termini"),
        ),
    ]

    class Meta:
        verbose_name = _("bando voucher famiglie")
        verbose_name_plural = _("bandi voucher famiglie")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="vouchercall_call_window_ordered",
                violation_error_message=_("La chiusura deve seguire l'apertura."),
            ),
            models.CheckConstraint(condition=Q(isee_ceiling__gt=0), name="vouchercall_call_ceiling_positive"),
        ]

    def __str__(self) -> str:
        return str(self.money_call) if self.money_call_id else f"{self.year}"

    @property
    def budget(self) -> Decimal:
        return self.money_call.budget

    def is_open(self, at: datetime.datetime | None = None) -> bool:
        """Applications are accepted from `opens_at` included to `closes_at` excluded."""
        at = at or timezone.now()
        return self.opens_at <= at < self.closes_at

    def has_opened(self, at: datetime.datetime | None = None) -> bool:
        return (at or timezone.now()) >= self.opens_at

    def has_closed(self, at: datetime.datetime | None = None) -> bool:
        return (at or timezone.now()) >= self.closes_at

    def value_per_child(self, isee: Decimal) -> Decimal | None:
        """The voucher (EUR) for one child of a family with this ISEE: the first bracket whose ceiling holds it."""
        for bracket in sorted(self.brackets.all(), key=lambda b: b.isee_up_to):
            if isee <= bracket.isee_up_to:
                return bracket.value_per_child
        return None

    def allowed_values(self) -> set[Decimal]:
        return {bracket.value_per_child for bracket in self.brackets.all()}


class IseeBracket(models.Model):
    """A row of the call's table: ISEE up to `isee_up_to` (EUR, included) → `value_per_child` EUR per child."""

    call = ParentalKey(Call, on_delete=models.CASCADE, related_name="brackets")
    isee_up_to = models.DecimalField(_("ISEE fino a (EUR)"), **MONEY)
    value_per_child = models.DecimalField(
        _("valore per figlia o figlio (EUR)"),
        validators=[MinValueValidator(VOUCHER_MIN), MaxValueValidator(VOUCHER_MAX)],
        **MONEY,
    )

    panels = [FieldPanel("isee_up_to"), FieldPanel("value_per_child")]

    class Meta:
        verbose_name = _("fascia ISEE")
        verbose_name_plural = _("fasce ISEE")
        ordering = ["isee_up_to"]
        constraints = [
            models.UniqueConstraint(fields=["call", "isee_up_to"], name="vouchercall_bracket_unique_ceiling"),
            models.CheckConstraint(
                condition=Q(value_per_child__gte=VOUCHER_MIN) & Q(value_per_child__lte=VOUCHER_MAX),
                name="vouchercall_bracket_value_100_400",
            ),
        ]

    def __str__(self) -> str:
        return f"≤ {self.isee_up_to} EUR → {self.value_per_child} EUR"


class Application(models.Model):
    """A guardian's application (domanda) to a call, for one or more of their children. One per guardian per call."""

    class State(models.TextChoices):
        SENT = "sent", _("Inviata")
        TO_REGULARISE = "to_regularise", _("Da regolarizzare")
        WITHDRAWN = "withdrawn", _("Ritirata")
        EXCLUDED = "excluded", _("Esclusa")

    class IseeType(models.TextChoices):
        ORDINARY = "ordinary", _("ISEE ordinario")
        MINORS = "minors", _("ISEE per prestazioni rivolte a minorenni")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("bando"))
    guardian = models.ForeignKey(
        "booking.Guardian", on_delete=models.PROTECT, related_name="voucher_applications", verbose_name=_("genitore")
    )
    protocol = models.CharField(_("protocollo"), max_length=20, unique=True)
    state = models.CharField(_("stato"), max_length=20, choices=State.choices, default=State.SENT)
    isee_type = models.CharField(_("tipo di ISEE"), max_length=20, choices=IseeType.choices)
    isee_value = models.DecimalField(_("valore ISEE (EUR)"), validators=[MinValueValidator(Decimal("0"))], **MONEY)
    dsu_protocol = models.CharField(
        _("protocollo DSU"),
        max_length=30,
        validators=[RegexValidator(DSU_PROTOCOL_RE, _("Scrivi il protocollo come INPS-ISEE-2022-000012345-00."))],
        help_text=_("Come compare sulla ricevuta INPS: INPS-ISEE-AAAA-NNNNNNNNN-NN."),
    )
    isee_date = models.DateField(_("data dell'attestazione ISEE"))
    minors_in_household = models.PositiveSmallIntegerField(
        _("minorenni nel nucleo familiare"), validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    declared_residence = models.BooleanField(_("residenza a Milano dichiarata"), default=False)
    declared_truthful = models.BooleanField(_("dichiarazione di veridicità (DPR 445/2000)"), default=False)
    privacy_acknowledged = models.BooleanField(_("informativa privacy letta"), default=False)
    isee_checked = models.CharField(_("verifica ISEE"), max_length=20, blank=True)
    regularise_by = models.DateField(_("da regolarizzare entro"), null=True, blank=True)
    exclusion_reason = models.TextField(_("motivo dell'esclusione"), blank=True)
    sent_at = models.DateTimeField(_("inviata il"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("aggiornata il"), auto_now=True)
    state_changed_at = models.DateTimeField(_("ultimo cambio di stato"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("domanda di voucher")
        verbose_name_plural = _("domande di voucher")
        ordering = ["protocol"]
        indexes = [models.Index(fields=["call", "state"])]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "guardian"],
                name="vouchercall_one_application_per_guardian",
                violation_error_message=_("Hai già presentato una domanda per questo bando."),
            ),
            models.CheckConstraint(condition=Q(isee_value__gte=0), name="vouchercall_isee_not_negative"),
        ]

    def __str__(self) -> str:
        return self.protocol

    def save(self, *args, **kwargs):
        """`state` is written only by vouchercall.transitions (as booking's StatefulModel does)."""
        if not self._state.adding:
            fields = kwargs.get("update_fields") or [f.name for f in self._meta.concrete_fields if not f.primary_key]
            kwargs["update_fields"] = [name for name in fields if name != "state"]
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.state in (self.State.SENT, self.State.TO_REGULARISE)


class ApplicationChild(models.Model):
    """A child an application asks a voucher for. `active` is cleared when the application is withdrawn, so the child
    may then be in another guardian's application. The child is identified by codice fiscale: two parents who both
    registered the same child (two `Child` rows) still cannot both apply for them (partial unique constraint)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="children")
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("booking.Child", on_delete=models.PROTECT, related_name="voucher_applications")
    fiscal_code = models.CharField(_("codice fiscale"), max_length=16)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("figlia o figlio nella domanda")
        verbose_name_plural = _("figlie e figli nella domanda")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "fiscal_code"],
                condition=Q(active=True),
                name="vouchercall_child_in_one_application",
                violation_error_message=_("Questa figlia o questo figlio è già in un'altra domanda per questo bando."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} — {self.child_id}"


class Ranking(models.Model):
    """A computed ranking (graduatoria): provisional, then final. Its inputs are frozen in its entries, and
    `inputs_hash` (SHA-256 of the canonical inputs, rule version, seed, budget and fit rule) lets anyone holding
    them recompute it (`manage.py verify_ranking <id>`)."""

    class Kind(models.TextChoices):
        PROVISIONAL = "provisional", _("Provvisoria")
        FINAL = "final", _("Definitiva")

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="rankings", verbose_name=_("bando"))
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    rule_version = models.CharField(_("versione della regola"), max_length=20)
    seed = models.CharField(_("seme del sorteggio"), max_length=64)
    budget = models.DecimalField(_("budget (EUR)"), max_digits=12, decimal_places=2)
    fit_rule = models.CharField(_("regola del budget residuo"), max_length=10, choices=FitRule.choices)
    inputs_hash = models.CharField(_("impronta degli input (SHA-256)"), max_length=64)
    funded_count = models.PositiveIntegerField(_("domande finanziate"), default=0)
    funded_total = models.DecimalField(_("totale finanziato (EUR)"), max_digits=12, decimal_places=2)
    changes = models.JSONField(_("modifiche rispetto alla provvisoria"), default=list, blank=True)
    computed_at = models.DateTimeField(_("calcolata il"), default=timezone.now)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("voucher assegnati il"), null=True, blank=True)

    class Meta:
        verbose_name = _("graduatoria")
        verbose_name_plural = _("graduatorie")
        ordering = ["-computed_at"]
        constraints = [models.UniqueConstraint(fields=["call", "kind"], name="vouchercall_one_ranking_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.call}"

    @property
    def appeal_deadline(self) -> datetime.date:
        return timezone.localdate(self.computed_at) + datetime.timedelta(days=self.call.appeal_days)


class RankingEntry(models.Model):
    """One line of a ranking, with the inputs it was computed from (frozen)."""

    ranking = models.ForeignKey(Ranking, on_delete=models.CASCADE, related_name="entries")
    position = models.PositiveIntegerField(_("posizione"))
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="ranking_entries")
    protocol = models.CharField(_("protocollo"), max_length=20)
    isee_value = models.DecimalField(_("ISEE (EUR)"), **MONEY)
    minors_in_household = models.PositiveSmallIntegerField(_("minorenni nel nucleo"))
    children_count = models.PositiveSmallIntegerField(_("figlie e figli nella domanda"))
    value = models.DecimalField(_("valore della famiglia (EUR)"), **MONEY)
    draw_key = models.CharField(_("chiave del sorteggio"), max_length=64)
    funded = models.BooleanField(_("finanziata"), default=False)
    funded_by_step = models.ForeignKey(
        "RerankStep", null=True, blank=True, on_delete=models.PROTECT, related_name="funded_entries"
    )

    class Meta:
        verbose_name = _("riga di graduatoria")
        verbose_name_plural = _("righe di graduatoria")
        ordering = ["ranking", "position"]
        constraints = [
            models.UniqueConstraint(fields=["ranking", "position"], name="vouchercall_entry_position_unique"),
            models.UniqueConstraint(fields=["ranking", "application"], name="vouchercall_entry_application_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.protocol}"


class Appeal(models.Model):
    """A request for review (riesame) of the provisional ranking: the family's reason and documents, staff decide."""

    class State(models.TextChoices):
        PENDING = "pending", _("Da decidere")
        ACCEPTED = "accepted", _("Accolta")
        REJECTED = "rejected", _("Respinta")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="appeals")
    ranking = models.ForeignKey(Ranking, on_delete=models.PROTECT, related_name="appeals")
    reason = models.TextField(_("motivo della richiesta"))
    document = PrivateFileField(_("documento"), upload_to="riesami/%Y/", blank=True)
    state = models.CharField(_("esito"), max_length=20, choices=State.choices, default=State.PENDING)
    decision_reason = models.TextField(_("motivazione della decisione"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decisa il"), null=True, blank=True)
    created_at = models.DateTimeField(_("presentata il"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("richiesta di riesame")
        verbose_name_plural = _("richieste di riesame")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["application", "ranking"], name="vouchercall_one_appeal_per_ranking")
        ]

    def __str__(self) -> str:
        return f"{_('Riesame')} {self.application.protocol}"

    def clean(self):
        if self.state != self.State.PENDING and not self.decision_reason.strip():
            raise ValidationError({"decision_reason": _("Scrivi la motivazione della decisione.")})


class RerankStep(models.Model):
    """One re-ranking (scorrimento): vouchers revoked (never used after the set days, or renounced) and the next
    families funded with the freed budget, in ranking order."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="rerank_steps")
    number = models.PositiveIntegerField(_("numero"))
    ran_at = models.DateTimeField(_("eseguito il"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    freed = models.DecimalField(_("budget liberato (EUR)"), max_digits=12, decimal_places=2)
    revoked_wallets = models.JSONField(_("voucher revocati"), default=list)
    funded_protocols = models.JSONField(_("domande finanziate"), default=list)

    class Meta:
        verbose_name = _("scorrimento")
        verbose_name_plural = _("scorrimenti")
        ordering = ["call", "number"]
        constraints = [models.UniqueConstraint(fields=["call", "number"], name="vouchercall_rerank_number_unique")]

    def __str__(self) -> str:
        return f"{_('Scorrimento')} {self.number}"
