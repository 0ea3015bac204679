"""The seven community hubs: physical access points to the Milano 0.18 system."""

import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable
from wagtail.search import index

from core.blocks import BodyBlock
from core.pages import BasePage, SectionPage
from core.vocabularies import Municipio, Weekday
from hubs.map import hub_map


class HubIndexPage(SectionPage):
    subpage_types = ["hubs.HubPage"]

    class Meta:
        verbose_name = _("indice dei community hub")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        hubs = list(
            HubPage.objects.child_of(self)
            .live()
            .public()
            .order_by("municipio", "title")
            .prefetch_related("opening_hours")
        )
        today = timezone.localdate()
        for hub in hubs:
            hub.today_intervals = [(h.opens, h.closes) for h in hub.intervals_on(today.weekday())]
        context.update(hubs=hubs, today=today, hub_map=hub_map(hubs))
        return context


@dataclass(frozen=True)
class ScheduleRow:
    """Consecutive weekdays that share the same opening intervals (none: closed)."""

    first_day: str
    last_day: str | None
    intervals: tuple

    @property
    def closed(self) -> bool:
        return not self.intervals


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

    summary_field = "description"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["schedule"] = self.weekly_schedule()
        context["json_ld"] = self.json_ld(request)
        return context

    def sorted_opening_hours(self) -> list["HubOpeningHours"]:
        """All the opening intervals by weekday and time, read once per instance (prefetch-friendly)."""
        if not hasattr(self, "_sorted_opening_hours"):
            self._sorted_opening_hours = sorted(self.opening_hours.all(), key=lambda h: (h.weekday, h.opens))
        return self._sorted_opening_hours

    def intervals_on(self, weekday: int) -> list["HubOpeningHours"]:
        """The opening intervals of one weekday (0 = Monday), earliest first; empty when closed."""
        return [h for h in self.sorted_opening_hours() if h.weekday == weekday]

    def weekly_schedule(self) -> list[ScheduleRow]:
        """The week from Monday to Sunday, consecutive days with the same hours grouped in one row."""
        rows: list[ScheduleRow] = []
        for weekday in Weekday:
            intervals = tuple((h.opens, h.closes) for h in self.intervals_on(weekday.value))
            if rows and rows[-1].intervals == intervals:
                rows[-1] = ScheduleRow(rows[-1].first_day, weekday.label, intervals)
            else:
                rows.append(ScheduleRow(weekday.label, None, intervals))
        return rows

    def openstreetmap_url(self) -> str:
        return (
            f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}"
            f"#map=17/{self.latitude}/{self.longitude}"
        )

    def json_ld(self, request=None) -> SafeString:
        """schema.org CivicStructure description of the hub, safe to embed in a <script> element."""
        data = {
            "@context": "https://schema.org",
            "@type": "CivicStructure",
            "name": self.title,
            "description": self.description,
            "url": self.get_full_url(request),
            "address": {
                "@type": "PostalAddress",
                "streetAddress": self.address,
                "addressLocality": "Milano",
                "addressRegion": "MI",
                "addressCountry": "IT",
            },
            "geo": {"@type": "GeoCoordinates", "latitude": float(self.latitude), "longitude": float(self.longitude)},
            "openingHoursSpecification": [
                {
                    "@type": "OpeningHoursSpecification",
                    "dayOfWeek": f"https://schema.org/{SCHEMA_DAYS[h.weekday]}",
                    "opens": h.opens.strftime("%H:%M"),
                    "closes": h.closes.strftime("%H:%M"),
                }
                for h in self.sorted_opening_hours()
            ],
        }
        if self.phone:
            data["telephone"] = self.phone
        if self.email:
            data["email"] = self.email
        text = json.dumps(data, ensure_ascii=False)
        for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
            text = text.replace(char, escape)
        return mark_safe(text)  # the HTML-significant characters are escaped above


SCHEMA_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


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
