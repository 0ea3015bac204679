"""Every code list of the domain, each code with ONE label: the only place a vocabulary's labels are written.

Pages, forms, model choices, search (facets, documents), the JSON API, its OpenAPI schema and the demo
read codes and labels from here; `tests/core/test_vocabulary_labels.py` fails when a page or the API, and
`tests/core/test_vocabulary_literals.py` when a file elsewhere, writes a label of its own. Labels are Italian
(the source language) through gettext.

Each vocabulary is a Django `TextChoices` / `IntegerChoices` (so it is also a model field's `choices`),
with the extra facts of a code as properties:

- `Category`: the five catalogue categories and their descriptions. Source: the seed
  «Scopri i servizi 0-18 anni» (WeMi; shared/seeds/milano-018-presentation.txt), which writes «Scuola +».
- `Municipio`: Milan's nine municipi, each with its number and the areas it covers, so a page can say
  «Municipio 5 — Vigentino, Chiaravalle, Gratosoglio» (`long_label`). Source: the City of Milan's
  denomination of the nine municipi (Comune di Milano, «I Municipi», https://www.comune.milano.it/municipi;
  the same names in Wikipedia, «Municipi di Milano», https://it.wikipedia.org/wiki/Municipi_di_Milano).
  The 88 NIL (Nuclei di Identità Locale, PGT Milano 2030) are not listed: several NIL cross a municipio's
  border, so a NIL is not a part of one municipio.
- `Descriptor`: the five wellbeing descriptors of the service sheet, scored 0-`DESCRIPTOR_MAX`
  (seed: «Descrittori del benessere», «Creatività, abilità e talenti»).
- `Dimension`: the seven wellbeing dimensions of the strategic framework (seed: «Dimensioni del benessere»)
  with their colours; `theme/static/theme/css/milano018.css` repeats them as `--m018-dim-1` … `--m018-dim-7`
  (CSS cannot import Python: a test compares the two). White text on each colour has at least 5:1 contrast.
- `DeliveryMode`: where a service is delivered («Sede di erogazione»), with the service page's boolean field.
- `Weekday`: Monday (0, as Python's `date.weekday()`) to Sunday (6).
- `AgeBand`: the age bands of the six challenges.
- `PriceUnit`: what a service's price refers to.
- `COST`, `VOUCHER`: the two yes/no facts families filter on (free of charge; the voucher accepted).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

#: Oldest age (completed years) a service or a child can have: the programme is for 0-18.
MAX_AGE = 18
#: Highest score of a wellbeing descriptor (scores go 0-5).
DESCRIPTOR_MAX = 5


class Category(models.TextChoices):
    SPORT = "sport", _("Sport")
    ARTE = "arte", _("Arte")
    STEM = "stem", _("STEM")
    SALUTE = "salute", _("Salute")
    SCUOLA_PLUS = "scuola-plus", _("Scuola +")

    @property
    def description(self) -> str:
        """The seed's one-line description of the category (Italian)."""
        return _CATEGORY_DESCRIPTIONS[self]


_CATEGORY_DESCRIPTIONS = {
    Category.SPORT: _(
        "Corsi di sport individuali e di gruppo, scuole di circo, gioco danza, gioco sport e psicomotricità"
    ),
    Category.ARTE: _(
        "Corsi e laboratori di arti figurative, teatro, musica, attività e proposte culturali per tutte le età, "
        "come workshop e visite guidate"
    ),
    Category.STEM: _("Laboratori di coding, robotica, scienze, astronomia, educazione ambientale e sostenibilità"),
    Category.SALUTE: _("Attività di promozione della salute, prevenzione e cura, anche per problematiche specifiche"),
    Category.SCUOLA_PLUS: _(
        "Doposcuola, sostegno ai compiti e allo studio, orientamento scolastico, "
        "corsi di italiano e di lingue straniere"
    ),
}


class Municipio(models.IntegerChoices):
    M1 = 1, _("Municipio 1")
    M2 = 2, _("Municipio 2")
    M3 = 3, _("Municipio 3")
    M4 = 4, _("Municipio 4")
    M5 = 5, _("Municipio 5")
    M6 = 6, _("Municipio 6")
    M7 = 7, _("Municipio 7")
    M8 = 8, _("Municipio 8")
    M9 = 9, _("Municipio 9")

    @property
    def areas(self) -> tuple[str, ...]:
        """The areas the municipio covers, in the City's own denomination (proper names, not translated)."""
        return _MUNICIPIO_AREAS[self]

    @property
    def long_label(self) -> str:
        """«Municipio 5 — Vigentino, Chiaravalle, Gratosoglio»."""
        return f"{self.label} — {', '.join(self.areas)}"


_MUNICIPIO_AREAS = {
    Municipio.M1: ("Centro storico",),
    Municipio.M2: ("Stazione Centrale", "Gorla", "Turro", "Greco", "Crescenzago"),
    Municipio.M3: ("Città Studi", "Lambrate", "Venezia"),
    Municipio.M4: ("Vittoria", "Forlanini"),
    Municipio.M5: ("Vigentino", "Chiaravalle", "Gratosoglio"),
    Municipio.M6: ("Barona", "Lorenteggio"),
    Municipio.M7: ("Baggio", "De Angeli", "San Siro"),
    Municipio.M8: ("Fiera", "Gallaratese", "Quarto Oggiaro"),
    Municipio.M9: ("Stazione Garibaldi", "Niguarda"),
}


