"""What the City must publish about this system, and what visitors tell it back.

- `PrivacyNoticePage`: one GDPR art. 13 notice per processing (families, voucher call, provider register,
  collective vouchers, site visitors), its sections as structured fields so none can be left out.
- `AccessibilityStatementPage`: the accessibility statement in the structure of AgID's model
  (Linee guida sull'accessibilità degli strumenti informatici, allegato 1).
- `AccessibilityFeedback`: what a visitor reports through the statement's feedback form.
- `PageFeedback`: the anonymous "Valuta questo servizio" answers (useful or not, a reason, a short comment).
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.search import index

from core.pages import BasePage

NOTICE_FEATURES = ["bold", "italic", "link", "ul", "ol"]


class Processing(models.TextChoices):
    """The processings of personal data this system carries out, one privacy notice each."""

    FAMILIES = "families", _("Account delle famiglie e prenotazioni")
    VOUCHER_CALL = "voucher_call", _("Avviso voucher digitali")
    PROVIDER_REGISTER = "provider_register", _("Elenco Milano 0-18 (enti)")
    COLLECTIVE_VOUCHERS = "collective_vouchers", _("Voucher collettivi (micro-progettazioni)")
    VISITORS = "visitors", _("Visitatori del sito")


class PrivacyNoticePage(BasePage):
    """The notice of one processing (GDPR art. 13, and art. 14 where data come from others).

    Forms link the notice of their processing with `{% privacy_notice "families" %}` (legal_tags), so
    each processing has at most one live notice.
    """

    processing = models.CharField(
        _("trattamento"),
        max_length=30,
        choices=Processing.choices,
        unique=True,
        help_text=_("I moduli che raccolgono dati per questo trattamento rimandano a questa informativa."),
    )
    intro = models.TextField(_("introduzione"), blank=True)
    last_updated = models.DateField(_("ultimo aggiornamento"))
    controller = RichTextField(_("titolare del trattamento"), features=NOTICE_FEATURES)
    dpo = RichTextField(_("responsabile della protezione dei dati (RPD/DPO)"), features=NOTICE_FEATURES)
    purposes = RichTextField(_("finalità"), features=NOTICE_FEATURES)
    legal_basis = RichTextField(_("base giuridica"), features=NOTICE_FEATURES)
    data_categories = RichTextField(_("dati trattati"), features=NOTICE_FEATURES)
    data_source = RichTextField(
        _("da dove vengono i dati"),
        features=NOTICE_FEATURES,
        blank=True,
        help_text=_("Quando i dati non sono forniti dall'interessato (articolo 14 del GDPR)."),
    )
    provision = RichTextField(_("obbligo di fornire i dati"), features=NOTICE_FEATURES)
    recipients = RichTextField(_("chi riceve i dati"), features=NOTICE_FEATURES)
    retention = RichTextField(_("per quanto tempo"), features=NOTICE_FEATURES)
    rights = RichTextField(_("i tuoi diritti"), features=NOTICE_FEATURES)
    other = RichTextField(
        _("altre informazioni"),
        features=NOTICE_FEATURES,
        blank=True,
        help_text=_("Per esempio trasferimenti fuori dall'Unione Europea o decisioni automatizzate."),
    )

    content_panels = BasePage.content_panels + [
        FieldPanel("processing"),
        FieldPanel("intro"),
        FieldPanel("last_updated"),
        MultiFieldPanel([FieldPanel("controller"), FieldPanel("dpo")], heading=_("Chi tratta i dati")),
        MultiFieldPanel(
            [
                FieldPanel("purposes"),
                FieldPanel("legal_basis"),
                FieldPanel("data_categories"),
                FieldPanel("data_source"),
                FieldPanel("provision"),
            ],
            heading=_("Quali dati e perché"),
        ),
        MultiFieldPanel(
            [FieldPanel("recipients"), FieldPanel("retention"), FieldPanel("rights"), FieldPanel("other")],
            heading=_("A chi, per quanto, i tuoi diritti"),
        ),
    ]
    search_fields = BasePage.search_fields + [index.SearchField("intro"), index.SearchField("purposes")]
    parent_page_types = ["home.HomePage", "home.ContentPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("informativa privacy")
        verbose_name_plural = _("informative privacy")

    # Section headings in the order the page shows them (field, heading).
    SECTIONS = [
        ("controller", _("Titolare del trattamento")),
        ("dpo", _("Responsabile della protezione dei dati")),
        ("purposes", _("Perché trattiamo i tuoi dati")),
        ("legal_basis", _("Su quale base giuridica")),
        ("data_categories", _("Quali dati trattiamo")),
        ("data_source", _("Da dove vengono i dati")),
        ("provision", _("Sei obbligato a fornire i dati?")),
        ("recipients", _("Chi può vedere i dati")),
        ("retention", _("Per quanto tempo li conserviamo")),
        ("rights", _("I tuoi diritti e come esercitarli")),
        ("other", _("Altre informazioni")),
    ]

    def sections(self) -> list[tuple[str, str, str]]:
        """(anchor, heading, rich text) of every filled section, in reading order."""
        return [
            (name.replace("_", "-"), heading, getattr(self, name))
            for name, heading in self.SECTIONS
            if getattr(self, name)
        ]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["other_notices"] = (
            PrivacyNoticePage.objects.live().public().exclude(pk=self.pk).order_by("path").only("title", "url_path")
        )
        context["family_url"] = reverse("booking:family")
        return context

    @property
    def concerns_families(self) -> bool:
        """Whether the family area (data export, account erasure) is where the data subject exercises rights."""
        return self.processing in (Processing.FAMILIES, Processing.VOUCHER_CALL)


class ComplianceStatus(models.TextChoices):
    """AgID's three levels of compliance with the accessibility requirements."""

    COMPLIANT = "compliant", _("conforme")
    PARTIAL = "partial", _("parzialmente conforme")
    NON_COMPLIANT = "non_compliant", _("non conforme")


