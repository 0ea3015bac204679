"""A mail server that is down never breaks committed work: mail waits in the outbox and leaves when it is back.

The SMTP server here is a real one (aiosmtpd) on 127.0.0.1; "down" is the same port with nothing listening.
"""

import datetime
import socket

import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from mailer.models import PRIORITY_DEFERRED, Message

from booking.models import Order, ServiceRequest
from catalog.constants import ApplicationStatus
from catalog.models import RegisterApplication
from core.audit import history_for
from tests.booking.factories import ChildFactory, make_request, make_wallet, quoted
from tests.catalog import factories as catalog

pytestmark = pytest.mark.django_db
START = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()


class Inbox:
    """aiosmtpd handler: keeps (recipients, raw message) of everything it accepts."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """The outbox in front of real SMTP on a closed port; `smtp.back()` starts a real server there and sends."""
    port = free_port()
    settings.EMAIL_BACKEND = "theme.mail.OutboxBackend"
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.OUTBOX_SEND_AFTER_COMMIT = True

    class Server:
        inbox = Inbox()

        def back(self):
            controller = Controller(self.inbox, hostname="127.0.0.1", port=port)
            controller.start()
            try:
                call_command("retry_deferred")
                call_command("send_mail")
            finally:
                controller.stop()
            return self.inbox.received

    return Server()


def assert_queued_then_delivered(smtp, to: str, subject_part: str):
    queued = [m for m in Message.objects.all() if to in m.to_addresses]
    assert queued, f"nothing queued for {to}"
    assert all(m.priority == PRIORITY_DEFERRED for m in queued)  # the attempt after commit failed and deferred it
    received = smtp.back()
    assert any(to in rcpts and subject_part in raw for rcpts, raw in received), received
    assert not Message.objects.filter(pk__in=[m.pk for m in queued]).exists()


def test_a_request_sent_while_smtp_is_down_is_saved_and_its_email_leaves_later(
    client, market, smtp, django_capture_on_commit_callbacks
):
    child = ChildFactory()
    client.force_login(child.guardian.user)
    url = reverse("booking:request_new") + f"?servizio={market['service'].pk}"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"child": child.pk, "preferred_start": START, "preferred_days": ["2"]})
    assert response.status_code == 302
    assert ServiceRequest.objects.filter(child=child).count() == 1
    assert_queued_then_delivered(smtp, market["staff"].email, "Nuova richiesta")


def test_a_quote_sent_while_smtp_is_down_is_saved_and_its_email_leaves_later(
    client, market, smtp, django_capture_on_commit_callbacks
):
    request = make_request(market["service"])
    client.force_login(market["staff"])
    data = {"action": "quote", "price": "80.00", "start_date": START, "schedule": "Mercoledì", "valid_until": START}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("booking_provider_request", args=[request.pk]), data)
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == ServiceRequest.State.QUOTED
    assert_queued_then_delivered(smtp, request.guardian.email, "Preventivo")


def test_a_payment_made_while_smtp_is_down_is_saved_and_its_email_leaves_later(
    client, market, smtp, django_capture_on_commit_callbacks
):
    child = ChildFactory()
    make_wallet("30.00", child=child)
    quote = quoted(market["service"], market["staff"], child=child)
    client.force_login(child.guardian.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("booking:quote_decide", args=[quote.request.pk]), {"decision": "accept"})
    order = Order.objects.get(quote=quote)
    key = client.get(response.url).context["pay_form"].initial["attempt_key"]
    Message.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("booking:order_pay", args=[order.pk]),
            {"method": "card", "attempt_key": key, "voucher_amount": "30,00", "confirm": "1"},
        )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    assert_queued_then_delivered(smtp, market["staff"].email, "pagato")


@pytest.fixture
def market(market_of_the_module):
    """A provider's service with its staff, and the catalogue around it: built once for the module
    (`market_of_the_module`)."""
    return market_of_the_module


@pytest.fixture
def home_page(market):
    """The module's home page, under which `market` is built, instead of a new one for each test."""
    return market["provider"].get_site().root_page.specific


def approvable_application() -> RegisterApplication:
    return catalog.RegisterApplicationFactory(declared=True)


@pytest.fixture
def staff_client(client, market):
    """A superuser signed in, over the module's catalogue (where an approved provider's page goes)."""
    admin = get_user_model().objects.create_superuser("comune", "comune@example.org", "una-password-lunga-42")
    client.force_login(admin)
    return client


def test_an_approval_made_while_smtp_is_down_keeps_its_invitation_and_staff_can_resend_it(
    staff_client, smtp, django_capture_on_commit_callbacks
):
    application = approvable_application()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("register_applications:approve", args=[application.pk]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert_queued_then_delivered(smtp, "catalogo@teatro.example.org", "ammesso")

    inspect = staff_client.get(reverse("register_applications:inspect", args=[application.pk]))
    resend_url = reverse("register_applications:resend_invitation", args=[application.pk])
    assert resend_url in inspect.text
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(resend_url)
    assert response.status_code == 302
    assert_queued_then_delivered(smtp, "catalogo@teatro.example.org", "ammesso")
    resent = history_for(application).get(action="catalog.application.invitation_resent")
    assert "Invito reinviato" in resent.reason


def test_a_signup_made_while_smtp_is_down_creates_the_account_and_its_email_leaves_later(
    client, home_page, smtp, django_capture_on_commit_callbacks
):
    data = {"email": "nuova@example.org", "password1": "una-password-lunga-42", "password2": "una-password-lunga-42"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), data)
    assert response.status_code == 302
    assert get_user_model().objects.filter(email="nuova@example.org").exists()
    assert_queued_then_delivered(smtp, "nuova@example.org", "Subject:")


def test_a_password_reset_asked_while_smtp_is_down_answers_normally_and_its_email_leaves_later(
    client, home_page, smtp, django_capture_on_commit_callbacks
):
    get_user_model().objects.create_user("lucia", "lucia@example.org", "una-password-lunga-42")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "lucia@example.org"})
    assert response.status_code == 302
    assert_queued_then_delivered(smtp, "lucia@example.org", "password")


def test_with_the_server_up_mail_leaves_right_after_commit(market, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "theme.mail.OutboxBackend"
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        quote = quoted(market["service"], market["staff"])
    assert [m.to for m in mail.outbox] == [[quote.request.guardian.email]]
    assert not Message.objects.exists()


def test_all_mail_goes_through_the_outbox():
    """The settings every environment shares (Django's test runner swaps in locmem, so read them directly)."""
    from config.settings import base

    assert base.EMAIL_BACKEND == "theme.mail.OutboxBackend"
    assert base.MAILER_EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"  # EMAIL_URL's default
