"""Dates as the language writes them: Italian keeps day and month names lower case ("lunedì 5 settembre")."""

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.translation import get_language

register = template.Library()


@register.filter(expects_localtime=True)
def local_date(value, arg=None):
    text = date_filter(value, arg)
    return text.lower() if (get_language() or "").startswith("it") else text
