"""Scheda Ente: the provider page and its admin form (categories as checkboxes)."""

from django import forms
from django.core.paginator import Paginator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.search import index

from catalog.constants import LegalForm
from catalog.models.inlines import ProviderCategory
from catalog.models.routing import route_to_specific_child
from catalog.models.services import RICH_TEXT_FEATURES, ServicePage, live_services
from catalog.validators import (
    validate_organisation_tax_code,
    validate_partita_iva,
)
from core.pages import BasePage, optional_image
from core.vocabularies import Category


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
    logo = optional_image(_("logo"))
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

    def category_codes(self) -> list[str]:
        return [row.category for row in self.categories.all()]

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
