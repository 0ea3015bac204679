"""The provider register (Elenco Milano 0-18): applications, their categories and attachments."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.constants import ApplicationStatus, LegalForm
from catalog.validators import (
    validate_organisation_tax_code,
    validate_partita_iva,
    validate_personal_tax_code,
)
from config.private_files import PrivateFileField
from core.pages import optional_page
from core.vocabularies import Category


class RegisterApplication(models.Model):
    """An application to the Elenco Milano 0-18, reviewed by municipal staff.

    `protocol` (EL-<year>-<6 digits>, given on submission) is the code on the applicant's receipt; `call` is the
    call page (avviso) whose window received it, a plain page key since the calls are a layer above the catalogue.
    """

    organisation_name = models.CharField(_("denominazione dell'ente"), max_length=255)
    legal_form = models.CharField(_("forma giuridica"), max_length=20, choices=LegalForm.choices)
    tax_code = models.CharField(
        _("codice fiscale dell'ente"), max_length=16, validators=[validate_organisation_tax_code]
    )
    vat_number = models.CharField(_("partita IVA"), max_length=11, blank=True, validators=[validate_partita_iva])
    address = models.CharField(_("indirizzo della sede legale"), max_length=255)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("telefono"), max_length=40)
    website = models.URLField(_("sito web"), blank=True)
    representative_name = models.CharField(_("nome e cognome del legale rappresentante"), max_length=200)
    representative_tax_code = models.CharField(
        _("codice fiscale del legale rappresentante"), max_length=16, validators=[validate_personal_tax_code]
    )
    contact_email = models.EmailField(
        _("email del referente per il catalogo"), help_text=_("Riceverà l'invito ad accedere all'area riservata.")
    )
    declares_honourability = models.BooleanField(_("requisiti di onorabilità"), default=False)
    declares_professional_capacity = models.BooleanField(_("capacità professionale e tecnica"), default=False)
    declares_organisational_capacity = models.BooleanField(_("competenza organizzativa e gestionale"), default=False)

    protocol = models.CharField(_("protocollo"), max_length=20, unique=True, null=True, editable=False)
    call = optional_page(_("avviso"))
    window_label = models.CharField(_("finestra di presentazione"), max_length=120, blank=True)

    status = models.CharField(
        _("stato"), max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED, db_index=True
    )
    rejection_reason = models.TextField(_("motivo del rigetto"), blank=True)
    submitted_at = models.DateTimeField(_("inviata il"), auto_now_add=True)
    provider_page = models.ForeignKey(
        "catalog.ProviderPage",
        verbose_name=_("scheda ente"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    provider_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utente dell'ente"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    #: What the applicant writes about the organisation, in the form's order: the public form asks for these and
    #: staff read them back in the admin.
    APPLICANT_FIELDS = [
        "organisation_name",
        "legal_form",
        "tax_code",
        "vat_number",
        "address",
        "email",
        "phone",
        "website",
        "representative_name",
        "representative_tax_code",
        "contact_email",
    ]
    #: The requirements the applicant declares (the call's honourability and capacity requirements).
    DECLARATION_FIELDS = [
        "declares_honourability",
        "declares_professional_capacity",
        "declares_organisational_capacity",
    ]

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("domanda di iscrizione all'Elenco")
        verbose_name_plural = _("domande di iscrizione all'Elenco")

    def __str__(self) -> str:
        return self.organisation_name

    def assign_protocol(self) -> None:
        """Give a saved application its protocol code, EL-<year of submission>-<id, 6 digits>, once."""
        if not self.protocol:
            self.protocol = f"EL-{timezone.localtime(self.submitted_at).year}-{self.pk:06d}"
            type(self).objects.filter(pk=self.pk).update(protocol=self.protocol)

    def category_labels(self) -> str:
        return ", ".join(str(row.get_category_display()) for row in self.categories.all())

    category_labels.short_description = _("categorie")


class ApplicationCategory(models.Model):
    application = models.ForeignKey(RegisterApplication, on_delete=models.CASCADE, related_name="categories")
    category = models.CharField(_("categoria"), max_length=20, choices=Category.choices, db_index=True)

    class Meta:
        unique_together = [("application", "category")]
        ordering = ["category"]
        verbose_name = _("categoria richiesta")
        verbose_name_plural = _("categorie richieste")

    def __str__(self) -> str:
        return str(self.get_category_display())


class ApplicationAttachment(models.Model):
    application = models.ForeignKey(RegisterApplication, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("documento"), max_length=200)
    file = PrivateFileField(_("file PDF"), upload_to="elenco/%Y/%m/")

    class Meta:
        verbose_name = _("allegato")
        verbose_name_plural = _("allegati")

    def __str__(self) -> str:
        return self.title
