"""The rows a provider's or a service's sheet holds (Orderables and through models), keyed by string label."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import Orderable

from catalog.constants import (
    Category,
    DocumentKind,
    OfficeKind,
)
from home.constants import Municipio, Weekday


class ProviderCategory(models.Model):
    page = ParentalKey("catalog.ProviderPage", on_delete=models.CASCADE, related_name="categories")
    category = models.CharField(_("categoria"), max_length=20, choices=Category.choices, db_index=True)

    class Meta:
        unique_together = [("page", "category")]
        ordering = ["category"]

    def __str__(self) -> str:
        return str(self.get_category_display())


class ProviderOffice(Orderable):
    page = ParentalKey("catalog.ProviderPage", on_delete=models.CASCADE, related_name="offices")
    kind = models.CharField(_("tipo"), max_length=10, choices=OfficeKind.choices, default=OfficeKind.MAIN)
    address = models.CharField(_("indirizzo"), max_length=255)
    municipio = models.PositiveSmallIntegerField(_("municipio"), choices=Municipio.choices, null=True, blank=True)

    panels = [FieldPanel("kind"), FieldPanel("address"), FieldPanel("municipio")]


class ProviderDocument(Orderable):
    page = ParentalKey("catalog.ProviderPage", on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("tipo di documento"), max_length=20, choices=DocumentKind.choices)
    document = models.ForeignKey("wagtaildocs.Document", verbose_name=_("documento"), on_delete=models.CASCADE)

    panels = [FieldPanel("kind"), FieldPanel("document")]


class ServiceTag(TaggedItemBase):
    content_object = ParentalKey("catalog.ServicePage", on_delete=models.CASCADE, related_name="tagged_items")


class ServiceMunicipio(models.Model):
    """A municipio the service covers (Zone di intervento): one indexed row per municipio."""

    page = ParentalKey("catalog.ServicePage", on_delete=models.CASCADE, related_name="served_municipi")
    municipio = models.PositiveSmallIntegerField(_("municipio"), choices=Municipio.choices, db_index=True)

    class Meta:
        unique_together = [("page", "municipio")]
        ordering = ["municipio"]

    def __str__(self) -> str:
        return str(self.get_municipio_display())


class ServiceActivity(Orderable):
    page = ParentalKey("catalog.ServicePage", on_delete=models.CASCADE, related_name="activities")
    name = models.CharField(_("attività"), max_length=200)

    panels = [FieldPanel("name")]


class ServiceLocation(Orderable):
    page = ParentalKey("catalog.ServicePage", on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(_("nome del luogo"), max_length=200, blank=True)
    address = models.CharField(_("indirizzo"), max_length=255)
    municipio = models.PositiveSmallIntegerField(_("municipio"), choices=Municipio.choices)
    latitude = models.DecimalField(
        _("latitudine"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitudine"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("address"),
        FieldPanel("municipio"),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
    ]


class ServicePriceTier(Orderable):
    """A price per participant for groups of a given size."""

    page = ParentalKey("catalog.ServicePage", on_delete=models.CASCADE, related_name="price_tiers")
    min_participants = models.PositiveSmallIntegerField(_("partecipanti da"), validators=[MinValueValidator(1)])
    max_participants = models.PositiveSmallIntegerField(_("partecipanti fino a"), validators=[MinValueValidator(1)])
    price_per_participant = models.DecimalField(
        _("prezzo per partecipante (EUR)"), max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )

    panels = [FieldPanel("min_participants"), FieldPanel("max_participants"), FieldPanel("price_per_participant")]

    def clean(self):
        if self.min_participants and self.max_participants and self.min_participants > self.max_participants:
            raise ValidationError({"max_participants": _("Il numero massimo precede il minimo.")})


class ServiceContactHours(Orderable):
    """An interval of the first-contact hours (Primo contatto); several per day are allowed."""

    page = ParentalKey("catalog.ServicePage", on_delete=models.CASCADE, related_name="contact_hours")
    weekday = models.PositiveSmallIntegerField(_("giorno"), choices=Weekday.choices)
    opens = models.TimeField(_("dalle"))
    closes = models.TimeField(_("alle"))

    panels = [FieldRowPanel([FieldPanel("weekday"), FieldPanel("opens"), FieldPanel("closes")])]

    def clean(self):
        if self.opens and self.closes and self.opens >= self.closes:
            raise ValidationError({"closes": _("L'orario di chiusura deve seguire quello di apertura.")})


class ServiceSession(Orderable):
    """A weekly slot of the activity (Orario settimanale)."""

    page = ParentalKey("catalog.ServicePage", on_delete=models.CASCADE, related_name="sessions")
    weekday = models.PositiveSmallIntegerField(_("giorno"), choices=Weekday.choices)
    start_time = models.TimeField(_("dalle"))
    end_time = models.TimeField(_("alle"))

    panels = [FieldRowPanel([FieldPanel("weekday"), FieldPanel("start_time"), FieldPanel("end_time")])]

    def clean(self):
        if self.start_time and self.end_time and self.start_time >= self.end_time:
            raise ValidationError({"end_time": _("L'orario di fine deve seguire quello di inizio.")})


class ServiceImage(Orderable):
    page = ParentalKey("catalog.ServicePage", on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey("wagtailimages.Image", verbose_name=_("immagine"), on_delete=models.CASCADE)
    caption = models.CharField(_("didascalia"), max_length=255, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]
