"""The site's Content-Security-Policy: `settings.CONTENT_SECURITY_POLICY` everywhere; under /admin/ the directives
in `settings.CSP_ADMIN_DIRECTIVES` replace the site's (like django-csp's `@csp_replace`) for what Wagtail needs."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.urls import reverse


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware; on admin pages CSP_ADMIN_DIRECTIVES replace the site's directives of that name."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        directives = getattr(settings, "CSP_ADMIN_DIRECTIVES", None)
        if not report_only and directives and request.path_info.startswith(reverse("wagtailadmin_home")):
            parts.replace = {**directives, **(parts.replace or {})}
        return parts
