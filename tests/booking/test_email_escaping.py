"""User text reaches every email as text: the HTML part escapes it, and only plain URLs become links."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from booking import emails, marketplace
from catalog import register
from tests.booking.factories import make_request
from tests.catalog import factories as catalog

pytestmark = pytest.mark.django_db
MARKUP = '<a href="https://evil.example/">clic</a><img src=x onerror="alert(1)">'
DATES = {"valid_until", "preferred_start", "start_date", "preferred_end"}
EVENTS = sorted(
    path.name.removesuffix(".subject.txt")
    for path in (Path(settings.BASE_DIR) / "theme/templates/emails/booking").glob("*.subject.txt")
)


class Markup(str):
    """Whatever a template asks of it (request.service.title, order.request.child.first_name...) is MARKUP."""

    def __new__(cls):
        return super().__new__(cls, MARKUP)

    def __getattr__(self, name):
        return datetime.date(2026, 9, 1) if name in DATES else Markup()


def html_part(message) -> str:
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


def assert_escaped(message):
    html = html_part(message)
    assert "<img" not in html and 'href="https://evil.example/"' not in html
    assert "&lt;img src=x onerror=" in html
    assert MARKUP in message.body  # the plain-text part keeps what was written, as text


@pytest.fixture
def market(market_of_the_module):
    """A provider's service with its staff, and the catalogue around it: built once for the module
    (`market_of_the_module`)."""
    return market_of_the_module


@pytest.fixture
def home_page(market):
    """The module's home page, under which `market` and its catalogue are built, instead of a new one for each
    test."""
    return market["provider"].get_site().root_page.specific


@pytest.mark.parametrize("event", EVENTS)
def test_every_booking_email_escapes_user_text_in_its_html_part(event, django_capture_on_commit_callbacks):
    context = {name: Markup() for name in ("request", "quote", "order", "service", "rating", "message")}
    context.update(reason=MARKUP, url="/famiglia/richieste/1/")
    with django_capture_on_commit_callbacks(execute=True):
        emails.notify(event, "famiglia@example.org", context)
    [message] = mail.outbox
    html = html_part(message)
    assert "<img" not in html and 'href="https://evil.example/"' not in html
    if "http://testserver/famiglia/richieste/1/" in message.body:  # plain URLs stay links
        assert '<a href="http://testserver/famiglia/richieste/1/" rel="nofollow">' in html


def test_a_refusal_reason_with_markup_reaches_the_family_as_text(client, market, django_capture_on_commit_callbacks):
    request = make_request(market["service"])
    client.force_login(market["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("booking_provider_request", args=[request.pk]), {"action": "decline", "reason": MARKUP})
    [message] = mail.outbox
    assert message.to == [request.guardian.email]
    assert_escaped(message)


def test_a_provider_message_with_markup_reaches_the_family_as_text(market, django_capture_on_commit_callbacks):
    request = make_request(market["service"])
    with django_capture_on_commit_callbacks(execute=True):
        marketplace.post_message(request, sender=market["staff"], from_family=False, body=MARKUP)
    assert "<img" not in html_part(mail.outbox[-1])


def test_register_emails_escape_the_organisation_name_and_the_rejection_reason(
    market, django_capture_on_commit_callbacks
):
    """Over the module's catalogue (where an approved provider's page goes)."""

    def application(name):
        return catalog.RegisterApplicationFactory(organisation_name=name)

    with django_capture_on_commit_callbacks(execute=True):
        register.reject(application("Teatro"), by=None, reason=MARKUP)
        register.approve(application(MARKUP), by=catalog.editor())
    rejection, invitation = mail.outbox
    assert_escaped(rejection)
    assert "<img" not in html_part(invitation) and "&lt;img" in html_part(invitation)


def test_signup_and_password_reset_emails_are_plain_text_with_no_html_part(client, home_page, mailoutbox):
    client.post(
        reverse("account_signup"),
        {"email": "nuova@example.org", "password1": "una-password-lunga-42", "password2": "una-password-lunga-42"},
    )
    client.post(reverse("account_reset_password"), {"email": "nuova@example.org"})
    assert len(mailoutbox) == 2
    assert [getattr(message, "alternatives", []) for message in mailoutbox] == [[], []]
