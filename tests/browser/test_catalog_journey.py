"""Browser journey: a provider creates and submits a service, an editor approves it, citizens find it."""

import pytest

from tests.browser import axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Laboratorio di teatro inclusivo"


@pytest.fixture
def catalogue(live_server):
    from challenges.models import ChallengeIndexPage, ChallengePage
    from tests.browser.content import fresh_home
    from tests.calls.factories import open_register_call
    from tests.catalog import factories

    home = fresh_home()
    open_register_call(home)  # the register form is open during its call's windows
    challenge = home.add_child(instance=ChallengeIndexPage(title="Sfide", slug="sfide")).add_child(
        instance=ChallengePage(title="Disabilità e BES", slug="disabilita", number=6, age_band="0-18", description="6.")
    )
    _catalog, categories, index = factories.catalog_tree(home)
    provider = factories.provider(index, name="Teatro dei Ragazzi")
    owner = factories.provider_user("ente1", provider)
    editor = factories.editor("redazione")
    return {
        "provider": provider,
        "challenge": challenge,
        "category": categories["arte"],
        "owner": owner,
        "editor": editor,
    }


def test_provider_submits_editor_approves_citizens_find_it(page, sign_in_as, catalogue):
    """The provider and then the editor use the same browser, each signed in by their session cookie (the admin's
    sign-in form is checked in test_csp.py); the provider's session is back for the public pages."""
    from catalog.models import ServicePage

    sign_in_as(page.context, catalogue["owner"])
    provider_session = page.context.cookies()
    page.goto(f"/admin/pages/add/catalog/servicepage/{catalogue['provider'].pk}/")
    page.fill("#id_title", TITLE)
    page.select_option("#id_category", "arte")
    page.fill("#id_summary", "Teatro per ragazze e ragazzi, anche con disabilità.")
    page.locator('[data-contentpath="description"] [contenteditable="true"]').fill("Voce, corpo, improvvisazione.")
    page.fill("#id_age_min", "8")
    page.fill("#id_age_max", "14")
    page.check("#id_for_disability")
    page.fill("#id_activities-0-name", "Improvvisazione")
    page.check("#id_municipi_served_4")
    page.fill("#id_staff_qualification", "Attore e formatore teatrale")
    page.check("#id_is_free")
    page.select_option("#id_sharing", "shared")
    page.fill("#id_activation_procedure", "Un colloquio telefonico con la famiglia.")
    page.fill("#id_max_wait_days", "5")
    page.check("#id_challenges_0")
    page.fill("#id_descriptor_creativity", "5")
    with page.expect_navigation():
        page.locator('button[name="action-submit"]').evaluate("button => button.click()")

    service = ServicePage.objects.get(title=TITLE)
    assert not service.live
    assert service.workflow_in_progress

    sign_in_as(page.context, catalogue["editor"])
    page.goto(f"/admin/pages/{service.pk}/edit/")
    with page.expect_navigation():
        page.locator('button[data-workflow-action-name="approve"]').first.evaluate("button => button.click()")
    page.context.clear_cookies()
    page.context.add_cookies(provider_session)

    service.refresh_from_db()
    assert service.live

    page.goto(catalogue["category"].url)
    assert page.get_by_role("link", name=TITLE).is_visible()
    axe.assert_accessible(page, "pagina di categoria")

    page.goto(service.url)
    assert page.get_by_role("heading", level=1, name=TITLE).is_visible()
    axe.assert_accessible(page, "scheda servizio")

    page.goto(catalogue["challenge"].url)
    assert page.get_by_role("link", name=TITLE).is_visible()

    page.goto("/elenco-milano-0-18/domanda/")
    axe.assert_accessible(page, "domanda di iscrizione all'Elenco")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.get_by_text("i file PDF allegati vanno selezionati di nuovo").is_visible()
    axe.assert_accessible(page, "domanda di iscrizione con errori")
