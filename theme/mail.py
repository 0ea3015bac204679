"""Every email the site sends: one HTML layout that escapes user text, and a durable outbox in front of SMTP.

- `send_email(subject, text, to)` sends a plain-text email with an HTML alternative built by `text_to_html`: the
  text is escaped first (a provider's `<img onerror>` arrives as text), then plain URLs become links.
- `OutboxBackend` is `settings.EMAIL_BACKEND`: it stores each message in django-mailer's queue (a table, written in
  the caller's transaction) and, when `settings.OUTBOX_SEND_AFTER_COMMIT` is on, tries to send the queued rows once
  the transaction has committed. A mail server that is down never breaks the caller: django-mailer defers the
  message and `manage.py retry_deferred` + `manage.py send_mail` (cron) deliver it later.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.html import escape, linebreaks, urlize
from django.utils.safestring import SafeString, mark_safe
from mailer import engine
from mailer.backend import DbBackend
from mailer.models import Message

logger = logging.getLogger(__name__)


def text_to_html(text: str) -> SafeString:
    """Plain text as HTML paragraphs: every character of `text` escaped (even if marked safe), then URLs linked."""
    return mark_safe(linebreaks(urlize(escape(text), nofollow=True), autoescape=False))  # escaped two lines up


def html_body(subject: str, text: str) -> str:
    """The HTML alternative of an email: the site's layout around `text_to_html(text)`; the subject escaped too."""
    return render_to_string("emails/base.html", {"subject": str(escape(subject)), "body": text_to_html(text)})


def send_email(subject: str, text: str, to: list[str], from_email: str | None = None) -> None:
    """Send `text` (plain, user text allowed) to `to` with an escaped HTML alternative, through the outbox."""
    message = EmailMultiAlternatives(subject, text, from_email or settings.DEFAULT_FROM_EMAIL, to)
    message.attach_alternative(html_body(subject, text), "text/html")
    message.send()


def deliver(ids: list[int]) -> None:
    """Try to send the queued messages `ids` now; a failing server defers them (django-mailer), never raises."""
    queued = Message.objects.non_deferred().filter(pk__in=ids)
    if not queued.exists():  # sent by someone else already (send_all would otherwise take the whole queue)
        return
    try:
        engine.send_all(queued)
    except Exception:
        logger.exception("Outbox: sending after commit failed; the messages stay queued for `manage.py send_mail`.")


class OutboxBackend(DbBackend):
    """django-mailer's database queue, plus an attempt to send right after the caller's transaction commits."""

    def send_messages(self, email_messages):
        ids = [message.pk for message in Message.objects.bulk_create([Message(email=e) for e in email_messages])]
        if ids and getattr(settings, "OUTBOX_SEND_AFTER_COMMIT", True):
            transaction.on_commit(lambda: deliver(ids))
        return len(ids)
