"""The Nu HTML Checker finds no error on any legal page (nor on the forms that go with them)."""

import pytest
from django.urls import reverse
from wagtail.models import Site

from home.models import ContentPage, SiteSettings
from legal.models import PrivacyNoticePage
from tests.htmlcheck import html_errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def legal_pages(legal_pages_of_the_module):
    """Built once for this module: every test here uses it."""
    return legal_pages_of_the_module


def legal_urls() -> list[str]:
    """Every legal page of the site: the footer's, each privacy notice, and the accessibility report form."""
    site_settings = SiteSettings.for_site(Site.objects.get())
    footer = [
        site_settings.privacy_page,
        site_settings.accessibility_page,
        site_settings.cookie_page,
        site_settings.legal_notes_page,
    ]
    notices = [notice.url for notice in PrivacyNoticePage.objects.live().order_by("path")]
    return [page.url for page in footer] + notices + [reverse("legal:accessibility_feedback")]


@pytest.fixture
def with_legal_notes(legal_pages):
    """The footer's «Note legali» (an ordinary content page, built by the home demo) beside the legal demo."""
    notes = legal_pages.add_child(
        instance=ContentPage(
            title="Note legali", slug="note-legali", intro="Condizioni di riuso dei contenuti e collegamenti esterni."
        )
    )
    site_settings = SiteSettings.for_site(Site.objects.get())
    site_settings.legal_notes_page = notes
    site_settings.save()
    return legal_pages


def test_every_legal_page_is_valid_html(client, with_legal_notes):
    urls = legal_urls()
    assert len(urls) == 10
    documents = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        documents[url] = response.content.decode()

    assert html_errors(documents) == {}


def test_feedback_pages_are_valid_html(client, legal_pages):
    notice = PrivacyNoticePage.objects.live().first()
    location = client.post(reverse("legal:feedback_vote"), {"page": notice.pk, "useful": "0"})["Location"]
    documents = {
        "second step": client.get(location).content.decode(),
        "second step with an error": client.post(location, {"reason": "clear"}).content.decode(),
        "report form with errors": client.post(reverse("legal:accessibility_feedback"), {}).content.decode(),
    }

    assert html_errors(documents) == {}
