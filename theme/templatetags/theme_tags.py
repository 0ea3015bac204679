"""Navigation and footer for every page, built from the page tree and the snippets."""

from django import template
from wagtail.models import Site

from home.models import Partner

register = template.Library()


@register.inclusion_tag("theme/components/main_menu.html", takes_context=True)
def main_menu(context):
    request = context["request"]
    site = Site.find_for_request(request)
    current = context.get("page") or context.get("self")
    items = []
    if site:
        items = list(site.root_page.get_children().live().public().in_menu().only("title", "url_path", "path", "depth"))
    current_path = getattr(current, "path", "")
    return {
        "items": [(item, bool(current_path) and current_path.startswith(item.path)) for item in items],
        "request": request,
    }


@register.inclusion_tag("theme/components/footer.html", takes_context=True)
def site_footer(context):
    request = context["request"]
    settings = context["settings"]["home"]["SiteSettings"]
    partners = list(Partner.objects.select_related("logo"))
    return {
        "request": request,
        "site_settings": settings,
        "partners": [p for p in partners if p.role != Partner.Role.FUNDER],
        "funders": [p for p in partners if p.role == Partner.Role.FUNDER],
        "legal_links": [
            page
            for page in (
                settings.accessibility_page,
                settings.privacy_page,
                settings.legal_notes_page,
                settings.contacts_page,
            )
            if page is not None and page.live
        ],
    }