class Descriptor(models.TextChoices):
    BODY = "body", _("Corpo e movimento")
    RELATIONSHIPS = "relationships", _("Relazioni")
    KNOWLEDGE = "knowledge", _("Conoscenze e competenze")
    CREATIVITY = "creativity", _("Creatività, abilità e talenti")
    SELF_DETERMINATION = "self_determination", _("Autodeterminazione")

    @property
    def field(self) -> str:
        """The service page's field holding this descriptor's score (0-DESCRIPTOR_MAX)."""
        return f"descriptor_{self.value}"


class Dimension(models.IntegerChoices):
    RELATIONSHIPS = 1, _("Relazioni sociali di alta qualità")
    HEALTH = 2, _("Accesso ai servizi sanitari")
    EDUCATION = 3, _("Accesso a istruzione e formazione")
    PHYSICAL_ACTIVITY = 4, _("Opportunità di praticare attività fisica")
    TALENTS = 5, _("Opportunità di esprimere talenti e creatività")
    SELF_DETERMINATION = 6, _("Opportunità e capacità di autodeterminazione")
    COMMON_SPACES = 7, _("Accesso a spazi comuni di qualità")

    @property
    def colour(self) -> str:
        """Hexadecimal colour (#rrggbb); white text on it has at least 5:1 contrast."""
        return _DIMENSION_COLOURS[self]

    @property
    def css_token(self) -> str:
        """The CSS custom property carrying the colour in milano018.css."""
        return f"--m018-dim-{self.value}"


_DIMENSION_COLOURS = {
    Dimension.RELATIONSHIPS: "#b3124b",
    Dimension.HEALTH: "#00695c",
    Dimension.EDUCATION: "#0b5cad",
    Dimension.PHYSICAL_ACTIVITY: "#a33f00",
    Dimension.TALENTS: "#6a1b9a",
    Dimension.SELF_DETERMINATION: "#2e7d32",
    Dimension.COMMON_SPACES: "#6d4c41",
}


class DeliveryMode(models.TextChoices):
    VENUE = "sede", _("In sede")
    HOME = "domicilio", _("A domicilio")
    ONLINE = "online", _("Online")

    @property
    def field(self) -> str:
        """The service page's boolean field saying the service is delivered this way."""
        return _DELIVERY_FIELDS[self]


_DELIVERY_FIELDS = {DeliveryMode.VENUE: "at_premises", DeliveryMode.HOME: "at_home", DeliveryMode.ONLINE: "online"}


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Lunedì")
    TUESDAY = 1, _("Martedì")
    WEDNESDAY = 2, _("Mercoledì")
    THURSDAY = 3, _("Giovedì")
    FRIDAY = 4, _("Venerdì")
    SATURDAY = 5, _("Sabato")
    SUNDAY = 6, _("Domenica")


class AgeBand(models.TextChoices):
    EARLY = "0-6", _("0-6 anni")
    CHILDHOOD = "6-14", _("6-14 anni")
    TEENS = "14-18", _("14-18 anni")
    ALL = "0-18", _("0-18 anni")


class PriceUnit(models.TextChoices):
    SESSION = "session", _("a incontro")
    MONTH = "month", _("al mese")
    COURSE = "course", _("per l'intero corso")
    ONE_OFF = "one-off", _("una tantum")


#: Whether a service is free of charge (True) or paid (False).
COST = {True: _("Gratuito"), False: _("A pagamento")}
#: Whether a service accepts the Milano 0.18 voucher.
VOUCHER = {True: _("Accetta il voucher"), False: _("Senza voucher")}


def labels(choices: type[models.Choices]) -> dict:
    """{code: label} of a vocabulary, in its order (what search facets and JSON answers read)."""
    return {member.value: member.label for member in choices}


#: Every vocabulary by the name templates and tests use for it ({% term "municipio" 5 %}).
VOCABULARIES: dict[str, type[models.Choices] | dict] = {
    "category": Category,
    "municipio": Municipio,
    "descriptor": Descriptor,
    "dimension": Dimension,
    "delivery": DeliveryMode,
    "weekday": Weekday,
    "age_band": AgeBand,
    "price_unit": PriceUnit,
    "cost": COST,
    "voucher": VOUCHER,
}


def vocabulary_labels(name: str) -> dict:
    """{code: label} of the vocabulary called `name` (KeyError for an unknown name)."""
    vocabulary = VOCABULARIES[name]
    return dict(vocabulary) if isinstance(vocabulary, dict) else labels(vocabulary)


def label_of(name: str, code) -> str | None:
    """The label of `code` in the vocabulary called `name`, or None when the code is not in it.

    Codes may come as text (from a template or a query string): "5" finds Municipio 5, "True" the yes label.
    """
    by_code = vocabulary_labels(name)
    for candidate, label in by_code.items():
        if candidate == code or str(candidate) == str(code):
            return str(label)
    return None


def long_label_of(name: str, code) -> str | None:
    """The long label of `code` (`long_label`, e.g. a municipio with its areas), else its label; None if unknown."""
    vocabulary = VOCABULARIES[name]
    if isinstance(vocabulary, dict):
        return label_of(name, code)
    for member in vocabulary:
        if member.value == code or str(member.value) == str(code):
            return str(getattr(member, "long_label", member.label))
    return None
