"""HTTP caching policy: public pages may be kept briefly by browsers and proxies, personal ones never."""

from django.conf import settings
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control

PUBLIC_PAGE_MAX_AGE = 300


class CacheHeadersMiddleware:
    """Anonymous GET of a Wagtail page → `public, max-age=300`; signed-in users, sessions and the admin → no-store.

    It sits above the session and CSRF middleware so it sees the cookies they set: a response that sets a
    cookie is somebody's own and is never marked public.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = reverse("wagtailadmin_home")

    def __call__(self, request):
        response = self.get_response(request)
        if self._is_personal(request):
            add_never_cache_headers(response)
        elif self._is_public_page(request, response):
            patch_cache_control(response, public=True, max_age=PUBLIC_PAGE_MAX_AGE)
        return response

    def _is_personal(self, request) -> bool:
        if request.path_info.startswith(self.admin_prefix) or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return True
        user = getattr(request, "user", None)
        return user is not None and user.is_authenticated

    @staticmethod
    def _is_public_page(request, response) -> bool:
        match = request.resolver_match
        return (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and match is not None
            and match.url_name == "wagtail_serve"
            and not response.cookies
            and not response.has_header("Cache-Control")
        )
