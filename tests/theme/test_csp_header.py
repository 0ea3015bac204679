"""Every kind of page carries the Content-Security-Policy; inline script runs only with the request's nonce."""

import re

import pytest
from django.contrib.auth import get_user_model

from tests.booking.factories import ChildFactory

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in header.split(";")) if part}


def test_public_pages_have_a_nonce_policy_and_their_inline_script_carries_the_nonce(client, home_page):
    response = client.get("/")
    directives = policy(response)
    nonce = re.search(r"'nonce-([^']+)'", directives["script-src"]).group(1)
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["object-src"] == "object-src 'none'" and directives["frame-ancestors"] == "frame-ancestors 'self'"
    assert f'<script nonce="{nonce}">' in response.text
    assert "onclick=" not in response.text


def test_each_response_gets_its_own_nonce(client, home_page):
    first = policy(client.get("/"))["script-src"]
    second = policy(client.get("/"))["script-src"]
    assert first != second


def test_the_family_area_has_the_policy(client, home_page):
    client.force_login(ChildFactory().guardian.user)
    response = client.get("/famiglia/")
    assert response.status_code == 200
    assert "'nonce-" in policy(response)["script-src"]


def test_the_admin_has_the_policy_with_only_its_script_allowance(client, home_page):
    client.force_login(get_user_model().objects.create_superuser("comune", "comune@example.org", "x-lunga-42"))
    response = client.get("/admin/")
    directives = policy(response)
    assert directives["script-src"] == "script-src 'self' 'unsafe-inline'"
    assert directives["object-src"] == "object-src 'none'" and directives["default-src"] == "default-src 'self'"
    assert "www.gravatar.com" not in response.text
