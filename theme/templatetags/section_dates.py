"""Dates as the language writes them: Italian keeps day and month names lower case ("lunedì 5 settembre")."""

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()


@register.filter(expects_localtime=True)
def local_date(value, arg=None):
    text = date_filter(value, arg)
    return text.lower() if (get_language() or "").startswith("it") else text


@register.filter(expects_localtime=True)
def local_datetime(value, with_weekday=False):
    """E.g. "giovedì 29 settembre 2022, ore 15:00" (with the weekday) or "29 settembre 2022, ore 15:00"."""
    day = local_date(value, "l j F Y" if with_weekday else "j F Y")
    return _("%(day)s, ore %(time)s") % {"day": day, "time": date_filter(value, "H:i")}
