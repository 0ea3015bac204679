"""Navigation and footer for every page, built from the page tree and the snippets, cached per site and language."""

import math

from django import template
from django.apps import apps
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from wagtail.models import Page, Site

from theme.chrome_cache import FRAGMENT_TIMEOUT, fragment_key, site_for_request

register = template.Library()

# The footer reads the home app's settings and partners; theme sits below the apps (they import it), so the
# models are looked up by label, never imported.

LEGAL_LINK_FIELDS = ("accessibility_page", "privacy_page", "legal_notes_page", "cookie_page", "contacts_page")
# The twelve stars of the European flag on a 60x40 canvas, as strings so no locale formats the decimals.
EU_STARS = [
    (f"{30 + 12 * math.sin(math.tau * i / 12):.2f}", f"{20 - 12 * math.cos(math.tau * i / 12):.2f}") for i in range(12)
]


def _menu_items(request, site: Site | None) -> list[dict]:
    """The home page's children shown in menus, as plain data so they can be cached."""
    if site is None:
        return []
    key = fragment_key("menu", site)
    items = cache.get(key)
    if items is None:
        children = site.root_page.get_children().live().public().in_menu().only("title", "url_path", "path", "depth")
        items = [{"title": child.title, "url": child.get_url(request), "path": child.path} for child in children]
        cache.set(key, items, FRAGMENT_TIMEOUT)
    return items


@register.inclusion_tag("theme/components/main_menu.html", takes_context=True)
def main_menu(context):
    request = context["request"]
    current = context.get("page") or context.get("self")
    current_path = getattr(current, "path", "")
    items = _menu_items(request, site_for_request(request))
    return {
        "items": [
            {
                **item,
                "active": bool(current_path) and current_path.startswith(item["path"]),
                "current": current_path == item["path"],
            }
            for item in items
        ],
        "request": request,
    }


def _legal_links(site_settings) -> list[Page]:
    """The legal pages of the footer, in their fixed order, fetched in one query."""
    ids = [getattr(site_settings, f"{field}_id") for field in LEGAL_LINK_FIELDS]
    pages = Page.objects.live().in_bulk([pk for pk in ids if pk])
    return [pages[pk] for pk in ids if pk in pages]


@register.simple_tag(takes_context=True)
def site_footer(context):
    request = context["request"]
    site = site_for_request(request)
    key = fragment_key("footer", site)
    html = cache.get(key)
    if html is None:
        site_settings = apps.get_model("home", "SiteSettings").for_request(request)
        Partner = apps.get_model("home", "Partner")
        partners = list(Partner.objects.all())
        html = render_to_string(
            "theme/components/footer.html",
            {
                "site_settings": site_settings,
                "partners": [p for p in partners if p.role != Partner.Role.FUNDER],
                "funders": [p for p in partners if p.role == Partner.Role.FUNDER],
                "legal_links": _legal_links(site_settings),
                "eu_stars": EU_STARS,
            },
            request=request,
        )
        cache.set(key, str(html), FRAGMENT_TIMEOUT)
    # Rendered (and autoescaped) by our own template above.
    return mark_safe(html)
