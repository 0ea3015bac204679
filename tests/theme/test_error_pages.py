"""Refusals read in Italian: 400, 403 (and the expired form), 429 — never Django's or allauth's English pages."""

import pytest
from allauth.core.ratelimit import respond_429
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import RequestFactory
from django.views import csrf, defaults

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_(home_page):
    request = RequestFactory().get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    return request


def test_a_bad_request_page_is_in_italian(request_):
    response = defaults.bad_request(request_, SuspiciousOperation("x"))
    assert response.status_code == 400
    assert "Richiesta non valida" in response.content.decode()


def test_a_forbidden_page_is_in_italian_with_the_site_around_it(request_):
    response = defaults.permission_denied(request_, PermissionDenied())
    html = response.content.decode()
    assert response.status_code == 403
    assert "Accesso non consentito" in html
    assert "Milano 0.18" in html


def test_an_expired_form_says_what_to_do_in_italian(request_):
    response = csrf.csrf_failure(request_)
    assert response.status_code == 403
    assert "Il modulo è scaduto" in response.content.decode()


def test_too_many_attempts_is_in_italian(request_):
    response = respond_429(request_)  # what allauth answers when one of its rate limits trips
    assert response.status_code == 429
    assert "Troppi tentativi" in response.content.decode()
