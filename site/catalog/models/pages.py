"""The catalogue's index pages: the catalogue itself, the five categories and the register of providers."""

from django.core.paginator import Paginator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.search import index

from catalog.models.providers import ProviderPage
from catalog.models.routing import route_to_specific_child, service_under
from core.pages import BasePage, SectionPage
from core.vocabularies import Category


class CatalogIndexPage(RoutablePageMixin, SectionPage):
    subpage_types = ["catalog.CategoryPage", "catalog.ProviderIndexPage"]

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


class ProviderIndexPage(SectionPage):
    """The Elenco Milano 0-18 as citizens browse it; its subtree goes through the «Revisione del Comune» workflow."""

    parent_page_types = ["catalog.CatalogIndexPage"]
    subpage_types = ["catalog.ProviderPage"]

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
