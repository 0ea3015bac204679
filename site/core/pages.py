"""The base of every public page of the site."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page


class BasePage(Page):
    """Every public page: a meta description and a share image for search engines and social cards."""

    share_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("immagine di condivisione"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Mostrata quando la pagina è condivisa sui social (Open Graph)."),
    )

    promote_panels = Page.promote_panels + [FieldPanel("share_image")]
    # The field whose text describes the page when the editor wrote no search description.
    summary_field = "intro"

    class Meta:
        abstract = True

    def get_meta_description(self) -> str:
        return self.search_description or getattr(self, self.summary_field, "") or ""
