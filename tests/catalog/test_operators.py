"""A provider's operators: its administrator invites them from the admin (email with a set-password link, logged),
they see the provider's requests and receive its emails; the administrator removes them."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from catalog.models import ProviderAdministrator
from core.audit import history_for
from tests.booking.factories import ChildFactory, service_setup
from tests.catalog import factories

pytestmark = pytest.mark.django_db
OPERATORS_URL = "/admin/ente/operatori/"


@pytest.fixture
def provider_admin(home_page):
    provider, service, staff = service_setup(home_page)
    ProviderAdministrator.objects.create(provider=provider, user=staff)
    return {"provider": provider, "service": service, "admin": staff}


def invite(client, django_capture_on_commit_callbacks, email="luca.verdi@ente.example.org", **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            OPERATORS_URL, {"first_name": "Luca", "last_name": "Verdi", "email": email, **extra}, follow=True
        )


def test_an_invited_operator_sets_a_password_and_sees_the_providers_requests(
    client, provider_admin, django_capture_on_commit_callbacks
):
    from tests.booking.factories import make_request

    provider = provider_admin["provider"]
    request = make_request(provider_admin["service"], child=ChildFactory(first_name="Giulia"))
    client.force_login(provider_admin["admin"])
    response = invite(client, django_capture_on_commit_callbacks)
    assert "Invito inviato a luca.verdi@ente.example.org" in response.content.decode()
    assert "Invitato, password da scegliere" in response.content.decode()

    operator = get_user_model().objects.get(email="luca.verdi@ente.example.org")
    assert not operator.has_usable_password()
    entry = history_for(provider).get(action="catalog.provider.operator_invited")
    assert (entry.actor, entry.data) == (provider_admin["admin"], {"user": operator.pk, "administrator": False})

    (email,) = mail.outbox
    assert email.to == ["luca.verdi@ente.example.org"]
    assert provider.title in email.subject and operator.username in email.body
    client.logout()
    link = re.search(r"http://testserver(\S+)", email.body).group(1)
    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    response = client.post(set_url, {"new_password1": "Verdi-2026-sicura", "new_password2": "Verdi-2026-sicura"})
    assert response.status_code == 302

    assert client.login(username=operator.username, password="Verdi-2026-sicura")
    requests_page = client.get(reverse("booking_provider_requests"))
    assert requests_page.status_code == 200
    assert reverse("booking_provider_request", args=[request.pk]) in requests_page.content.decode()
    assert client.get(OPERATORS_URL).status_code in (302, 403)  # an operator, not an administrator: refused


def test_request_emails_go_to_the_operators_not_to_the_public_address(
    client, provider_admin, django_capture_on_commit_callbacks
):
    from booking import quotes

    client.force_login(provider_admin["admin"])
    invite(client, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    child = ChildFactory(birth_date=datetime.date.today() - datetime.timedelta(days=365 * 9))
    with django_capture_on_commit_callbacks(execute=True):
        quotes.send_requests(
            guardian=child.guardian,
            child=child,
            services=[provider_admin["service"].pk],
            preferred_start=datetime.date.today() + datetime.timedelta(days=10),
        )
    (email,) = [message for message in mail.outbox if provider_admin["admin"].email in message.to]
    assert sorted(email.to) == sorted([provider_admin["admin"].email, "luca.verdi@ente.example.org"])
    assert provider_admin["provider"].contact_email not in email.to


def test_an_administrator_removes_an_operator_but_not_themself(
    client, provider_admin, django_capture_on_commit_callbacks
):
    provider, admin = provider_admin["provider"], provider_admin["admin"]
    client.force_login(admin)
    invite(client, django_capture_on_commit_callbacks, admin="on")
    operator = get_user_model().objects.get(email="luca.verdi@ente.example.org")
    assert ProviderAdministrator.objects.filter(provider=provider, user=operator).exists()

    remove_url = reverse("catalog_operator_remove", args=[provider.pk, operator.pk])
    assert "Togli l'operatore" in client.get(remove_url).content.decode()
    page = client.post(remove_url, follow=True).content.decode()
    assert "Luca Verdi non è più operatore dell" in page
    operator.refresh_from_db()
    assert not operator.groups.exists() and not operator.is_active
    assert not ProviderAdministrator.objects.filter(user=operator).exists()
    assert history_for(provider).filter(action="catalog.provider.operator_removed").count() == 1

    page = client.post(reverse("catalog_operator_remove", args=[provider.pk, admin.pk]), follow=True)
    assert "Non potete togliere voi stessi" in page.content.decode()
    assert admin.groups.filter(pk=provider.group_id).exists()


def test_only_the_providers_administrators_manage_its_operators(client, provider_admin, tree_for_other_provider):
    other_admin = tree_for_other_provider
    client.force_login(other_admin)
    page = client.get(OPERATORS_URL).content.decode()
    assert provider_admin["provider"].title not in page
    url = f"{OPERATORS_URL}?ente={provider_admin['provider'].pk}"
    assert client.get(url).status_code == 404
    remove_url = reverse("catalog_operator_remove", args=[provider_admin["provider"].pk, provider_admin["admin"].pk])
    assert client.post(remove_url).status_code == 404
    assert provider_admin["admin"].groups.filter(pk=provider_admin["provider"].group_id).exists()


def test_an_existing_account_is_not_taken_over(client, provider_admin, django_capture_on_commit_callbacks):
    factories.user("famiglia", email="luca.verdi@ente.example.org")
    client.force_login(provider_admin["admin"])
    page = invite(client, django_capture_on_commit_callbacks).content.decode()
    assert "Esiste già un account con l&#x27;email luca.verdi@ente.example.org" in page
    assert not mail.outbox
    assert get_user_model().objects.filter(email="luca.verdi@ente.example.org").count() == 1


@pytest.fixture
def tree_for_other_provider(provider_admin):
    from catalog.models import ProviderIndexPage

    other = factories.provider(ProviderIndexPage.objects.get(), "Ente Due", number=2)
    admin = factories.provider_user("ente-due", other)
    ProviderAdministrator.objects.create(provider=other, user=admin)
    return admin
