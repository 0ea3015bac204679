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
    """The service page's «Richiedi il servizio» / «Aggiungi alla selezione» buttons and its ratings."""
    from booking.marketplace import rating_summary

    return {"service": service, "csrf_token": context.get("csrf_token"), "ratings": rating_summary(service.pk)}
