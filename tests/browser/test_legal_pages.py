"""Legal pages in a real browser: reached from the footer, axe-core finds nothing; the feedback works without JS."""

import re

import pytest

from catalog.models import ServicePage
from home.models import ContentPage
from legal.models import AccessibilityFeedback, PageFeedback, PrivacyNoticePage
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP
from tests.browser.navigation import follow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_footer_link(tab, title: str) -> None:
    tab.goto("/")
    follow(tab.locator("#footer .it-footer-small-prints").get_by_role("link", name=title, exact=True))
    assert tab.locator("h1").inner_text().strip()


def test_every_legal_page_from_the_footer_passes_axe(page, demo_site):
    open_footer_link(page, "Privacy")
    assert_accessible(page, "privacy section")
    notices = list(PrivacyNoticePage.objects.live().order_by("path"))
    for notice in notices:
        page.goto(notice.url)
        assert page.locator("h1").inner_text() == notice.title
        assert_accessible(page, f"privacy notice {notice.processing}")

    open_footer_link(page, "Informativa sui cookie")
    assert page.get_by_role("cell", name="csrftoken", exact=True).is_visible()
    assert_accessible(page, "cookie statement")

    open_footer_link(page, "Note legali")
    assert_accessible(page, "legal notes")

    open_footer_link(page, "Dichiarazione di accessibilità")
    assert_accessible(page, "accessibility statement")
    follow(
        page.get_by_role("link", name="Segnala un problema di accessibilità"),
        re.compile(r"/segnalazione-accessibilita/$"),
    )
    assert_accessible(page, "accessibility report form")
    page.get_by_label("Descrivi il problema che hai incontrato").fill("Il menu non si apre con la tastiera.")
    follow(page.get_by_role("button", name="Invia la segnalazione"), re.compile(r"inviata=1"))
    assert page.get_by_role("status").inner_text().startswith("Grazie")
    assert_accessible(page, "accessibility report sent")
    assert AccessibilityFeedback.objects.get().description == "Il menu non si apre con la tastiera."


def test_feedback_block_works_without_javascript_and_sets_no_cookie(browser, demo_site):
    context = browser.new_context(base_url=demo_site.url, viewport=DESKTOP, locale="it-IT", java_script_enabled=False)
    tab = context.new_page()
    try:
        project = ContentPage.objects.get(slug="progetto")
        tab.goto(project.url)
        block = tab.locator("section.m018-feedback")
        assert block.get_by_role("heading").inner_text() == "Valuta questo servizio"
        assert not context.cookies()
        follow(block.get_by_role("button", name="No", exact=True), re.compile(r"/valuta/[^/]+/$"))
        # Bootstrap Italia draws the radio on its label: a person clicks the label.
        tab.locator("label", has_text="Non ho trovato quello che cercavo").click()
        assert tab.get_by_label("Non ho trovato quello che cercavo").is_checked()
        tab.get_by_label("Vuoi aggiungere qualcosa? (facoltativo)").fill("Mancano gli orari del sabato.")
        follow(tab.get_by_role("button", name="Invia", exact=True))
        assert "Abbiamo ricevuto la tua risposta" in tab.locator("main").inner_text()
        assert not context.cookies()
    finally:
        context.close()

    feedback = PageFeedback.objects.get()
    assert (feedback.page_id, feedback.useful, feedback.reason) == (project.pk, False, "not_found")
    assert feedback.comment == "Mancano gli orari del sabato."


def test_feedback_second_step_passes_axe(page, demo_site):
    service = ServicePage.objects.live().order_by("path").first()
    page.goto(service.url)
    assert_accessible(page, "service page with the feedback block")
    follow(
        page.locator("section.m018-feedback").get_by_role("button", name="Sì", exact=True),
        re.compile(r"/valuta/[^/]+/$"),
    )
    assert_accessible(page, "feedback second step")
