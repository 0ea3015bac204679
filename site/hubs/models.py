"""The seven community hubs: physical access points to the Milano 0.18 system."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable
from wagtail.search import index

from home.blocks import BodyBlock
from home.constants import Municipio, Weekday
from home.models import BasePage


class HubIndexPage(BasePage):
    intro = models.TextField(_("introduzione"), blank=True)

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["hubs.HubPage"]
    max_count = 1

    class Meta:
        verbose_name = _("indice dei community hub")

    @property
    def intro_text(self) -> str:
        return self.intro

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["hubs"] = HubPage.objects.child_of(self).live().order_by("municipio", "title")
        return context


class HubPage(BasePage):
    description = models.TextField(_("descrizione"))
    address = models.CharField(_("indirizzo"), max_length=255)
    municipio = models.PositiveSmallIntegerField(_("municipio"), choices=Municipio.choices)
    latitude = models.DecimalField(
        _("latitudine"), max_digits=9, decimal_places=6, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.DecimalField(
        _("longitudine"), max_digits=9, decimal_places=6, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    phone = models.CharField(_("telefono"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    body = StreamField(BodyBlock(), verbose_name=_("approfondimento"), blank=True)

    content_panels = BasePage.content_panels + [
        FieldPanel("description"),
        MultiFieldPanel(
            [FieldPanel("address"), FieldPanel("municipio"), FieldPanel("latitude"), FieldPanel("longitude")],
            heading=_("Dove"),
        ),
        MultiFieldPanel([FieldPanel("phone"), FieldPanel("email")], heading=_("Contatti")),
        InlinePanel("opening_hours", label=_("Orario di apertura")),
        FieldPanel("body"),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("description"),
        index.SearchField("address"),
        index.FilterField("municipio"),
    ]
    parent_page_types = ["hubs.HubIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("community hub")
        verbose_name_plural = _("community hub")

    @property
    def intro_text(self) -> str:
        return self.description


class HubOpeningHours(Orderable):
    """One opening interval on one weekday; a day may have several (morning and afternoon)."""

    page = ParentalKey(HubPage, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("giorno"), choices=Weekday.choices)
    opens = models.TimeField(_("apre alle"))
    closes = models.TimeField(_("chiude alle"))

    panels = [FieldPanel("weekday"), FieldPanel("opens"), FieldPanel("closes")]

    class Meta(Orderable.Meta):
        verbose_name = _("orario di apertura")
        verbose_name_plural = _("orari di apertura")

    def clean(self) -> None:
        if self.opens and self.closes and self.closes <= self.opens:
            raise ValidationError({"closes": _("L'orario di chiusura deve essere successivo a quello di apertura.")})
