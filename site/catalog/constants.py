"""Code lists of the catalogue alone: sharing, legal forms, documents, offices, register states, group names.

The shared vocabularies (categories, descriptors, price units...) are in `core.vocabularies`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sharing(models.TextChoices):
    INDIVIDUAL = "individual", _("Singola")
    SHARED = "shared", _("Condivisa")
    BOTH = "both", _("Singola o condivisa")


class LegalForm(models.TextChoices):
    THIRD_SECTOR = "ets", _("Ente del Terzo Settore (D.Lgs. 117/2017)")
    COMPANY = "impresa", _("Impresa iscritta al Registro della Camera di Commercio")
    NONPROFIT = "associazione", _("Soggetto associativo senza scopo di lucro")
    OTHER = "altro", _("Altro soggetto giuridico costituito a norma di legge")


class DocumentKind(models.TextChoices):
    CONDITIONS = "conditions", _("Condizioni di utilizzo")
    PRIVACY = "privacy", _("Informativa privacy")
    WITHDRAWAL = "withdrawal", _("Modulo di recesso")
    SOCIAL_REPORT = "social-report", _("Bilancio sociale")
    CERTIFICATION = "certification", _("Certificazione")


class OfficeKind(models.TextChoices):
    MAIN = "main", _("Sede principale")
    SECONDARY = "secondary", _("Sede secondaria")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Da esaminare")
    APPROVED = "approved", _("Ammessa")
    REJECTED = "rejected", _("Respinta")


PROVIDER_GROUP_PREFIX = "Ente: "
EDITORS_GROUP = "Redazione del Comune"
WORKFLOW_NAME = "Revisione del Comune"
TASK_NAME = "Approvazione della Redazione del Comune"
