"""Vocabularies of the catalogue: categories, price units, legal forms, descriptors, register states."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from search.documents import PRICE_UNITS


class Category(models.TextChoices):
    SPORT = "sport", _("Sport")
    ARTE = "arte", _("Arte")
    STEM = "stem", _("STEM")
    SALUTE = "salute", _("Salute")
    SCUOLA_PLUS = "scuola-plus", _("Scuola +")


# The seed's descriptions of the five categories (WeMi "Scopri i servizi 0-18 anni").
CATEGORY_DESCRIPTIONS = {
    Category.SPORT: (
        "Corsi di sport individuali e di gruppo, scuole di circo, gioco danza, gioco sport e psicomotricità"
    ),
    Category.ARTE: (
        "Corsi e laboratori di arti figurative, teatro, musica, attività e proposte culturali per tutte le età, "
        "come workshop e visite guidate"
    ),
    Category.STEM: "Laboratori di coding, robotica, scienze, astronomia, educazione ambientale e sostenibilità",
    Category.SALUTE: "Attività di promozione della salute, prevenzione e cura, anche per problematiche specifiche",
    Category.SCUOLA_PLUS: (
        "Doposcuola, sostegno ai compiti e allo studio, orientamento scolastico, "
        "corsi di italiano e di lingue straniere"
    ),
}


class PriceUnit(models.TextChoices):
    """What a price is for; the labels are the search documents' (search.documents.PRICE_UNITS), said once."""

    SESSION = "session", PRICE_UNITS["session"]
    MONTH = "month", PRICE_UNITS["month"]
    COURSE = "course", PRICE_UNITS["course"]
    ONE_OFF = "one-off", PRICE_UNITS["one-off"]


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


# The five wellbeing descriptors of the service sheet: (model field, label).
DESCRIPTORS = [
    ("descriptor_body", _("Corpo e movimento")),
    ("descriptor_relationships", _("Relazioni")),
    ("descriptor_knowledge", _("Conoscenze e competenze")),
    ("descriptor_creativity", _("Creatività, abilità e talenti")),
    ("descriptor_self_determination", _("Autodeterminazione")),
]
DESCRIPTOR_MAX = 5


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Da esaminare")
    APPROVED = "approved", _("Ammessa")
    REJECTED = "rejected", _("Respinta")


PROVIDER_GROUP_PREFIX = "Ente: "
EDITORS_GROUP = "Redazione del Comune"
WORKFLOW_NAME = "Revisione del Comune"
TASK_NAME = "Approvazione della Redazione del Comune"
