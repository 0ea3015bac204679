"""The base of every public page of the site."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page


def _optional(to: str, verbose_name, **options) -> models.ForeignKey:
    return models.ForeignKey(
        to, verbose_name=verbose_name, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", **options
    )


def optional_image(verbose_name, **options) -> models.ForeignKey:
    """A foreign key to an image of Wagtail's library that the editor may leave empty; deleting the image empties
    the field (the page stays). `options` are passed on (help_text=...)."""
    return _optional("wagtailimages.Image", verbose_name, **options)


def optional_page(verbose_name, **options) -> models.ForeignKey:
    """A foreign key to a page (any type) that may stay empty; deleting that page empties the field. `options` are
    passed on (help_text=...)."""
    return _optional("wagtailcore.Page", verbose_name, **options)


class BasePage(Page):
    """Every public page: a meta description and a share image for search engines and social cards."""

    share_image = optional_image(
        _("immagine di condivisione"), help_text=_("Mostrata quando la pagina è condivisa sui social (Open Graph).")
    )

    promote_panels = Page.promote_panels + [FieldPanel("share_image")]
    # The field whose text describes the page when the editor wrote no search description.
    summary_field = "intro"

    class Meta:
        abstract = True

    def get_meta_description(self) -> str:
        return self.search_description or getattr(self, self.summary_field, "") or ""


class SectionPage(BasePage):
    """The one landing page of a section of the site (news, calls, hubs, the catalogue, partners...): an optional
    introduction above what the section lists.

    At most one per site, under the home page unless a subclass names another parent; a subclass names the pages
    that may go under it in `subpage_types` (none by default).
    """

    intro = models.TextField(_("introduzione"), blank=True)

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        abstract = True
