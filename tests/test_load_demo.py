"""`manage.py load_demo`: the site the run script serves, idempotent, with the catalogue search ready, and the voucher
call's ranking behind the figures the minisite quotes.

The only tests that run the whole demo (unit tests build what they need with factories). It is loaded once for
this module, in a transaction rolled back at the end; each test runs in a savepoint of its own inside it.
"""

from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from wagtail.models import Page, Revision, Site

from booking.demo import FAMILY_FISCAL_CODE
from booking.models import LedgerEntry, Wallet
from catalog.models import ServicePage
from catalog.search_sync import service_documents
from home.demo import DEMO_ACCOUNTS
from home.models import HomePage, SiteSettings
from legal.models import AccessibilityStatementPage, PrivacyNoticePage
from search.api import SearchQuery, get_backend
from search.backends.database import DatabaseBackend
from vouchercall import demo as vouchercall_demo
from vouchercall import services as vouchercall_services
from vouchercall.models import Application, Ranking

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """`load_demo` once for the module (its images and documents in a temporary MEDIA_ROOT), rolled back after."""
    # The demo's absolute links follow the address the site is served on (scripts/run sets it).
    media = override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("media"), WAGTAILADMIN_BASE_URL="http://127.0.0.1:8123"
    )
    with media, django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


#: Logs of what a run did rather than content: each load rebuilds the search index, and the index's change log
#: (which tells the search processes what to read again) records that rebuild.
RUN_LOGS = {"search.CatalogueChange"}


def row_counts() -> dict[str, int]:
    """Rows per model, but the run logs."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label not in RUN_LOGS
    }


def test_load_demo_twice_changes_nothing():
    before = row_counts()
    pages, revisions = Page.objects.count(), Revision.objects.count()

    call_command("load_demo", stdout=StringIO())

    assert row_counts() == before
    assert (Page.objects.count(), Revision.objects.count()) == (pages, revisions)
    assert pages > 10


def test_load_demo_builds_the_site_the_run_script_serves(client):
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
        for fact in ("14 ottobre 2026", "5.006 domande ammesse e finanziate", "2.100.000 euro", "18 ottobre 2026"):
            assert fact in text, (url, fact)
        assert "da ottobre 2026 fino al 31 luglio 2027" in text, url
    for username, *_, groups in DEMO_ACCOUNTS:
        user = apps.get_model("auth", "User").objects.get(username=username)
        assert set(groups) <= set(user.groups.values_list("name", flat=True))
        assert user.check_password("milano018-demo")
    # The minisite is published through revisions; the catalogue's 600 demo pages are created live in bulk.
    minisite = Page.objects.live().exclude(depth=1).exclude(content_type__app_label="catalog")
    assert not minisite.filter(live_revision__isnull=True).exists()


def test_load_demo_fills_the_search_index():
    """The catalogue search is ready: the index holds exactly the live demo services."""
    live = ServicePage.objects.live().public().count()
    assert live > 500
    assert not DatabaseBackend().check(service_documents())
    result = get_backend().search(SearchQuery(category=frozenset({"sport"})))
    assert 0 < result.count < live
    assert result.count == ServicePage.objects.live().public().filter(category="sport").count()


def test_the_demo_ranking_produces_the_minisites_figures():
    """The demo's 2026 call: the ranking it builds funds 5,006 applications with 2,100,000 EUR, the figures the
    minisite quotes, the demo family among them; every ranking verifies; a second load changes nothing."""
    final = Ranking.objects.get(kind=Ranking.Kind.FINAL)
    assert (final.funded_count, final.funded_total) == (5006, Decimal("2100000.00"))
    assert Application.objects.count() == 6000
    # Every family lives in a municipio, so the monitoring's equity page has applications in each of the nine.
    assert set(Application.objects.values_list("guardian__municipio", flat=True)) == set(range(1, 10))
    assert all(vouchercall_services.verify(ranking).ok for ranking in Ranking.objects.all())
    assert final.changes, "the appeal readmitted a family: the final ranking lists the change"
    family = Application.objects.get(guardian__fiscal_code=FAMILY_FISCAL_CODE)
    assert vouchercall_services.standing(family).funded
    wallets = Wallet.objects.filter(call=final.call.money_call)
    assert sum(wallets.values_list("value", flat=True)) == Decimal("2100000.00")
    assert wallets.filter(holder=family.guardian).count() == 2
    entries = LedgerEntry.objects.count()
    vouchercall_demo.load(StringIO())
    assert LedgerEntry.objects.count() == entries
