"""`{% privacy_notice "families" %}` links a form to its notice; `{% page_feedback page %}` is the rating block."""

from django import template
from django.core.cache import cache

from legal.forms import HONEYPOT
from theme.chrome_cache import FRAGMENT_TIMEOUT, fragment_key, site_for_request

register = template.Library()


def notice_urls(request) -> dict[str, str]:
    """{processing code: URL} of the live privacy notices of the request's site, cached with the site chrome."""
    from legal.models import PrivacyNoticePage

    site = site_for_request(request)
    key = fragment_key("privacy-notices", site)
    urls = cache.get(key)
    if urls is None:
        urls = {
            notice.processing: notice.get_url(request)
            for notice in PrivacyNoticePage.objects.live().public().only("processing", "url_path", "path", "depth")
        }
        cache.set(key, urls, FRAGMENT_TIMEOUT)
    return urls


@register.inclusion_tag("legal/includes/privacy_notice_link.html", takes_context=True)
def privacy_notice(context, processing: str):
    """A sentence linking the notice of `processing` (a `legal.models.Processing` value); nothing if none is live."""
    request = context["request"]
    return {"url": notice_urls(request).get(processing), "request": request}


@register.inclusion_tag("legal/includes/page_feedback.html", takes_context=True)
def page_feedback(context, page):
    """The "Valuta questo servizio" block for `page`: a plain POST form without CSRF token (see legal.views)."""
    request = context["request"]
    return {
        "page": page,
        "request": request,
        "honeypot": HONEYPOT,
        "notice_url": notice_urls(request).get("visitors"),
    }
