"""The accessibility statement (AgID model) with its feedback form, and the cookie statement."""

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.urls import reverse
from wagtail.models import Site

from booking.spid_sp.views import ACS_COOKIE
from home.models import ContentPage, SiteSettings
from legal.models import AccessibilityFeedback, AccessibilityStatementPage
from legal.views import REPORTS_PER_HOUR
from tests.booking.factories import GuardianFactory

pytestmark = pytest.mark.django_db


def test_accessibility_statement_follows_agids_model(client, legal_pages):
    html = client.get(AccessibilityStatementPage.objects.get().url).content.decode()

    sections = [
        "Stato di conformità",
        "Contenuti non accessibili",
        "Redazione della dichiarazione di accessibilità",
        "Meccanismo di feedback e informazioni di contatto",
        "Procedura di attuazione",
    ]
    positions = [html.index(f">{section}</h2>") for section in sections]
    assert positions == sorted(positions)
    assert "<strong>parzialmente conforme</strong>" in html
    assert "La dichiarazione è stata redatta il 29 novembre 2026." in html
    assert "axe-core" in html and "Nu HTML Checker" in html and "controlli manuali" in html
    assert f'href="{reverse("legal:accessibility_feedback")}"' in html
    assert 'href="https://form.agid.gov.it/"' in html


def test_accessibility_report_is_stored_and_listed_for_staff(client, admin_client, legal_pages):
    url = reverse("legal:accessibility_feedback")
    form = client.get(url)
    assert "informativa sul trattamento dei dati personali" in form.content.decode()

    response = client.post(
        url, {"page_url": "/catalogo/", "description": "Il filtro per età non si usa da tastiera.", "email": ""}
    )

    assert response.status_code == 302 and response["Location"] == f"{url}?inviata=1"
    assert "abbiamo ricevuto la tua segnalazione" in client.get(response["Location"]).content.decode()
    report = AccessibilityFeedback.objects.get()
    assert (report.page_url, report.email, report.handled) == ("/catalogo/", "", False)
    listing = admin_client.get(reverse("accessibility_feedback:index")).content.decode()
    assert "Il filtro per età non si usa da tastiera." in listing


def test_accessibility_report_needs_a_description_a_valid_email_and_is_rate_limited(client, legal_pages):
    url = reverse("legal:accessibility_feedback")
    empty = client.post(url, {"description": "", "email": "non-una-email"})
    assert empty.status_code == 200
    assert "Questo campo è obbligatorio." in empty.content.decode()
    assert "Inserisci un indirizzo email valido." in empty.content.decode()
    client.post(url, {"description": "Bot", "sito_web": "http://spam.example"})
    assert not AccessibilityFeedback.objects.exists()
    statuses = [client.post(url, {"description": f"Problema {n}"}).status_code for n in range(REPORTS_PER_HOUR + 1)]
    assert statuses == [302] * REPORTS_PER_HOUR + [429]
    assert AccessibilityFeedback.objects.count() == REPORTS_PER_HOUR


def cookie_names_set(client, legal_pages) -> set[str]:
    """The cookies the site really sets along a visit: a form, the language switch, a sign-in, a message."""
    names = set()
    names |= set(client.get(reverse("legal:accessibility_feedback")).cookies)
    names |= set(client.post(reverse("set_language"), {"language": "en", "next": "/"}).cookies)
    guardian = GuardianFactory()
    guardian.user.set_password("una-password-lunga-123")
    guardian.user.save()
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=guardian.user, email=guardian.user.email, verified=True, primary=True)
    login = client.post(reverse("account_login"), {"login": guardian.user.email, "password": "una-password-lunga-123"})
    names |= set(login.cookies)
    return names


def test_cookie_statement_lists_every_cookie_the_site_sets_and_only_technical_ones(client, legal_pages):
    site_settings = SiteSettings.for_site(Site.objects.get())
    statement = ContentPage.objects.get(pk=site_settings.cookie_page_id)
    html = client.get(statement.url).content.decode()

    seen = cookie_names_set(client, legal_pages)
    assert {settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME, settings.SESSION_COOKIE_NAME} <= seen
    configured = {
        settings.SESSION_COOKIE_NAME,
        settings.CSRF_COOKIE_NAME,
        settings.LANGUAGE_COOKIE_NAME,
        CookieStorage.cookie_name,
        ACS_COOKIE,  # the SPID/CIE answer on its way from the ACS to the sign-in
    }
    listed = {row.select("td")[0].get_text(strip=True) for row in BeautifulSoup(html, "html.parser").select("tbody tr")}
    assert seen | configured <= listed
    assert "solo cookie tecnici" in html


def test_footer_links_every_legal_page(client, legal_pages):
    html = client.get("/").content.decode()
    small_prints = html.split('class="it-footer-small-prints', 1)[1]
    for title in ("Dichiarazione di accessibilità", "Privacy", "Informativa sui cookie"):
        assert f">{title}</a>" in small_prints


def test_demo_replaces_the_earlier_plain_accessibility_page_only_if_nobody_edited_it(home_page):
    from io import StringIO

    from legal import demo

    old = ContentPage(title="Dichiarazione di accessibilità", slug="accessibilita")
    home_page.add_child(instance=old)
    old.save_revision().publish()

    demo.load(StringIO())

    statement = AccessibilityStatementPage.objects.get()
    assert statement.slug == "accessibilita"
    assert not ContentPage.objects.filter(pk=old.pk).exists()
