"""Sign-in limits: staff are locked out after repeated failures, the admin's logout is all or nothing, and behind a
reverse proxy each visitor is limited on its own forwarded address, which it cannot forge."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.django_db
PASSWORD = "una-password-lunga-42"
ADMIN_LOGIN = "/admin/login/"
PROXY = "10.0.0.2"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def staff(username: str):
    return get_user_model().objects.create_user(
        username, f"{username}@comune.milano.it", PASSWORD, is_staff=True, is_superuser=True
    )


def admin_login(client, username, password, **headers):
    return client.post(ADMIN_LOGIN, {"username": username, "password": password}, **headers)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_admin_sign_in_locks_out_after_repeated_wrong_passwords(client, home_page):
    staff("redattrice")
    for _ in range(30):
        admin_login(client, "redattrice", "sbagliata")
    response = admin_login(client, "redattrice", PASSWORD)
    assert response.status_code == 429
    assert "Troppi tentativi di accesso" in response.text
    assert not signed_in(client)


def test_a_few_wrong_admin_passwords_do_not_lock_out(client, home_page):
    staff("redattrice")
    for _ in range(4):
        admin_login(client, "redattrice", "sbagliata")
    response = admin_login(client, "redattrice", PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_get_on_the_admin_logout_changes_nothing_and_post_logs_out_completely(client, home_page):
    client.force_login(staff("redattrice"))
    session_key = client.session.session_key
    response = client.get("/admin/logout/")
    assert response.status_code == 405
    assert "sessionid" not in response.cookies  # the browser's cookie is not dropped...
    assert Session.objects.filter(session_key=session_key).exists()  # ...nor the session on the server
    assert client.get(reverse("wagtailadmin_home")).status_code == 200

    response = client.post("/admin/logout/")
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=session_key).exists()
    assert client.get(reverse("wagtailadmin_home")).status_code == 302


def forwarded(address: str) -> dict:
    """What the app sees behind one proxy: the proxy's own address, and the client's appended to the header."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": address}


def test_behind_a_proxy_two_clients_are_locked_out_separately_and_cannot_forge_their_address(
    client, home_page, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    staff("redattrice")
    staff("moderatrice")
    for number in range(6):
        admin_login(client, f"indovinato{number}", "sbagliata", **forwarded("203.0.113.5"))
    response = admin_login(client, "redattrice", PASSWORD, **forwarded("203.0.113.5"))
    assert response.status_code == 429

    # The attacker writes its own X-Forwarded-For; the proxy appends the address it saw.
    response = admin_login(client, "redattrice", PASSWORD, **forwarded("198.51.100.77, 203.0.113.5"))
    assert response.status_code == 429 and not signed_in(client)

    response = admin_login(client, "moderatrice", PASSWORD, **forwarded("203.0.113.6"))
    assert response.status_code == 302 and signed_in(client)


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(client, home_page, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    staff("redattrice")
    for number in range(6):
        admin_login(client, f"indovinato{number}", "sbagliata", REMOTE_ADDR="203.0.113.5")
    response = admin_login(
        client, "redattrice", PASSWORD, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.77"
    )
    assert response.status_code == 429


def family_login(client, email, **headers):
    return client.post(reverse("account_login"), {"login": email, "password": "sbagliata"}, **headers)


def test_family_login_limits_count_each_forwarded_client_on_its_own(client, home_page, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    get_user_model().objects.create_user("lucia", "lucia@example.org", PASSWORD)
    for number in range(10):  # allauth: 10 failures a minute per address
        family_login(client, f"nessuno{number}@example.org", **forwarded("203.0.113.5"))
    spoofed = forwarded("198.51.100.77, 203.0.113.5")
    response = client.post(reverse("account_login"), {"login": "lucia@example.org", "password": PASSWORD}, **spoofed)
    assert "Troppi tentativi di accesso" in response.text

    other = forwarded("203.0.113.6")
    response = client.post(reverse("account_login"), {"login": "lucia@example.org", "password": PASSWORD}, **other)
    assert "Troppi tentativi di accesso" not in response.text
    assert response.status_code == 302
