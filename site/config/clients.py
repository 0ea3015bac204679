"""Who is asking: the client's address behind the configured reverse proxies, and which sign-ins axes guards.

Every limit keyed on an address (allauth's login and signup limits, the staff lockout by django-axes) reads the
same address. Behind `TRUSTED_PROXY_COUNT` proxies (environment, default 0) that is the entry that many places from
the right of `X-Forwarded-For`: each trusted proxy appends the address it saw, so anything further left was written
by the client and is ignored. With no proxy configured the header is ignored and REMOTE_ADDR counts.
"""

import ipaddress

from allauth.account.adapter import DefaultAccountAdapter
from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

ADMIN_PREFIX = "/admin/"


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address as text, or None if it cannot be told (then the limits key on None alike)."""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",") if part.strip()]
    candidate = forwarded[-count] if count and len(forwarded) >= count else request.META.get("REMOTE_ADDR")
    try:
        return str(ipaddress.ip_address((candidate or "").strip("[]")))
    except ValueError:
        return request.META.get("REMOTE_ADDR")


def not_a_staff_sign_in(request: HttpRequest, credentials: dict | None = None) -> bool:
    """axes' whitelist: only the admin's sign-in is axes' to lock; families' sign-in has allauth's limits."""
    return not request.path.startswith(ADMIN_PREFIX)


class AccountAdapter(DefaultAccountAdapter):
    """allauth's adapter, reading the client's address like every other limit (`client_ip`)."""

    def get_client_ip(self, request: HttpRequest) -> str:
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip


class StaffSignInBackend(AxesStandaloneBackend):
    """axes' lockout check before the real backends; a sign-in without a request (a script, a test client's
    `login()`) has no address nor admin page to guard, so axes lets the real backends decide."""

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
