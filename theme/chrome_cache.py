"""Cache of the site chrome (main menu, footer), dropped whenever a page or a footer source changes.

Fragments are stored under a generation number: invalidating means starting a new generation, so every
process sharing the cache (Redis in production) sees the change at once and old entries just expire.
"""

from uuid import uuid4

from django.apps import apps
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.http.request import split_domain_port
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


def site_for_request(request) -> Site | None:
    """`Site.find_for_request(request)`, the answer for the request's host and port cached with the chrome.

    Wagtail's lookup is one query (a CASE over every site) for each request that asks; the site chrome (menu, footer,
    privacy notices) asks on every page, also on the pages of Django views and on 404s, where Wagtail's routing has
    not asked first. The site found (None when no site answers) is kept under the current generation, which any
    Site or page change replaces (`connect_signals`), and is left on the request where Wagtail's own lookup reads it
    (`request._wagtail_site`: the redirects middleware and the settings context processor then ask no query either).
    """
    if request is None:
        return None
    if not hasattr(request, "_wagtail_site"):
        # As Wagtail does: the raw host, so that the lookup itself never raises DisallowedHost.
        hostname = split_domain_port(request._get_raw_host())[0]
        key = f"m018:chrome:{generation()}:site:{hostname}:{request.get_port()}"
        found = cache.get(key)
        if found is None:
            found = (Site.find_for_request(request),)
            cache.set(key, found, FRAGMENT_TIMEOUT)
        request._wagtail_site = found[0]
    return request._wagtail_site


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
