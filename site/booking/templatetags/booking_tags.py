import random
from urllib.parse import urlencode

from django import template
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("booking/includes/spid_buttons.html", takes_context=True)
def spid_buttons(context) -> dict:
    """The SPID/CIE access buttons: the identity providers in random order on every page (AgID)."""
    from booking.spid_sp import idps

    request = context.get("request")
    next_url = request.GET.get("next", "") if request else ""
    login = reverse("spid_login")

    def url(entity_id: str) -> str:
        return f"{login}?{urlencode({'idp': entity_id, **({'next': next_url} if next_url else {})})}"

    providers = [{"name": idp.name, "url": url(idp.entity_id)} for idp in idps.spid_providers()]
    random.shuffle(providers)
    cie = idps.cie_provider()
    return {
        "spid_enabled": bool(providers or cie),
        "spid_providers": providers,
        "cie_url": url(cie.entity_id) if cie else "",
    }


@register.filter
def hidden_errors(hidden_fields) -> list[str]:
    """The errors of a form's hidden fields (a stale or tampered page): shown above the form, since a hidden
    field has no place of its own to show them."""
    return [error for field in hidden_fields for error in field.errors]


@register.filter
def as_input(field):
    """Render a bound field with Bootstrap Italia's class and its help/error text linked for screen readers."""
    describedby = []
    if field.help_text:
        describedby.append(f"{field.auto_id}_help")
    if field.errors:
        describedby.append(f"{field.auto_id}_error")
    attrs = {}
    if field.widget_type in ("select", "checkbox"):
        attrs["class"] = "form-select" if field.widget_type == "select" else "form-check-input"
    else:
        attrs["class"] = "form-control"
    if describedby:
        attrs["aria-describedby"] = " ".join(describedby)
    if field.errors:
        attrs["aria-invalid"] = "true"
        attrs["class"] += " is-invalid"
    return field.as_widget(attrs=attrs)


@register.inclusion_tag("booking/includes/service_booking.html", takes_context=True)
def service_booking(context, service) -> dict:
    """The service page's «Richiedi il servizio» / «Aggiungi alla selezione» buttons.

    Only a signed-in family gets the POST form (and so a CSRF token). An anonymous visitor must sign in
    before adding anything, so «Aggiungi alla selezione» is a link to the sign-in page that comes back to
    this sheet: the page then sets no cookie and CacheHeadersMiddleware can send it `public`.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "service": service,
        "signed_in": signed_in,
        "service_path": request.path if request else service.url,
        "csrf_token": context.get("csrf_token") if signed_in else None,
    }


@register.inclusion_tag("booking/includes/service_ratings.html")
def service_ratings(service) -> dict:
    """The families' ratings of a service (averages and approved comments), the same for every visitor.

    The service page caches this section with its sheet: `booking.marketplace` starts a new cache
    generation whenever a rating is given, moderated or answered.
    """
    from booking.marketplace import rating_summary

    return {"ratings": rating_summary(service.pk)}
