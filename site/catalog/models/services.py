"""Scheda Servizio: the service page, its admin form and the query of live services a card shows."""

import json
from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.search import index

from catalog.constants import Sharing
from catalog.models.inlines import ServiceImage, ServiceMunicipio
from core.pages import BasePage
from core.vocabularies import COST, DESCRIPTOR_MAX, Category, DeliveryMode, Descriptor, Municipio, PriceUnit, Weekday
from search.documents import price_text

if TYPE_CHECKING:
    from catalog.models.providers import ProviderPage


RICH_TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


def live_services():
    """Live services with what a card shows, newest first: one query, plus one per prefetched relation."""
    return (
        ServicePage.objects.live()
        .public()
        .select_related("provider_page")
        .prefetch_related("served_municipi")
        .order_by("-first_published_at", "-pk")
    )


class ServicePageForm(WagtailAdminPageForm):
    """Municipi served as checkboxes, stored as indexed rows (filterable on SQLite and PostgreSQL alike)."""

    municipi_served = forms.TypedMultipleChoiceField(
        label=_("Zone di intervento"), choices=Municipio.choices, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipi_served"].initial = [row.municipio for row in self.instance.served_municipi.all()]
        if "challenges" in self.fields:
            # Only published challenges (and those already chosen): a draft's title is not the provider's to read.
            chosen = [page.pk for page in self.instance.challenges.all()] if self.instance.pk else []
            field = self.fields["challenges"]
            field.queryset = field.queryset.filter(Q(live=True) | Q(pk__in=chosen))

    def save(self, commit=True):
        page = super().save(commit=False)
        page.served_municipi = [ServiceMunicipio(municipio=number) for number in self.cleaned_data["municipi_served"]]
        if commit:
            page.save()
        return page


def _descriptor_field(label):
    return models.PositiveSmallIntegerField(
        label, default=0, validators=[MinValueValidator(0), MaxValueValidator(DESCRIPTOR_MAX)]
    )


class ServicePage(RoutablePageMixin, BasePage):
    """Scheda Servizio: the whole service sheet as structured fields."""

    category = models.CharField(_("categoria"), max_length=20, choices=Category.choices, db_index=True)
    summary = models.CharField(_("sommario"), max_length=300)
    description = RichTextField(_("descrizione del servizio"), features=RICH_TEXT_FEATURES)
    provider_page = models.ForeignKey(
        "catalog.ProviderPage", editable=False, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    age_min = models.PositiveSmallIntegerField(
        _("età minima"), validators=[MaxValueValidator(18)], help_text=_("Anni compiuti, da 0 a 18.")
    )
    age_max = models.PositiveSmallIntegerField(
        _("età massima"), validators=[MaxValueValidator(18)], help_text=_("Anni compiuti, da 0 a 18.")
    )
    for_families = models.BooleanField(_("anche per le famiglie"), default=False)
    for_disability = models.BooleanField(_("adatto a persone con disabilità"), default=False, db_index=True)
    for_special_needs = models.BooleanField(
        _("adatto a bisogni educativi speciali (BES)"), default=False, db_index=True
    )

    # One boolean per delivery mode (DeliveryMode.field), labelled as the vocabulary labels the mode.
    at_premises = models.BooleanField(DeliveryMode.VENUE.label, default=True)
    at_home = models.BooleanField(DeliveryMode.HOME.label, default=False)
    online = models.BooleanField(DeliveryMode.ONLINE.label, default=False)

    staff_qualification = models.CharField(_("qualifica del personale"), max_length=200)
    staff_experience_years = models.PositiveSmallIntegerField(_("esperienza minima nel settore (anni)"), default=1)
    staff_references = models.BooleanField(_("referenze disponibili"), default=False)

    is_free = models.BooleanField(COST[True], default=False, db_index=True)
    price_amount = models.DecimalField(
        _("prezzo (EUR)"), max_digits=8, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    price_unit = models.CharField(_("unità di prezzo"), max_length=10, choices=PriceUnit.choices, blank=True)
    price_valid_from = models.DateField(_("prezzo valido dal"), null=True, blank=True)
    price_valid_until = models.DateField(_("prezzo valido fino al"), null=True, blank=True)
    sharing = models.CharField(_("modalità di fruizione"), max_length=10, choices=Sharing.choices)
    voucher_accepted = models.BooleanField(_("accetta il voucher Milano 0.18"), default=True, db_index=True)

    activation_procedure = models.TextField(_("procedura di attivazione"))
    max_wait_days = models.PositiveSmallIntegerField(_("tempo massimo di attesa (giorni lavorativi)"))
    start_date = models.DateField(_("inizio"), null=True, blank=True)
    end_date = models.DateField(_("fine"), null=True, blank=True)
    places_available = models.PositiveIntegerField(_("posti disponibili"), null=True, blank=True)

    # One score per wellbeing descriptor (Descriptor.field), labelled as the vocabulary labels it.
    descriptor_body = _descriptor_field(Descriptor.BODY.label)
    descriptor_relationships = _descriptor_field(Descriptor.RELATIONSHIPS.label)
    descriptor_knowledge = _descriptor_field(Descriptor.KNOWLEDGE.label)
    descriptor_creativity = _descriptor_field(Descriptor.CREATIVITY.label)
    descriptor_self_determination = _descriptor_field(Descriptor.SELF_DETERMINATION.label)

    challenges = ParentalManyToManyField(
        "challenges.ChallengePage", verbose_name=_("sfide affrontate"), related_name="services", blank=True
    )
    tags = ClusterTaggableManager(through="catalog.ServiceTag", blank=True, verbose_name=_("etichette"))

    base_form_class = ServicePageForm
    content_panels = BasePage.content_panels + [
        FieldPanel("category"),
        FieldPanel("summary"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("age_min"), FieldPanel("age_max")]),
                FieldPanel("for_families"),
                FieldPanel("for_disability"),
                FieldPanel("for_special_needs"),
            ],
            heading=_("Destinatari"),
        ),
        InlinePanel("activities", label=_("Attività svolta"), min_num=1),
        MultiFieldPanel(
            [FieldPanel("at_premises"), FieldPanel("at_home"), FieldPanel("online")], heading=_("Sede di erogazione")
        ),
        InlinePanel("locations", label=_("Luogo")),
        FieldPanel("municipi_served"),
        MultiFieldPanel(
            [FieldPanel("staff_qualification"), FieldPanel("staff_experience_years"), FieldPanel("staff_references")],
            heading=_("Personale impiegato"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("is_free"),
                FieldRowPanel([FieldPanel("price_amount"), FieldPanel("price_unit")]),
                FieldRowPanel([FieldPanel("price_valid_from"), FieldPanel("price_valid_until")]),
                FieldPanel("sharing"),
                FieldPanel("voucher_accepted"),
            ],
            heading=_("Prezzo"),
        ),
        InlinePanel("price_tiers", label=_("Prezzo per gruppi")),
        FieldPanel("activation_procedure"),
        InlinePanel("contact_hours", label=_("Orario di primo contatto")),
        FieldPanel("max_wait_days"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]), FieldPanel("places_available")],
            heading=_("Periodo e posti"),
        ),
        InlinePanel("sessions", label=_("Orario settimanale")),
        MultiFieldPanel(
            [FieldPanel(descriptor.field) for descriptor in Descriptor], heading=_("Descrittori del benessere")
        ),
        FieldPanel("challenges", widget=forms.CheckboxSelectMultiple),
        FieldPanel("tags"),
        InlinePanel("images", label=_("Immagine")),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("summary"),
        index.SearchField("description"),
        index.FilterField("category"),
        index.FilterField("is_free"),
        index.FilterField("voucher_accepted"),
        index.FilterField("age_min"),
        index.FilterField("age_max"),
    ]
    summary_field = "summary"
    parent_page_types = ["catalog.ProviderPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("scheda servizio")
        verbose_name_plural = _("schede servizio")
        indexes = [models.Index(fields=["age_min", "age_max"], name="catalog_service_age_idx")]

    def clean(self):
        super().clean()
        errors = {}
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            errors["age_max"] = _("L'età massima non può essere inferiore all'età minima.")
        if self.is_free:
            if self.price_amount:
                errors["price_amount"] = _("Un servizio gratuito non ha prezzo: lascia vuoto il campo.")
        else:
            if self.price_amount is None:
                errors["price_amount"] = _("Indica il prezzo, oppure segna il servizio come gratuito.")
            if not self.price_unit:
                errors["price_unit"] = _("Indica a cosa si riferisce il prezzo.")
        if self.price_valid_from and self.price_valid_until and self.price_valid_from > self.price_valid_until:
            errors["price_valid_until"] = _("La fine della validità del prezzo precede l'inizio.")
        if self.start_date and self.end_date and self.start_date > self.end_date:
            errors["end_date"] = _("La data di fine precede la data di inizio.")
        if not (self.at_premises or self.at_home or self.online):
            errors["at_premises"] = _("Scegli almeno una sede di erogazione.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.provider_page_id is None and self.path:
            self.provider_page_id = self.get_parent().pk
        return super().save(*args, **kwargs)

    def get_meta_description(self) -> str:
        return self.search_description or self.summary

    # What the sheet shows ---------------------------------------------------------------------------------------

    def descriptors(self) -> list[dict]:
        """Each wellbeing descriptor: code, label, score (0-DESCRIPTOR_MAX), maximum, page field."""
        return [
            {
                "code": descriptor.value,
                "label": descriptor.label,
                "score": getattr(self, descriptor.field),
                "max": DESCRIPTOR_MAX,
                "field": descriptor.field,
            }
            for descriptor in Descriptor
        ]

    def audience_labels(self) -> list[str]:
        labels = [_("Bambine e bambini, ragazze e ragazzi da %(min)s a %(max)s anni") % self.age_range()]
        if self.for_families:
            labels.append(_("Famiglie"))
        if self.for_disability:
            labels.append(_("Persone con disabilità"))
        if self.for_special_needs:
            labels.append(_("Bisogni educativi speciali (BES)"))
        return labels

    def age_range(self) -> dict:
        return {"min": self.age_min, "max": self.age_max}

    def delivery_modes(self) -> list[DeliveryMode]:
        """The ways the service is delivered, in the vocabulary's order."""
        return [mode for mode in DeliveryMode if getattr(self, mode.field)]

    def municipi(self) -> list[int]:
        """The numbers of the municipi the service serves."""
        return [row.municipio for row in self.served_municipi.all()]

    def municipio_labels(self) -> list[str]:
        return [row.get_municipio_display() for row in self.served_municipi.all()]

    def contact_week(self) -> list[tuple[Weekday, str]]:
        """(weekday, "09:00-13:00 / 14:00-17:30") for the seven days; "---" when closed, as in the seed."""
        by_day: dict[int, list[str]] = {}
        for row in sorted(self.contact_hours.all(), key=lambda r: (r.weekday, r.opens)):
            by_day.setdefault(row.weekday, []).append(f"{row.opens:%H:%M}-{row.closes:%H:%M}")
        return [(day, " / ".join(by_day.get(day, [])) or "---") for day in Weekday]

    def weekly_schedule(self) -> list[tuple[Weekday, str]]:
        """(weekday, "17:00-18:30") for the days the activity takes place."""
        by_day: dict[int, list[str]] = {}
        for row in sorted(self.sessions.all(), key=lambda r: (r.weekday, r.start_time)):
            by_day.setdefault(row.weekday, []).append(f"{row.start_time:%H:%M}-{row.end_time:%H:%M}")
        return [(day, " / ".join(by_day[day])) for day in Weekday if day in by_day]

    def price_label(self) -> str:
        """«€ 12,00 a incontro» or «Gratuito» (search.documents.price_text, the one formatting of a price)."""
        return price_text(self.price_amount, self.price_unit, self.is_free)

    def provider(self) -> "ProviderPage":
        """The provider page; the one routing already read (the parent) when the request came through it."""
        parent = getattr(self, "_cached_parent_obj", None)
        if isinstance(parent, self._meta.get_field("provider_page").related_model):
            return parent
        return self.provider_page or self.get_parent().specific

    #: Seconds a rendered sheet fragment is kept; any page change starts a new generation before that.
    SHEET_CACHE_SECONDS = 600
    #: The child relations the sheet shows, read once each by `prefetch_sheet`.
    SHEET_RELATIONS = ("activities", "locations", "served_municipi", "price_tiers", "contact_hours", "sessions")

    def prefetch_sheet(self) -> None:
        """Read every child relation of the sheet in one query each, whatever the number of rows.

        Relations held in memory (a preview of unsaved changes) are left alone, so the preview shows them.
        """
        if self.pk is None or getattr(self, "_sheet_prefetched", False):
            return
        self._sheet_prefetched = True
        deferred = getattr(self, "_cluster_related_objects", {})
        lookups = [name for name in self.SHEET_RELATIONS if name not in deferred]
        if "images" not in deferred:
            images = ServiceImage.objects.select_related("image").prefetch_related("image__renditions")
            lookups.append(Prefetch("images", queryset=images))
        prefetch_related_objects([self], *lookups)

    def with_sheet_prefetched(self) -> "ServicePage":
        """This page, its sheet's child relations read (for the template, inside its cached fragments)."""
        self.prefetch_sheet()
        return self

    def challenges_served(self):
        """The live, public challenges the service addresses, by number (read when the sheet is rendered)."""
        return self.challenges.live().public().order_by("number")

    def json_ld(self, request=None) -> str:
        """schema.org Service with its Offer, escaped for a <script> element."""
        provider = self.provider()
        data = {
            "@context": "https://schema.org",
            "@type": "Service",
            "name": self.title,
            "description": self.summary,
            "url": self.get_full_url(request),
            "category": self.get_category_display(),
            "areaServed": [str(label) for label in self.municipio_labels()],
            "audience": {
                "@type": "PeopleAudience",
                "suggestedMinAge": self.age_min,
                "suggestedMaxAge": self.age_max,
            },
            "provider": {"@type": "Organization", "name": provider.legal_name, "url": provider.get_full_url(request)},
            "offers": {
                "@type": "Offer",
                "price": "0.00" if self.is_free else f"{self.price_amount:.2f}",
                "priceCurrency": "EUR",
                "description": self.price_label(),
                "availability": "https://schema.org/InStock"
                if self.places_available != 0
                else "https://schema.org/SoldOut",
            },
        }
        if not self.is_free and self.price_unit:
            # The unit goes with the price: schema.org's UnitPriceSpecification, with UN/CEFACT common codes
            # (C62 "one": a session, a course, a one-off fee; MON: a month).
            data["offers"]["priceSpecification"] = {
                "@type": "UnitPriceSpecification",
                "price": f"{self.price_amount:.2f}",
                "priceCurrency": "EUR",
                "unitText": str(self.get_price_unit_display()),
                "referenceQuantity": {
                    "@type": "QuantitativeValue",
                    "value": 1,
                    "unitCode": "MON" if self.price_unit == PriceUnit.MONTH else "C62",
                    "unitText": str(self.get_price_unit_display()),
                },
            }
        if self.price_valid_from:
            data["offers"]["validFrom"] = self.price_valid_from.isoformat()
        if self.price_valid_until:
            data["offers"]["priceValidUntil"] = self.price_valid_until.isoformat()
        text = json.dumps(data, ensure_ascii=False)
        return mark_safe(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))

    def get_context(self, request, *args, **kwargs):
        """The sheet's context. Nothing here reads the database but the provider (usually the routed parent):

        the template reads the child relations inside fragments cached per page state, language and
        site-wide page generation (`theme.chrome_cache.generation`), so a cached sheet costs no query.
        """
        from catalog.radar import radar_chart
        from theme.chrome_cache import generation

        context = super().get_context(request, *args, **kwargs)
        context["provider"] = self.provider()
        context["descriptors"] = self.descriptors()
        context["radar"] = radar_chart([(str(d["label"]), d["score"]) for d in self.descriptors()])
        context["sheet_generation"] = generation()
        return context

    @path("stampa/", name="print")
    def print_view(self, request):
        return self.render(request, context_overrides={"print_view": True}, template="catalog/service_page_print.html")
