"""RSS feed of the live news of one NewsIndexPage; its text is stripped of the control characters XML cannot carry."""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.translation import gettext as _

from theme.input import strip_control_characters as xml_text


class NewsFeed(Feed):
    def __init__(self, index_page):
        super().__init__()
        self.index_page = index_page

    def title(self) -> str:
        return _("Milano 0.18 — Notizie")

    def link(self) -> str:
        return self.index_page.url

    def description(self) -> str:
        return xml_text(self.index_page.intro)

    def items(self):
        return self.index_page.news().prefetch_related("tags")[:30]

    def item_title(self, item) -> str:
        return xml_text(item.title)

    def item_description(self, item) -> str:
        return xml_text(item.intro)

    def item_link(self, item) -> str:
        return item.url

    def item_pubdate(self, item):
        """The news date (what readers see on the page), at midnight in the site's time zone."""
        return timezone.make_aware(datetime.combine(item.date, time.min))

    def item_categories(self, item):
        return [xml_text(tag.name) for tag in item.tags.all()]
