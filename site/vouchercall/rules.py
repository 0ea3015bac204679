"""The call's eligibility rules, in one place for the application form, the ranking and the CSV import.

Sources: the 2022 call (shared/DESIGN.md): a child aged 0-17 on the day the application is sent, residence in Milan
declared, ordinary or minors' ISEE up to the call's ceiling (27,000 EUR in 2022), 100-400 EUR per child by bracket.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from booking.call_rules import ADULT_AGE, CallRules, age_on


def child_age_refusal(birth_date: datetime.date, sent_on: datetime.date) -> str | None:
    """None if the child is 0-17 on `sent_on` (the sending day, Europe/Rome), else the Italian reason.

    On their 18th birthday a child is 18 and no longer eligible; the day before they are 17 and eligible.
    """
    if birth_date > sent_on:
        return _("La data di nascita è successiva alla data della domanda.")
    if age_on(birth_date, sent_on) >= ADULT_AGE:
        return _("Ha già compiuto 18 anni: il bando è per bambine, bambini, ragazze e ragazzi da 0 a 17 anni.")
    return None


def isee_refusal(call, isee_value: Decimal) -> str | None:
    if isee_value > call.isee_ceiling:
        return _("L'ISEE supera il limite del bando (%(ceiling)s EUR).") % {"ceiling": call.isee_ceiling}
    if call.value_per_child(isee_value) is None:
        return _("Nessuna fascia ISEE del bando comprende questo valore.")
    return None


def import_rules(voucher_call) -> CallRules | None:
    """booking.call_rules provider: a ranking imported for a call we own must use its bracket values, and its
    children must be under 18 when the window opened (the earliest day an application could be sent)."""
    from vouchercall.models import Call

    call = Call.objects.filter(money_call=voucher_call).prefetch_related("brackets").first()
    if call is None:
        return None
    return CallRules(allowed_values=frozenset(call.allowed_values()), age_on=timezone.localdate(call.opens_at))
