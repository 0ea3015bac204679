"""Views of the minisite that are not pages: site search, robots.txt, the error pages and the admin's logout."""

import re

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.admin.views.account import LogoutView as WagtailLogoutView
from wagtail.models import Page

SEARCH_PER_PAGE = 10
#: What a visitor calls each kind of page in the site search results ("app_label.modelname" -> label); the
#: models' verbose names are the editors' words ("pagina di contenuto", "indice delle notizie").
SEARCH_TYPE_LABELS = {
    "catalog.servicepage": _("Servizio"),
    "catalog.providerpage": _("Ente"),
    "catalog.categorypage": _("Categoria del catalogo"),
    "catalog.catalogindexpage": _("Catalogo"),
    "catalog.providerindexpage": _("Enti"),
    "news.newspage": _("Notizia"),
    "news.newsindexpage": _("Notizie"),
    "calls.callpage": _("Avviso"),
    "calls.callindexpage": _("Avvisi"),
    "hubs.hubpage": _("Community hub"),
    "hubs.hubindexpage": _("Community hub"),
    "challenges.challengepage": _("Sfida"),
    "challenges.challengeindexpage": _("Sfide"),
    "home.wellbeingdimensionspage": _("Benessere"),
    "legal.privacynoticepage": _("Privacy"),
    "legal.accessibilitystatementpage": _("Accessibilità"),
}


@require_GET
def site_search(request):
    query = request.GET.get("q", "").strip()[:200]
    results = Page.objects.none()
    # Words only: quotes, brackets and operators would reach the search engine's query syntax (SQLite FTS5).
    words = " ".join(re.findall(r"\w+", query))
    if words:
        results = Page.objects.live().public().specific().search(words)
    page = Paginator(results, SEARCH_PER_PAGE).get_page(request.GET.get("page"))
    labelled = [(result, SEARCH_TYPE_LABELS.get(result._meta.label_lower, _("Pagina"))) for result in page]
    return render(request, "home/search.html", {"query": query, "results": page, "labelled_results": labelled})


@require_GET
@cache_control(public=True, max_age=3600)
def robots_txt(request):
    sitemap_url = request.build_absolute_uri("/sitemap.xml")
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /cerca/", f"Sitemap: {sitemap_url}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


@csp_update({"style-src": [UNSAFE_INLINE]})
def server_error(request):
    """Rendered without a request context: the 500 page must not depend on what just failed (nor on a CSP nonce,
    so its own inline style is allowed; it carries no user text)."""
    return HttpResponse(render_to_string("500.html"), status=500)


class AdminLogoutView(WagtailLogoutView):
    """Wagtail's logout, by POST only. A GET answers 405 and changes nothing: Wagtail's own view would drop the
    browser's session cookie on a GET while the session stayed valid on the server (half a logout)."""

    def dispatch(self, request, *args, **kwargs):
        if request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)
