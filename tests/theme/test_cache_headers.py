"""Public pages may be cached for a few minutes; personal and admin pages never."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


def test_anonymous_visit_of_a_page_is_publicly_cacheable(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    assert not response.cookies


def test_signed_in_visit_of_the_same_page_is_never_stored(client, home_page):
    client.force_login(get_user_model().objects.create_user("giulia", password="x"))
    response = client.get("/")
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "private" in cache_control
    assert "no-store" in cache_control
    assert "public" not in cache_control


def test_admin_login_page_is_never_stored(client, home_page):
    response = client.get("/admin/login/")
    assert "no-store" in response["Cache-Control"]


def test_a_visitor_with_a_session_gets_private_pages(client, home_page):
    session = client.session
    session["passed_page_view_restrictions"] = [home_page.pk]
    session.save()
    response = client.get("/")
    assert "no-store" in response["Cache-Control"]


def test_not_found_and_search_pages_are_not_marked_public(client, home_page):
    assert "public" not in client.get("/non-esiste/").get("Cache-Control", "")
    assert "public" not in client.get("/cerca/?q=benessere").get("Cache-Control", "")
