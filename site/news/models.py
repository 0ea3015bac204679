"""News (Notizie): a paginated, tag-filtered listing with an RSS feed."""

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, route
from wagtail.fields import StreamField
from wagtail.search import index

from core.blocks import BodyBlock
from core.pages import BasePage, SectionPage, optional_image


class NewsIndexPage(RoutablePageMixin, SectionPage):
    subpage_types = ["news.NewsPage"]
    per_page = 10

    class Meta:
        verbose_name = _("indice delle notizie")

    def news(self):
        """The live, public news of this index, newest first."""
        return NewsPage.objects.child_of(self).live().public().order_by("-date", "-pk").select_related("image")

    @path("")
    def index(self, request):
        return self.render(request, context_overrides=self.listing_context(request, self.news()))

    @route(r"^tag/(?P<tag>[-\w]+)/$")
    def by_tag(self, request, tag):
        current_tag = Tag.objects.filter(slug=tag).first()
        if current_tag is None:
            raise Http404(_("Argomento non trovato."))
        news = self.news().filter(tags=current_tag)
        return self.render(
            request, context_overrides={**self.listing_context(request, news), "current_tag": current_tag}
        )

    @path("feed/")
    def feed(self, request):
        from news.feeds import NewsFeed

        return NewsFeed(self)(request)

    def listing_context(self, request, news) -> dict:
        page = Paginator(news.prefetch_related("tags"), self.per_page).get_page(request.GET.get("page"))
        return {"news_page": page, "all_tags": self.live_tags()}

    def live_tags(self):
        """The tags of the live news of this index, with how many news carry each one."""
        return (
            Tag.objects.filter(news_newspagetag_items__content_object__in=self.news().values("pk"))
            .annotate(news_count=Count("news_newspagetag_items"))
            .order_by("name")
        )


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey("news.NewsPage", on_delete=models.CASCADE, related_name="tagged_items")


class NewsPage(BasePage):
    date = models.DateField(_("data"), default=timezone.localdate)
    intro = models.TextField(_("sommario"))
    image = optional_image(_("immagine"))
    body = StreamField(BodyBlock(), verbose_name=_("testo"))
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True, verbose_name=_("argomenti"))

    content_panels = BasePage.content_panels + [
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("body"),
        FieldPanel("tags"),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]
    parent_page_types = ["news.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("notizia")
        verbose_name_plural = _("notizie")
        indexes = [models.Index(fields=["date"])]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["news_index"] = self.get_parent().specific
        return context
