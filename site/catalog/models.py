"""The catalogue: categories, providers (Scheda Ente), services (Scheda Servizio) and the provider register."""

import json

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Orderable
from wagtail.search import index

from catalog.constants import (
    DESCRIPTOR_MAX,
    DESCRIPTORS,
    ApplicationStatus,
    Category,
    DocumentKind,
    LegalForm,
    OfficeKind,
    PriceUnit,
    Sharing,
)
from catalog.validators import (
    validate_organisation_tax_code,
    validate_partita_iva,
    validate_personal_tax_code,
)
from config.private_files import PrivateFileField
from home.constants import Municipio, Weekday
from home.models import BasePage
from search.documents import price_text

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


def route_to_specific_child(parent, child_model, request, path_components):
    """Route one level down when every child is a `child_model`: one query instead of Wagtail's two.

    Wagtail's `Page.route` reads the child as a plain Page, then again as its specific class; the
    provider register and a provider hold one page type each, so the specific row is read directly.
    Raises Http404 like Wagtail when no child has the slug.
    """
    child = next(iter(child_model.objects.child_of(parent).filter(slug=path_components[0]).order_by()[:1]), None)
    if child is None:
        raise Http404
    child._cached_parent_obj = parent
    return child.route(request, path_components[1:])


def service_under(ancestor, slugs: list[str]):
    """The service page at `ancestor`'s url + slugs, its provider page joined, in one query; None otherwise.

    `slugs` ends with the provider's and the service's slug. None when there is no such service or
    when its provider_page is not its parent (a service moved under another provider): the caller then
    lets Wagtail's own routing decide. The result's and its provider's parent are set for routing.
    """
    found = (
        ServicePage.objects.select_related("provider_page")
        .filter(slug=slugs[-1], depth=ancestor.depth + len(slugs), path__startswith=ancestor.path)
        .order_by()[:1]  # unordered: ordering a select of a hundred columns costs more than the query itself
    )
    service = next(iter(found), None)
    provider = service and service.provider_page
    if (
        provider is None
        or service.url_path != ancestor.url_path + "".join(f"{slug}/" for slug in slugs)
        or service.path[: -ServicePage.steplen] != provider.path
    ):
        return None
    service._cached_parent_obj = provider
    return service


