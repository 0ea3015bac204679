"""The monitoring's aggregate tables, the resident children the City loads, and the public page.

Figures are never computed from live scans when a page is read: `monitoring.figures.refresh()` writes
`Fact` rows (one per period, call, scope, cut and metric) from the catalogue, the bookings and the
vouchers, and every page reads a handful of them. The tables hold counts and sums only, never a person.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.pages import SectionPage
from core.vocabularies import Municipio


class Metric(models.TextChoices):
    """What a figure counts; `PEOPLE` below says which are counts of people (suppressed under 3 in public)."""

    SERVICES = "services", _("Servizi nel catalogo")
    REQUESTS = "requests", _("Richieste")
    ORDERS = "orders", _("Acquisti")
    CHILDREN = "children", _("Bambini e ragazzi raggiunti")
    VOUCHER_GRANTED = "voucher_granted", _("Voucher assegnati (EUR)")
    VOUCHER_SPENT = "voucher_spent", _("Voucher spesi (EUR)")
    APPLICATIONS = "applications", _("Domande di voucher")
    MICRO_PROJECTS = "micro_projects", _("Micro-progettazioni finanziate")
    PARTICIPANTS = "participants", _("Partecipanti alle micro-progettazioni")
    RESERVED_PLACES = "reserved_places", _("Posti riservati a segnalati")
    RESERVED_FILLED = "reserved_filled", _("Posti riservati occupati")


# Metrics that count people or their acts: a public cell under 3 is shown as "<3" (monitoring.suppression).
PEOPLE = {
    Metric.REQUESTS,
    Metric.ORDERS,
    Metric.CHILDREN,
    Metric.APPLICATIONS,
    Metric.PARTICIPANTS,
    Metric.RESERVED_FILLED,
}
# The collective call's figures (monitoring.figures reads them from the funded micro-projects).
MICRO_PROJECT_METRICS = [Metric.MICRO_PROJECTS, Metric.RESERVED_PLACES, Metric.PARTICIPANTS, Metric.RESERVED_FILLED]
# Money metrics whose public cells follow the suppression of the children they reached.
MONEY = {Metric.VOUCHER_GRANTED, Metric.VOUCHER_SPENT}


class Scope(models.TextChoices):
    """What a figure is about: the whole project, one of the six challenges, one of the seven dimensions."""

    TOTAL = "total", _("Tutto il progetto")
    CHALLENGE = "challenge", _("Sfida")
    DIMENSION = "dimension", _("Dimensione del benessere")


class Cut(models.TextChoices):
    """How a figure is broken down (`ALL`: not broken down)."""

    ALL = "all", _("Totale")
    MUNICIPIO = "municipio", _("Municipio")
    AGE_BAND = "age_band", _("Fascia d'età")
    CATEGORY = "category", _("Categoria")
    MONTH = "month", _("Mese")
    ISEE_BAND = "isee_band", _("Fascia ISEE")


ALL_PERIODS = "all"


class ServiceScope(models.Model):
    """Which scopes a service counts for: the project, each of its challenges, each dimension they touch.

    Rebuilt by `refresh()` before the figures, so that a service reaching one dimension through two
    challenges counts once for it (a plain join through challenges would count it twice).
    """

    service = models.ForeignKey("catalog.ServicePage", on_delete=models.CASCADE, related_name="monitoring_scopes")
    scope = models.CharField(max_length=12, choices=Scope.choices)
    key = models.PositiveSmallIntegerField(help_text="Challenge or dimension number; 0 for the whole project.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "scope", "key"], name="monitoring_scope_once")]
        indexes = [models.Index(fields=["scope", "key"])]

    def __str__(self) -> str:
        return f"{self.service_id} {self.scope}:{self.key}"


class Fact(models.Model):
    """One figure: `metric` for `scope`/`scope_key`, broken down by `cut`/`cut_key`, in `period` and `call`.

    `period` is a calendar year in Europe/Rome ("2023") or "all"; `call` is a voucher call's id or null
    for every call (only the voucher metrics are split by call). Values are counts, or EUR with cents.
    """

    period = models.CharField(max_length=8)
    call = models.ForeignKey("booking.VoucherCall", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=12, choices=Scope.choices)
    scope_key = models.PositiveSmallIntegerField(default=0)
    cut = models.CharField(max_length=12, choices=Cut.choices)
    cut_key = models.CharField(max_length=20, blank=True)
    metric = models.CharField(max_length=20, choices=Metric.choices)
    value = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        indexes = [models.Index(fields=["period", "call", "cut", "scope"])]
        permissions = [("view_monitoring", "Può vedere il monitoraggio")]

    def __str__(self) -> str:
        return f"{self.period} {self.scope}:{self.scope_key} {self.cut}:{self.cut_key} {self.metric}={self.value}"


class Refresh(models.Model):
    """One run of `refresh()`: when, how long (seconds) and how many figures it wrote."""

    started_at = models.DateTimeField()
    seconds = models.FloatField()
    facts = models.PositiveIntegerField()

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} ({self.facts})"


class ResidentChildren(models.Model):
    """Children resident in a municipio and age band: the denominator of the equity figures.

    Loaded by `manage.py load_resident_children FILE.csv` (format in monitoring/README.md); the demo's
    are synthetic and say so (`synthetic`), the City loads ISTAT's or the Anagrafe's.
    """

    year = models.PositiveSmallIntegerField(_("anno"))
    municipio = models.PositiveSmallIntegerField(_("municipio"), choices=Municipio.choices)
    age_band = models.CharField(_("fascia d'età"), max_length=8)
    count = models.PositiveIntegerField(_("residenti"))
    source = models.CharField(_("fonte"), max_length=200)
    synthetic = models.BooleanField(_("dati sintetici"), default=False)

    class Meta:
        verbose_name = _("bambini e ragazzi residenti")
        verbose_name_plural = _("bambini e ragazzi residenti")
        constraints = [
            models.UniqueConstraint(fields=["year", "municipio", "age_band"], name="monitoring_residents_once")
        ]

    def __str__(self) -> str:
        return f"{self.year} M{self.municipio} {self.age_band}: {self.count}"


class MonitoringPage(SectionPage):
    """The public page: the project's contribution per challenge and the radar of the seven dimensions.

    Aggregates only, small cells suppressed; it reads the figures of the last nightly refresh.
    """

    class Meta:
        verbose_name = _("pagina del monitoraggio")

    def get_context(self, request, *args, **kwargs):
        from monitoring.public import public_context

        context = super().get_context(request, *args, **kwargs)
        context.update(public_context())
        return context
