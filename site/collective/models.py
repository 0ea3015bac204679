"""The collective-voucher call (micro-progettazioni locali): call, windows, grid, applications, micro-projects,
committee, scores, referrals and nominal lists.

Over 400 lines on purpose: these models point at one another (call → windows and grid → applications →
micro-projects → scores, referrals, participants), and their constraints are the call's rules; one module keeps
the schema readable in one place.

Rules come from the call (seeds, "voucher collettivi"): 420,000 EUR; only providers admitted to the Elenco; score
>= 60/100; 30% of the planned participants referred by City services or schools; nominal list before funding;
activities ended by 31/08/2023; windows closing at a Europe/Rome time. State changes go through
`collective.services`, which records each in the audit trail; `save()` here never decides a state.
"""

import math
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.private_files import PrivateFileField
from core.models import AppendOnlyModel

MONEY = {"max_digits": 12, "decimal_places": 2}
POINTS = {"max_digits": 5, "decimal_places": 2}


class Challenge(models.TextChoices):
    """The six city challenges (seeds: «Le sfide per la città»)."""

    EDUCATION_HEALTH = "educazione-salute", _("Servizi educativi di qualità e accesso ai servizi sanitari")
    EXTRACURRICULAR = "extrascolastiche", _("Partecipazione ad attività extra-scolastiche")
    SOCIAL_LIFE = "vita-sociale", _("Partecipazione alla vita sociale e mobilità sociale")
    SEGREGATION = "segregazione", _("Segregazione scolastica")
    SCHOOL_ROLE = "ruolo-scuola", _("Il ruolo del sistema educativo nella mobilità sociale")
    SPECIAL_NEEDS = "bisogni-speciali", _("Disabilità, bisogni educativi speciali e problematiche multilivello")


class TieRule(models.TextChoices):
    """How the call orders proposals with the same final score."""

    EARLIER_SUBMISSION = "earlier", _("Prima la proposta protocollata prima")
    LOWER_AMOUNT = "lower-amount", _("Prima la proposta con l'importo richiesto minore")


