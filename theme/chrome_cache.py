"""Cache of the site chrome (main menu, footer), dropped whenever a page or a footer source changes.

Fragments are stored under a generation number: invalidating means starting a new generation, so every
process sharing the cache (Redis in production) sees the change at once and old entries just expire.
"""

from uuid import uuid4

from django.apps import apps
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.utils.translation import get_language
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

GENERATION_KEY = "m018:chrome:generation"
FRAGMENT_TIMEOUT = 60 * 60


def generation() -> str:
    """The current generation: it changes whenever a page or a footer source changes (see `connect_signals`)."""
    return cache.get_or_set(GENERATION_KEY, lambda: uuid4().hex, None)


def fragment_key(name: str, site: Site | None) -> str:
    return f"m018:chrome:{generation()}:{name}:{site.pk if site else 0}:{get_language()}"


def invalidate(**kwargs) -> None:
    cache.set(GENERATION_KEY, uuid4().hex, None)


def _invalidate_on_page_change(sender, instance=None, **kwargs) -> None:
    if isinstance(instance, Page):
        invalidate()


def connect_signals() -> None:
    dispatch = "m018-chrome-cache"
    page_published.connect(invalidate, dispatch_uid=f"{dispatch}-published")
    page_unpublished.connect(invalidate, dispatch_uid=f"{dispatch}-unpublished")
    post_page_move.connect(invalidate, dispatch_uid=f"{dispatch}-moved")
    # Pages created or deleted without a publish (scripts, load_demo, tests) change the menu too.
    post_save.connect(_invalidate_on_page_change, dispatch_uid=f"{dispatch}-page-saved")
    post_delete.connect(_invalidate_on_page_change, dispatch_uid=f"{dispatch}-page-deleted")
    # The footer's sources, by label: theme sits below the apps that import it.
    for model in (Site, apps.get_model("home", "SiteSettings"), apps.get_model("home", "Partner")):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"{dispatch}-{model.__name__}-saved")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"{dispatch}-{model.__name__}-deleted")
