"""Italian emails to whoever must act next, sent only once the transaction that caused them has committed."""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from catalog.facts import provider_facts
from theme.mail import send_email

SUBJECT_PREFIX = "[Milano 0.18] "


def family_address(guardian) -> str:
    return guardian.email or (guardian.user.email if guardian.user_id else "")


def provider_address(provider_id: int) -> str:
    """The provider's address for citizens (its sheet's contact email): one query."""
    return provider_facts(provider_id).email


def notify(event: str, to: str, context: dict) -> None:
    """Queue `emails/booking/<event>.{subject.txt,txt}` for `to` after commit; nothing if no address.

    The HTML part is the plain text escaped and linked by `theme.mail.send_email`, so user text stays text.
    """
    if not to:
        return
    context = {**context, "site_url": getattr(settings, "WAGTAILADMIN_BASE_URL", "")}

    def send():
        subject = render_to_string(f"emails/booking/{event}.subject.txt", context).strip()
        text = render_to_string(f"emails/booking/{event}.txt", context)
        send_email(SUBJECT_PREFIX + subject, text, [to])

    transaction.on_commit(send)