class CollectiveCall(models.Model):
    """Avviso voucher collettivi. `budget` in EUR; `reserved_share` a percentage of planned participants;
    `reconciliation_gap` in points (two totals further apart than this go to reconciliation)."""

    name = models.CharField(_("nome"), max_length=255)
    code = models.SlugField(_("codice"), unique=True)
    budget = models.DecimalField(_("budget (EUR)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    activities_end = models.DateField(_("termine delle attività"))
    threshold = models.PositiveSmallIntegerField(_("punteggio minimo"), default=60)
    reserved_share = models.PositiveSmallIntegerField(
        _("posti riservati (%)"), default=30, validators=[MaxValueValidator(100)]
    )
    tie_rule = models.CharField(_("criterio di parità"), max_length=20, choices=TieRule.choices)
    reconciliation_gap = models.PositiveSmallIntegerField(_("scarto che richiede la conciliazione (punti)"), default=15)
    advance_share = models.PositiveSmallIntegerField(
        _("anticipo (% dell'importo finanziato)"), default=50, validators=[MaxValueValidator(100)]
    )
    committee_closed_at = models.DateTimeField(_("commissione chiusa il"), null=True, blank=True, editable=False)
    results_published = models.BooleanField(_("esiti pubblicati"), default=False, editable=False)

    class Meta:
        verbose_name = _("avviso voucher collettivi")
        verbose_name_plural = _("avvisi voucher collettivi")
        ordering = ["-pk"]

    def __str__(self):
        return self.name

    def required_reserved(self, planned: int) -> int:
        """Places to reserve for referred children: the call's share of `planned`, rounded up."""
        return math.ceil(planned * self.reserved_share / 100)

    def open_window(self, at=None):
        """The window open at `at` (aware datetime, default now), or None."""
        at = at or timezone.now()
        return self.windows.filter(opens_at__lte=at, closes_at__gt=at).first()

    @property
    def committee_closed(self) -> bool:
        return self.committee_closed_at is not None


class Window(models.Model):
    """Finestra: submissions accepted from `opens_at` (included) to `closes_at` (excluded), aware datetimes shown
    in Europe/Rome (the call states Rome times, e.g. 29/09/2022 15:00)."""

    call = models.ForeignKey(CollectiveCall, on_delete=models.CASCADE, related_name="windows", verbose_name=_("avviso"))
    opens_at = models.DateTimeField(_("apertura"))
    closes_at = models.DateTimeField(_("chiusura"))

    class Meta:
        verbose_name = _("finestra")
        verbose_name_plural = _("finestre")
        ordering = ["opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="collective_window_order"
            )
        ]

    def __str__(self):
        rome = timezone.localtime(self.closes_at)
        return str(_("Finestra fino al %(date)s")) % {"date": rome.strftime("%d/%m/%Y %H:%M")}

    def is_open(self, at) -> bool:
        return self.opens_at <= at < self.closes_at


class Criterion(models.Model):
    """A line of the grid: `weight` points (the call's weights sum to 100), with what 0, half and full mean."""

    call = models.ForeignKey(
        CollectiveCall, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("avviso")
    )
    order = models.PositiveSmallIntegerField(_("ordine"), default=0)
    title = models.CharField(_("criterio"), max_length=255)
    weight = models.PositiveSmallIntegerField(_("peso (punti)"), validators=[MinValueValidator(1)])
    level_zero = models.TextField(_("punteggio 0 quando"))
    level_half = models.TextField(_("metà del punteggio quando"))
    level_full = models.TextField(_("punteggio pieno quando"))

    class Meta:
        verbose_name = _("criterio di valutazione")
        verbose_name_plural = _("criteri di valutazione")
        ordering = ["order", "pk"]

    def __str__(self):
        return f"{self.title} ({self.weight})"


class CommitteeMember(models.Model):
    """A City staff user named to the call's committee. `declared_at` is set once, when the member declares
    conflicts of interest (ANAC guideline 15/2019); `conflicts` are the providers the member is tied to."""

    call = models.ForeignKey(CollectiveCall, on_delete=models.CASCADE, related_name="members", verbose_name=_("avviso"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("utente")
    )
    declared_at = models.DateTimeField(_("dichiarazione resa il"), null=True, blank=True, editable=False)
    conflicts = models.ManyToManyField(
        "catalog.ProviderPage", blank=True, related_name="+", verbose_name=_("enti in conflitto di interessi")
    )

    class Meta:
        verbose_name = _("componente della commissione")
        verbose_name_plural = _("componenti della commissione")
        constraints = [models.UniqueConstraint(fields=["call", "user"], name="collective_member_once")]

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()


class Application(models.Model):
    """Domanda: one provider's application to a call, holding one or more micro-projects."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Bozza")
        SUBMITTED = "submitted", _("Inviata")
        WITHDRAWN = "withdrawn", _("Ritirata")

    call = models.ForeignKey(
        CollectiveCall, on_delete=models.PROTECT, related_name="applications", verbose_name=_("avviso")
    )
    provider = models.ForeignKey(
        "catalog.ProviderPage", on_delete=models.PROTECT, related_name="+", verbose_name=_("ente")
    )
    state = models.CharField(_("stato"), max_length=20, choices=State.choices, default=State.DRAFT, editable=False)
    protocol = models.CharField(_("protocollo"), max_length=30, null=True, blank=True, unique=True, editable=False)
    submitted_at = models.DateTimeField(_("inviata il"), null=True, blank=True, editable=False)
    window = models.ForeignKey(
        Window,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("finestra"),
    )
    created_at = models.DateTimeField(_("creata il"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("domanda")
        verbose_name_plural = _("domande")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.protocol or str(_("Bozza %(pk)s")) % {"pk": self.pk}


class ReportState(models.TextChoices):
    """Where a micro-project's final report (attendance and costs) stands."""

    NOT_SENT = "", _("Da inviare")
    SUBMITTED = "submitted", _("Inviata al Comune")
    RETURNED = "returned", _("Rinviata all'ente da correggere")
    APPROVED = "approved", _("Approvata")


class MicroProject(models.Model):
    """Micro-progettazione locale: what the committee scores and the City funds. Ages in completed years 0-18;
    `amount_asked` in EUR equals the sum of its budget lines when submitted; `final_score` out of 100."""

    class Funding(models.TextChoices):
        PENDING = "", _("Da decidere")
        FUNDED = "funded", _("Finanziata")
        NOT_FUNDED = "not-funded", _("Non finanziata")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="projects", verbose_name=_("domanda")
    )
    title = models.CharField(_("titolo"), max_length=255)
    challenges = models.JSONField(_("sfide"), default=list)
    descriptors = models.JSONField(_("descrittori del benessere"), default=list, blank=True)
    age_min = models.PositiveSmallIntegerField(_("età minima"), validators=[MaxValueValidator(18)])
    age_max = models.PositiveSmallIntegerField(_("età massima"), validators=[MaxValueValidator(18)])
    municipi = models.JSONField(_("municipi"), default=list)
    venues = models.TextField(_("sedi"))
    planned_participants = models.PositiveIntegerField(_("partecipanti previsti"), validators=[MinValueValidator(1)])
    reserved_places = models.PositiveIntegerField(_("posti riservati a segnalati"))
    starts_on = models.DateField(_("inizio attività"))
    ends_on = models.DateField(_("fine attività"))
    amount_asked = models.DecimalField(
        _("importo richiesto (EUR)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    final_score = models.DecimalField(_("punteggio finale"), **POINTS, null=True, blank=True, editable=False)
    final_reason = models.TextField(_("motivazione della conciliazione"), blank=True, editable=False)
    funding = models.CharField(
        _("finanziamento"), max_length=20, choices=Funding.choices, default=Funding.PENDING, blank=True, editable=False
    )
    funded_amount = models.DecimalField(_("importo finanziato (EUR)"), **MONEY, null=True, blank=True, editable=False)
    list_accepted_at = models.DateTimeField(_("elenco nominativo accettato il"), null=True, blank=True, editable=False)
    list_exception = models.TextField(_("motivo della quota riservata non raggiunta"), blank=True, editable=False)
    report_state = models.CharField(
        _("rendicontazione"),
        max_length=20,
        choices=ReportState.choices,
        default=ReportState.NOT_SENT,
        blank=True,
        editable=False,
    )
    report_submitted_at = models.DateTimeField(_("rendicontazione inviata il"), null=True, blank=True, editable=False)
    report_decided_at = models.DateTimeField(_("rendicontazione esaminata il"), null=True, blank=True, editable=False)
    report_reason = models.TextField(_("nota del Comune sulla rendicontazione"), blank=True, editable=False)

    class Meta:
        verbose_name = _("micro-progettazione")
        verbose_name_plural = _("micro-progettazioni")
        ordering = ["application_id", "pk"]

    def __str__(self):
        return self.title

    @property
    def provider_id(self) -> int:
        return self.application.provider_id


class BudgetLine(models.Model):
    """A line of a micro-project's budget (EUR)."""

    project = models.ForeignKey(MicroProject, on_delete=models.CASCADE, related_name="budget_lines")
    description = models.CharField(_("voce"), max_length=255)
    amount = models.DecimalField(_("importo (EUR)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])

    class Meta:
        verbose_name = _("voce di spesa")
        verbose_name_plural = _("voci di spesa")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.description}: {self.amount} EUR"


class Score(models.Model):
    """One member's independent score of one micro-project: `total` (0-100) is the sum of its criterion points."""

    project = models.ForeignKey(MicroProject, on_delete=models.PROTECT, related_name="scores")
    member = models.ForeignKey(CommitteeMember, on_delete=models.PROTECT, related_name="scores")
    total = models.DecimalField(_("totale"), **POINTS)
    created_at = models.DateTimeField(_("data"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("punteggio")
        verbose_name_plural = _("punteggi")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["project", "member"], name="collective_score_once")]

    def __str__(self):
        return f"{self.project} — {self.member}: {self.total}"


class CriterionScore(models.Model):
    """Points given on one criterion (0 to its weight)."""

    score = models.ForeignKey(Score, on_delete=models.PROTECT, related_name="lines")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("punti"), **POINTS)

    class Meta:
        ordering = ["criterion__order", "criterion_id"]

    def __str__(self):
        return f"{self.criterion_id}: {self.points}"


class Referrer(models.Model):
    """A City social service or a school that refers children to funded micro-projects."""

    class Kind(models.TextChoices):
        SOCIAL_SERVICE = "social", _("Servizio sociale del Comune")
        SCHOOL = "school", _("Istituto scolastico")

    name = models.CharField(_("nome"), max_length=255)
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)

    class Meta:
        verbose_name = _("servizio segnalante")
        verbose_name_plural = _("servizi segnalanti")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Participant(models.Model):
    """A child on a micro-project's nominal list. `referrer` set = a referred child (posto riservato): who referred
    is seen by the City and the committee only; the provider sees «posto riservato»."""

    project = models.ForeignKey(MicroProject, on_delete=models.CASCADE, related_name="participants")
    first_name = models.CharField(_("nome"), max_length=100)
    last_name = models.CharField(_("cognome"), max_length=100)
    fiscal_code = models.CharField(_("codice fiscale"), max_length=16)
    referrer = models.ForeignKey(
        Referrer, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("segnalato da")
    )
    lives_in = models.CharField(_("comune di residenza o domicilio"), max_length=100, blank=True)
    school_in = models.CharField(_("comune della scuola frequentata"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("partecipante")
        verbose_name_plural = _("partecipanti")
        ordering = ["last_name", "first_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["project", "fiscal_code"], name="collective_participant_once")]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def reserved(self) -> bool:
        return self.referrer_id is not None


class AttendanceSession(models.Model):
    """One session of a funded micro-project as the provider reports it: how many children attended and how many of
    them hold a reserved place (children referred by City services or schools)."""

    project = models.ForeignKey(MicroProject, on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField(_("data dell'incontro"))
    present = models.PositiveIntegerField(_("partecipanti presenti"))
    reserved_present = models.PositiveIntegerField(_("di cui con posto riservato"))
    created_at = models.DateTimeField(_("registrata il"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("incontro")
        verbose_name_plural = _("presenze agli incontri")
        ordering = ["held_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reserved_present__lte=models.F("present")), name="collective_session_reserved_le"
            )
        ]

    def __str__(self):
        return f"{self.held_on:%d/%m/%Y}: {self.present}"


class CostItem(models.Model):
    """A cost the provider reports for a funded micro-project (EUR), with its supporting document (invoice,
    receipt) in the private storage: served only to the provider's staff and the City, each read logged."""

    project = models.ForeignKey(MicroProject, on_delete=models.PROTECT, related_name="costs")
    description = models.CharField(_("voce di spesa"), max_length=255)
    amount = models.DecimalField(_("importo (EUR)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    document = PrivateFileField(_("documento giustificativo"), upload_to="voucher-collettivi/%Y/")
    created_at = models.DateTimeField(_("registrata il"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("spesa rendicontata")
        verbose_name_plural = _("spese rendicontate")
        ordering = ["created_at", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="collective_cost_positive")]

    def __str__(self):
        return f"{self.description}: {self.amount} EUR"


class GrantEntry(AppendOnlyModel):
    """A payment of a funded micro-project's grant (EUR, positive), append-only: what was paid is the sum of its
    entries. One advance and one balance per project (the call: advance, then balance on the approved report)."""

    class Kind(models.TextChoices):
        ADVANCE = "advance", _("Anticipo")
        BALANCE = "balance", _("Saldo")

    project = models.ForeignKey(MicroProject, on_delete=models.PROTECT, related_name="grant_entries")
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(_("importo (EUR)"), **MONEY)
    created_at = models.DateTimeField(_("data"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("eseguito da")
    )
    memo = models.CharField(_("nota"), max_length=255, blank=True)

    append_only_rows = "Grant entries"

    class Meta:
        verbose_name = _("pagamento del contributo")
        verbose_name_plural = _("pagamenti del contributo")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="collective_grant_once_per_kind"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="collective_grant_positive"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.amount} EUR"
