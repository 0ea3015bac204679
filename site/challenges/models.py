"""The six challenges for the city (Sfide) of the strategic framework."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.search import index

from core.blocks import BodyBlock
from core.pages import BasePage, SectionPage
from core.vocabularies import AgeBand
from home.models import WellbeingDimensionsPage


def dimensions_page():
    """The live page that explains the wellbeing dimensions, if the site has one."""
    return WellbeingDimensionsPage.objects.live().public().first()


class ChallengeIndexPage(SectionPage):
    subpage_types = ["challenges.ChallengePage"]

    class Meta:
        verbose_name = _("indice delle sfide")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["challenges"] = (
            ChallengePage.objects.child_of(self).live().order_by("number").prefetch_related("dimensions")
        )
        context["dimensions_page"] = dimensions_page()
        return context


class ChallengePage(BasePage):
    number = models.PositiveSmallIntegerField(_("numero"), unique=True)
    age_band = models.CharField(_("fascia d'età"), max_length=5, choices=AgeBand.choices)
    description = models.TextField(_("descrizione"))
    body = StreamField(BodyBlock(), verbose_name=_("approfondimento"), blank=True)
    dimensions = ParentalManyToManyField(
        "home.WellbeingDimension", verbose_name=_("dimensioni del benessere"), related_name="challenges", blank=True
    )

    content_panels = BasePage.content_panels + [
        FieldPanel("number"),
        FieldPanel("age_band"),
        FieldPanel("description"),
        FieldPanel("dimensions", widget=forms.CheckboxSelectMultiple),
        FieldPanel("body"),
    ]
    search_fields = BasePage.search_fields + [index.SearchField("description"), index.SearchField("body")]
    parent_page_types = ["challenges.ChallengeIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        ordering = ["number"]
        verbose_name = _("sfida")
        verbose_name_plural = _("sfide")

    summary_field = "description"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["dimensions"] = self.dimensions.all()
        context["dimensions_page"] = dimensions_page()
        return context