class CatalogIndexPage(RoutablePageMixin, BasePage):
    intro = models.TextField(_("introduzione"), blank=True)

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["catalog.CategoryPage", "catalog.ProviderIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("catalogo")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["categories"] = CategoryPage.objects.child_of(self).live().public()
        context["provider_index"] = ProviderIndexPage.objects.child_of(self).live().public().first()
        return context

    def route(self, request, path_components):
        """A service sheet (enti/<provider>/<service>/...) is routed with its provider in one query.

        The register of providers is routed without reading its page twice.
        """
        if len(path_components) >= 3:
            service = service_under(self, path_components[:3])
            if service is not None:
                return service.route(request, path_components[3:])
        if path_components:
            index = next(
                iter(ProviderIndexPage.objects.child_of(self).filter(slug=path_components[0]).order_by()[:1]), None
            )
            if index is not None:
                index._cached_parent_obj = self
                return index.route(request, path_components[1:])
        return super().route(request, path_components)

    @path("cerca/", name="search")
    def search_view(self, request):
        from catalog.search_page import is_fragment, search_context

        context = search_context(request, self.url + self.reverse_subpage("search"))
        template = "catalog/search/results.html" if is_fragment(request) else "catalog/search/search_page.html"
        return self.render(request, context_overrides=context, template=template)


class CategoryPage(BasePage):
    """One of the five categories: lists the live services of its category (the search issue adds filters)."""

    category = models.CharField(_("categoria"), max_length=20, choices=Category.choices, unique=True)
    description = models.TextField(_("descrizione"))

    content_panels = BasePage.content_panels + [FieldPanel("category"), FieldPanel("description")]
    search_fields = BasePage.search_fields + [index.SearchField("description")]
    parent_page_types = ["catalog.CatalogIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("categoria del catalogo")
        verbose_name_plural = _("categorie del catalogo")

    summary_field = "description"

    def get_template(self, request, *args, **kwargs):
        from catalog.search_page import is_fragment

        return "catalog/search/results.html" if is_fragment(request) else super().get_template(request)

    def get_context(self, request, *args, **kwargs):
        from catalog.search_page import search_context

        context = super().get_context(request, *args, **kwargs)
        context.update(search_context(request, self.url, fixed_category=self.category))
        return context


class ProviderIndexPage(BasePage):
    """The Elenco Milano 0-18 as citizens browse it; its subtree goes through the «Revisione del Comune» workflow."""

    intro = models.TextField(_("introduzione"), blank=True)

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    parent_page_types = ["catalog.CatalogIndexPage"]
    subpage_types = ["catalog.ProviderPage"]
    max_count = 1

    class Meta:
        verbose_name = _("elenco degli enti")

    def save(self, *args, **kwargs):
        is_new = self._state.adding
        result = super().save(*args, **kwargs)
        if is_new:
            from catalog.workflow import assign_moderation_workflow

            assign_moderation_workflow(self)
        return result

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        providers = ProviderPage.objects.child_of(self).live().public().order_by("title")
        context["providers"] = Paginator(providers, 30).get_page(request.GET.get("pagina"))
        return context

    def route(self, request, path_components):
        """Provider pages are routed in one query, and a service sheet with its provider in one query too."""
        if len(path_components) >= 2:
            service = service_under(self, path_components[:2])
            if service is not None:
                service.provider_page._cached_parent_obj = self
                return service.route(request, path_components[2:])
        if path_components:
            return route_to_specific_child(self, ProviderPage, request, path_components)
        return super().route(request, path_components)


class ProviderPageForm(WagtailAdminPageForm):
    """Edits the provider's categories as checkboxes, stored as rows of a child relation."""

    category_codes = forms.MultipleChoiceField(
        label=_("Categorie"), choices=Category.choices, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category_codes"].initial = [row.category for row in self.instance.categories.all()]

    def save(self, commit=True):
        page = super().save(commit=False)
        page.categories = [ProviderCategory(category=code) for code in self.cleaned_data["category_codes"]]
        if commit:
            page.save()
        return page


class ProviderPage(BasePage):
    """Scheda Ente: the provider's public profile. Its services are its children, so permissions follow."""

    legal_name = models.CharField(_("ragione sociale"), max_length=255)
    legal_form = models.CharField(_("forma giuridica"), max_length=20, choices=LegalForm.choices)
    tax_code = models.CharField(
        _("codice fiscale"), max_length=16, validators=[validate_organisation_tax_code], db_index=True
    )
    vat_number = models.CharField(_("partita IVA"), max_length=11, blank=True, validators=[validate_partita_iva])
    contact_person = models.CharField(_("referente"), max_length=200)
    contact_email = models.EmailField(_("email per i cittadini"))
    contact_phone = models.CharField(_("telefono per i cittadini"), max_length=40, blank=True)
    description = RichTextField(_("descrizione"), features=RICH_TEXT_FEATURES)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    website = models.URLField(_("sito web"), blank=True)
    facebook = models.URLField(_("Facebook"), blank=True)
    instagram = models.URLField(_("Instagram"), blank=True)
    linkedin = models.URLField(_("LinkedIn"), blank=True)
    youtube = models.URLField(_("YouTube"), blank=True)
    # The provider's own staff group, tied by key: never looked up by name, so a same-name provider gets its own.
    group = models.OneToOneField(
        "auth.Group",
        verbose_name=_("gruppo dell'ente"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="provider_page",
    )

    base_form_class = ProviderPageForm
    content_panels = BasePage.content_panels + [
        MultiFieldPanel(
            [FieldPanel("legal_name"), FieldPanel("legal_form"), FieldPanel("tax_code"), FieldPanel("vat_number")],
            heading=_("Dati dell'ente"),
        ),
        FieldPanel("category_codes"),
        FieldPanel("description"),
        FieldPanel("logo"),
        InlinePanel("offices", label=_("Sede"), min_num=1),
        MultiFieldPanel(
            [FieldPanel("contact_person"), FieldPanel("contact_email"), FieldPanel("contact_phone")],
            heading=_("Contatti"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("website"),
                FieldPanel("facebook"),
                FieldPanel("instagram"),
                FieldPanel("linkedin"),
                FieldPanel("youtube"),
            ],
            heading=_("Web e social"),
        ),
        InlinePanel("documents", label=_("Documento")),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("legal_name"),
        index.SearchField("description"),
        index.FilterField("tax_code"),
    ]
    parent_page_types = ["catalog.ProviderIndexPage"]
    subpage_types = ["catalog.ServicePage"]
    # A copy is a new provider: it gets a group of its own when someone is given access to it.
    exclude_fields_in_copy = ["group"]

    class Meta:
        verbose_name = _("scheda ente")
        verbose_name_plural = _("schede ente")

    def get_meta_description(self) -> str:
        return self.search_description or _("Scheda dell'ente %(name)s nel catalogo Milano 0.18.") % {
            "name": self.title
        }

    def with_content_json(self, content):
        """A revision restores the sheet, never who works on it: the group link is kept from the live row."""
        page = super().with_content_json(content)
        page.group_id = self.group_id
        return page

    def category_labels(self) -> list[str]:
        return [row.get_category_display() for row in self.categories.all()]

    #: Services per page of the Scheda Ente (`?pagina=`): a provider may offer fifty.
    services_per_page = 12

    def live_services(self):
        return live_services().child_of(self)

    def get_context(self, request, *args, **kwargs):
        """`services`: a Paginator page of `services_per_page` live services (`?pagina=`, out of range: the last)."""
        context = super().get_context(request, *args, **kwargs)
        context["services"] = Paginator(self.live_services(), self.services_per_page).get_page(
            request.GET.get("pagina")
        )
        context["documents"] = self.documents.select_related("document")
        context["offices"] = list(self.offices.all())
        return context

    def route(self, request, path_components):
        if path_components:
            return route_to_specific_child(self, ServicePage, request, path_components)
        return super().route(request, path_components)


class ProviderCategory(models.Model):
    page = ParentalKey(ProviderPage, on_delete=models.CASCADE, related_name="categories")
    category = models.CharField(_("categoria"), max_length=20, choices=Category.choices, db_index=True)

    class Meta:
        unique_together = [("page", "category")]
        ordering = ["category"]

    def __str__(self) -> str:
        return str(self.get_category_display())


class ProviderOffice(Orderable):
    page = ParentalKey(ProviderPage, on_delete=models.CASCADE, related_name="offices")
    kind = models.CharField(_("tipo"), max_length=10, choices=OfficeKind.choices, default=OfficeKind.MAIN)
    address = models.CharField(_("indirizzo"), max_length=255)
    municipio = models.PositiveSmallIntegerField(_("municipio"), choices=Municipio.choices, null=True, blank=True)

    panels = [FieldPanel("kind"), FieldPanel("address"), FieldPanel("municipio")]


class ProviderDocument(Orderable):
    page = ParentalKey(ProviderPage, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("tipo di documento"), max_length=20, choices=DocumentKind.choices)
    document = models.ForeignKey("wagtaildocs.Document", verbose_name=_("documento"), on_delete=models.CASCADE)

    panels = [FieldPanel("kind"), FieldPanel("document")]


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
        ProviderPage, editable=False, null=True, on_delete=models.SET_NULL, related_name="+"
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

    at_premises = models.BooleanField(_("presso la sede"), default=True)
    at_home = models.BooleanField(_("a domicilio"), default=False)
    online = models.BooleanField(_("online"), default=False)

    staff_qualification = models.CharField(_("qualifica del personale"), max_length=200)
    staff_experience_years = models.PositiveSmallIntegerField(_("esperienza minima nel settore (anni)"), default=1)
    staff_references = models.BooleanField(_("referenze disponibili"), default=False)

    is_free = models.BooleanField(_("gratuito"), default=False, db_index=True)
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

    descriptor_body = _descriptor_field(_("corpo e movimento"))
    descriptor_relationships = _descriptor_field(_("relazioni"))
    descriptor_knowledge = _descriptor_field(_("conoscenze e competenze"))
    descriptor_creativity = _descriptor_field(_("creatività, abilità e talenti"))
    descriptor_self_determination = _descriptor_field(_("autodeterminazione"))

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
        MultiFieldPanel([FieldPanel(name) for name, _label in DESCRIPTORS], heading=_("Descrittori del benessere")),
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
        return [
            {"label": label, "score": getattr(self, name), "max": DESCRIPTOR_MAX, "field": name}
            for name, label in DESCRIPTORS
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

    def delivery_labels(self) -> list[str]:
        modes = [(self.at_premises, _("Sede")), (self.at_home, _("Domicilio")), (self.online, _("Online"))]
        return [label for enabled, label in modes if enabled]

    def municipio_labels(self) -> list[str]:
        return [row.get_municipio_display() for row in self.served_municipi.all()]

    def contact_week(self) -> list[tuple[str, str]]:
        """(weekday, "09:00-13:00 / 14:00-17:30") for the seven days; "---" when closed, as in the seed."""
        by_day: dict[int, list[str]] = {}
        for row in sorted(self.contact_hours.all(), key=lambda r: (r.weekday, r.opens)):
            by_day.setdefault(row.weekday, []).append(f"{row.opens:%H:%M}-{row.closes:%H:%M}")
        return [(label, " / ".join(by_day.get(value, [])) or "---") for value, label in Weekday.choices]

    def weekly_schedule(self) -> list[tuple[str, str]]:
        by_day: dict[int, list[str]] = {}
        for row in sorted(self.sessions.all(), key=lambda r: (r.weekday, r.start_time)):
            by_day.setdefault(row.weekday, []).append(f"{row.start_time:%H:%M}-{row.end_time:%H:%M}")
        return [(label, " / ".join(by_day[value])) for value, label in Weekday.choices if value in by_day]

    def price_label(self) -> str:
        """«€ 12,00 a incontro» or «Gratuito» (search.documents.price_text, the one formatting of a price)."""
        return price_text(self.price_amount, self.price_unit, self.is_free)

    def provider(self) -> ProviderPage:
        """The provider page; the one routing already read (the parent) when the request came through it."""
        parent = getattr(self, "_cached_parent_obj", None)
        if isinstance(parent, ProviderPage):
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


class ServiceTag(TaggedItemBase):
    content_object = ParentalKey(ServicePage, on_delete=models.CASCADE, related_name="tagged_items")


class ServiceMunicipio(models.Model):
    """A municipio the service covers (Zone di intervento): one indexed row per municipio."""

    page = ParentalKey(ServicePage, on_delete=models.CASCADE, related_name="served_municipi")
    municipio = models.PositiveSmallIntegerField(_("municipio"), choices=Municipio.choices, db_index=True)

    class Meta:
        unique_together = [("page", "municipio")]
        ordering = ["municipio"]

    def __str__(self) -> str:
        return str(self.get_municipio_display())


class ServiceActivity(Orderable):
    page = ParentalKey(ServicePage, on_delete=models.CASCADE, related_name="activities")
    name = models.CharField(_("attività"), max_length=200)

    panels = [FieldPanel("name")]


class ServiceLocation(Orderable):
    page = ParentalKey(ServicePage, on_delete=models.CASCADE, related_name="locations")
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

    page = ParentalKey(ServicePage, on_delete=models.CASCADE, related_name="price_tiers")
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

    page = ParentalKey(ServicePage, on_delete=models.CASCADE, related_name="contact_hours")
    weekday = models.PositiveSmallIntegerField(_("giorno"), choices=Weekday.choices)
    opens = models.TimeField(_("dalle"))
    closes = models.TimeField(_("alle"))

    panels = [FieldRowPanel([FieldPanel("weekday"), FieldPanel("opens"), FieldPanel("closes")])]

    def clean(self):
        if self.opens and self.closes and self.opens >= self.closes:
            raise ValidationError({"closes": _("L'orario di chiusura deve seguire quello di apertura.")})


class ServiceSession(Orderable):
    """A weekly slot of the activity (Orario settimanale)."""

    page = ParentalKey(ServicePage, on_delete=models.CASCADE, related_name="sessions")
    weekday = models.PositiveSmallIntegerField(_("giorno"), choices=Weekday.choices)
    start_time = models.TimeField(_("dalle"))
    end_time = models.TimeField(_("alle"))

    panels = [FieldRowPanel([FieldPanel("weekday"), FieldPanel("start_time"), FieldPanel("end_time")])]

    def clean(self):
        if self.start_time and self.end_time and self.start_time >= self.end_time:
            raise ValidationError({"end_time": _("L'orario di fine deve seguire quello di inizio.")})


class ServiceImage(Orderable):
    page = ParentalKey(ServicePage, on_delete=models.CASCADE, related_name="images")
    image = models.ForeignKey("wagtailimages.Image", verbose_name=_("immagine"), on_delete=models.CASCADE)
    caption = models.CharField(_("didascalia"), max_length=255, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]


# The provider register (Elenco Milano 0-18) ---------------------------------------------------------------------


class RegisterApplication(models.Model):
    """An application to the Elenco Milano 0-18, reviewed by municipal staff."""

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

    status = models.CharField(
        _("stato"), max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED, db_index=True
    )
    rejection_reason = models.TextField(_("motivo del rigetto"), blank=True)
    submitted_at = models.DateTimeField(_("inviata il"), auto_now_add=True)
    provider_page = models.ForeignKey(
        ProviderPage, verbose_name=_("scheda ente"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    provider_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("utente dell'ente"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("domanda di iscrizione all'Elenco")
        verbose_name_plural = _("domande di iscrizione all'Elenco")

    def __str__(self) -> str:
        return self.organisation_name

    def category_labels(self) -> str:
        return ", ".join(str(row.get_category_display()) for row in self.categories.all())

    category_labels.short_description = _("categorie")


class ApplicationCategory(models.Model):
    application = models.ForeignKey(RegisterApplication, on_delete=models.CASCADE, related_name="categories")
    category = models.CharField(_("categoria"), max_length=20, choices=Category.choices, db_index=True)

    class Meta:
        unique_together = [("application", "category")]
        ordering = ["category"]

    def __str__(self) -> str:
        return str(self.get_category_display())


class ApplicationAttachment(models.Model):
    application = models.ForeignKey(RegisterApplication, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("documento"), max_length=200)
    file = PrivateFileField(_("file PDF"), upload_to="elenco/%Y/%m/")

    def __str__(self) -> str:
        return self.title
