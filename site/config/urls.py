from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from home import views as home_views

urlpatterns = [
    path("admin/logout/", home_views.AdminLogoutView.as_view()),
    path("admin/", include(wagtailadmin_urls)),
    path("documenti/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", home_views.robots_txt, name="robots_txt"),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", include("search.urls")),
]

urlpatterns += i18n_patterns(
    # Under the language prefix, so set_language resolves `next` in the language of the page it came from
    # (with an unprefixed default language, /en/... would otherwise not translate back to Italian).
    # CSRF-exempt so public pages carry no token and stay cacheable: a forged request could only switch the
    # language, and set_language redirects to same-host URLs only.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("cerca/", home_views.site_search, name="site_search"),
    path("", include("monitoring.urls")),
    path("famiglia/bando-voucher/", include("vouchercall.urls")),
    path("graduatorie-voucher/", include("vouchercall.public_urls")),
    path("famiglia/", include("booking.urls")),
    path("elenco-milano-0-18/", include("catalog.urls")),
    path("voucher-collettivi/", include("collective.urls")),
    path("", include("legal.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns

handler404 = "home.views.page_not_found"
handler500 = "home.views.server_error"
