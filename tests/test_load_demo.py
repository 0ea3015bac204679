"""`manage.py load_demo` is idempotent: a second run leaves every table as it was."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from wagtail.models import Page, Revision, Site

from home.demo import DEMO_ACCOUNTS
from home.models import HomePage, SiteSettings
from legal.models import AccessibilityStatementPage, PrivacyNoticePage

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_load_demo_twice_changes_nothing(media_root_tmp):
    call_command("load_demo", stdout=StringIO())
    before = row_counts()
    pages, revisions = Page.objects.count(), Revision.objects.count()

    call_command("load_demo", stdout=StringIO())

    assert row_counts() == before
    assert (Page.objects.count(), Revision.objects.count()) == (pages, revisions)
    assert pages > 10


def test_load_demo_builds_the_site_the_run_script_serves(media_root_tmp, client, settings):
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8123"
    call_command("load_demo", stdout=StringIO())

    site = Site.objects.get(is_default_site=True)
    # The site's address is the one it is served on, so the demo's absolute links lead back to it.
    assert (site.hostname, site.port, site.root_page.specific_class) == ("127.0.0.1", 8123, HomePage)
    assert 'href="http://127.0.0.1:8123/"' in client.get("/", HTTP_HOST="127.0.0.1:8123").content.decode()
    home = site.root_page.specific
    assert [c.code for c in home.categories.all()] == ["sport", "arte", "stem", "salute", "scuola-plus"]
    assert home.steps.count() == 5
    settings = SiteSettings.for_site(site)
    assert settings.accessibility_page.specific_class is AccessibilityStatementPage
    assert not settings.privacy_page.show_in_menus
    assert settings.privacy_page.get_children().type(PrivacyNoticePage).count() == 5
    assert settings.cookie_page.title == "Informativa sui cookie"
    # The voucher call's outcome and spending period, on the home page and on the project page.
    for url in ("/", "/progetto/"):
        text = " ".join(client.get(url).content.decode().split())
        for fact in ("14 ottobre 2022", "5.006 domande ammesse e finanziate", "2.100.000 euro", "18 ottobre 2022"):
            assert fact in text, (url, fact)
        assert "da ottobre 2022 fino al 31 luglio 2023" in text, url
    for username, *_, groups in DEMO_ACCOUNTS:
        user = apps.get_model("auth", "User").objects.get(username=username)
        assert set(groups) <= set(user.groups.values_list("name", flat=True))
        assert user.check_password("milano018-demo")
    # The minisite is published through revisions; the catalogue's 600 demo pages are created live in bulk.
    minisite = Page.objects.live().exclude(depth=1).exclude(content_type__app_label="catalog")
    assert not minisite.filter(live_revision__isnull=True).exists()


@pytest.fixture
def media_root_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
