"""Domain vocabularies shared by several apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Lunedì")
    TUESDAY = 1, _("Martedì")
    WEDNESDAY = 2, _("Mercoledì")
    THURSDAY = 3, _("Giovedì")
    FRIDAY = 4, _("Venerdì")
    SATURDAY = 5, _("Sabato")
    SUNDAY = 6, _("Domenica")