class AccessibilityStatementPage(BasePage):
    """The accessibility statement, section by section as in AgID's model.

    The feedback form lives at `legal:accessibility_feedback` (a plain view, so this page stays cacheable).
    """

    intro = models.TextField(_("introduzione"), blank=True)
    compliance_status = models.CharField(
        _("stato di conformità"), max_length=20, choices=ComplianceStatus.choices, default=ComplianceStatus.PARTIAL
    )
    compliance_text = RichTextField(_("dettagli sullo stato di conformità"), features=NOTICE_FEATURES)
    non_accessible_content = RichTextField(_("contenuti non accessibili"), features=NOTICE_FEATURES)
    prepared_on = models.DateField(_("data di redazione della dichiarazione"))
    reviewed_on = models.DateField(_("data dell'ultimo riesame"), null=True, blank=True)
    evaluation = RichTextField(_("come è stata valutata la conformità"), features=NOTICE_FEATURES)
    feedback_text = RichTextField(_("meccanismo di feedback e contatti"), features=NOTICE_FEATURES)
    enforcement_text = RichTextField(_("procedura di attuazione"), features=NOTICE_FEATURES)
    enforcement_url = models.URLField(
        _("indirizzo della procedura di attuazione"),
        default="https://form.agid.gov.it/",
        help_text=_("Il modulo di AgID per le segnalazioni al Difensore civico per il digitale."),
    )
    site_info = RichTextField(_("informazioni sul sito"), features=NOTICE_FEATURES, blank=True)

    content_panels = BasePage.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel([FieldPanel("compliance_status"), FieldPanel("compliance_text")], heading=_("Conformità")),
        FieldPanel("non_accessible_content"),
        MultiFieldPanel(
            [FieldPanel("prepared_on"), FieldPanel("reviewed_on"), FieldPanel("evaluation")],
            heading=_("Redazione della dichiarazione"),
        ),
        FieldPanel("feedback_text"),
        MultiFieldPanel([FieldPanel("enforcement_text"), FieldPanel("enforcement_url")], heading=_("Attuazione")),
        FieldPanel("site_info"),
    ]
    search_fields = BasePage.search_fields + [index.SearchField("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("dichiarazione di accessibilità")


class AccessibilityFeedback(models.Model):
    """A visitor's report of an accessibility problem (AgID model: "meccanismo di feedback").

    The e-mail is optional, asked only to answer; the City answers within 30 days (Legge 4/2004 art. 3-quinquies).
    """

    created_at = models.DateTimeField(_("ricevuta il"), auto_now_add=True)
    page_url = models.CharField(_("pagina"), max_length=500, blank=True)
    description = models.TextField(_("descrizione del problema"), max_length=2000)
    email = models.EmailField(_("email per la risposta"), blank=True)
    handled = models.BooleanField(_("gestita"), default=False)
    staff_notes = models.TextField(_("note della redazione"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("segnalazione di accessibilità")
        verbose_name_plural = _("segnalazioni di accessibilità")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.description[:60]}"


class FeedbackReason(models.TextChoices):
    """The reasons offered after a yes or a no, as in the Designers Italia "Valuta questo servizio" model."""

    CLEAR = "clear", _("Le informazioni erano chiare")
    COMPLETE = "complete", _("Le informazioni erano complete")
    FOUND = "found", _("Ho trovato quello che cercavo")
    UNCLEAR = "unclear", _("Le informazioni non erano chiare")
    INCOMPLETE = "incomplete", _("Le informazioni erano incomplete")
    NOT_FOUND = "not_found", _("Non ho trovato quello che cercavo")
    TECHNICAL = "technical", _("Ho avuto problemi tecnici")
    OTHER = "other", _("Altro")


POSITIVE_REASONS = [FeedbackReason.CLEAR, FeedbackReason.COMPLETE, FeedbackReason.FOUND, FeedbackReason.OTHER]
NEGATIVE_REASONS = [
    FeedbackReason.UNCLEAR,
    FeedbackReason.INCOMPLETE,
    FeedbackReason.NOT_FOUND,
    FeedbackReason.TECHNICAL,
    FeedbackReason.OTHER,
]
COMMENT_MAX_LENGTH = 200


class PageFeedback(models.Model):
    """One anonymous answer to "Ti è stata utile questa pagina?": no user, no IP address, no cookie."""

    page = models.ForeignKey("wagtailcore.Page", verbose_name=_("pagina"), on_delete=models.CASCADE, related_name="+")
    useful = models.BooleanField(_("utile"))
    reason = models.CharField(_("motivo"), max_length=20, choices=FeedbackReason.choices, blank=True)
    comment = models.TextField(_("commento"), max_length=COMMENT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("data"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("valutazione di una pagina")
        verbose_name_plural = _("valutazioni delle pagine")

    def __str__(self) -> str:
        return f"{self.page_id} {'+' if self.useful else '-'} {self.created_at:%Y-%m-%d}"

    def reasons(self) -> list[str]:
        """The reasons that fit this answer (positive after a yes, negative after a no)."""
        return POSITIVE_REASONS if self.useful else NEGATIVE_REASONS
