"""The demo content of the four sections (challenges, news, hubs, calls): seed content, idempotent.

The sections are loaded once for this module, on a bare home page, in a transaction rolled back at the end; each test
runs in a savepoint of its own inside it (`kept_for_the_module`).
"""

import datetime
import io

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from taggit.models import Tag
from wagtail.documents import get_document_model
from wagtail.models import Page, Revision

from calls import demo as calls_demo
from calls.demo import ROME
from calls.models import CallPage, CallStatus, CallWindow
from challenges import demo as challenges_demo
from challenges.models import ChallengePage
from core.reference_index import deferred_reference_index
from home.models import HomePage, WellbeingDimension
from hubs import demo as hubs_demo
from hubs.models import HubOpeningHours, HubPage
from news import demo as news_demo
from news.models import NewsPage
from tests.conftest import build_home_page, kept_for_the_module

pytestmark = pytest.mark.django_db

SECTIONS = [challenges_demo, news_demo, hubs_demo, calls_demo]


def load_sections():
    """The sections' demo content, each written as `manage.py load_demo` writes it (one transaction, Wagtail's
    reference index brought up to date at its end)."""
    for module in SECTIONS:
        with transaction.atomic(), deferred_reference_index():
            module.load(io.StringIO())


def snapshot():
    return {
        "pages": list(Page.objects.order_by("path").values_list("path", "slug", "live", "latest_revision_id")),
        "revisions": Revision.objects.count(),
        "windows": sorted(CallWindow.objects.values_list("label", "opens_at", "closes_at")),
        "hours": HubOpeningHours.objects.count(),
        "documents": get_document_model().objects.count(),
        "tags": Tag.objects.count(),
        "dimensions": WellbeingDimension.objects.count(),
    }


@pytest.fixture(scope="module")
def _loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The four sections loaded once on a bare home page (their documents in a temporary MEDIA_ROOT)."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")), kept_for_the_module(django_db_blocker):
        build_home_page()
        load_sections()
        yield


@pytest.fixture
def home_page(_loaded, db) -> HomePage:
    """The home page the sections were loaded under; the cache starts empty (a test's pages may have cached it)."""
    cache.clear()
    return HomePage.objects.get()


def test_loading_twice_changes_nothing_even_when_the_clock_has_moved(home_page, monkeypatch):
    first = snapshot()
    later = timezone.now() + datetime.timedelta(days=3, hours=5)
    monkeypatch.setattr(timezone, "now", lambda: later)

    load_sections()

    assert snapshot() == first


def test_demo_carries_the_seed_content(home_page):
    assert [(c.number, c.title, c.age_band) for c in ChallengePage.objects.live().order_by("number")] == [
        (1, "Partecipazione a servizi educativi di qualità e accesso ai servizi sanitari", "0-6"),
        (2, "Partecipazione ad attività extra-scolastiche", "6-14"),
        (3, "Partecipazione alla vita sociale e promozione della mobilità sociale", "14-18"),
        (4, "Segregazione scolastica", "0-18"),
        (5, "Il ruolo del sistema educativo e scolastico nella promozione della mobilità sociale", "0-18"),
        (6, "Disabilità, bisogni educativi speciali e/o problematiche multilivello", "0-18"),
    ]
    assert all(c.dimensions.exists() for c in ChallengePage.objects.all())
    assert {page.slug for page in home_page.get_children().in_menu()} >= {"sfide", "notizie", "hub", "avvisi"}

    hubs = HubPage.objects.live()
    assert hubs.count() == 7
    assert len({hub.municipio for hub in hubs}) == 7
    assert all(hub.opening_hours.exists() for hub in hubs)

    graduatoria = NewsPage.objects.live().get(date=datetime.date(2026, 10, 14))
    assert "5.006" in graduatoria.intro
    assert NewsPage.objects.live().count() >= 8

    # The seeds' dates, in the demo's school year (2026/27, the catalogue's): seen at the end of November 2026,
    # the families' call is over, the register and the collective calls are in force with no next window
    # published yet, and the gaming one has no dates; after their deadline (30 June 2027) all three are closed.
    autumn = datetime.datetime(2026, 11, 30, 12, 0, tzinfo=ROME)
    summer = datetime.datetime(2027, 7, 1, 12, 0, tzinfo=ROME)
    # The Elenco's demonstration call is placed around the day the demo is loaded: open now, whatever the date.
    demo_register = CallPage.objects.get(slug="elenco-milano-0-18-finestre-dimostrative")
    assert demo_register.status() == CallStatus.OPEN
    seeds = CallPage.objects.live().exclude(pk=demo_register.pk)
    statuses = {call.title: (call.status(autumn), call.status(summer)) for call in seeds}
    assert statuses == {
        "Avviso voucher digitali per le famiglie": (CallStatus.CLOSED, CallStatus.CLOSED),
        "Avviso per l'Elenco Milano 0-18": (CallStatus.IN_DEFINITION, CallStatus.CLOSED),
        "Avviso micro-progettazioni locali (voucher collettivi)": (CallStatus.IN_DEFINITION, CallStatus.CLOSED),
        "Avviso volontariato civico e gaming": (CallStatus.IN_DEFINITION, CallStatus.IN_DEFINITION),
    }
    assert [w.state_at(timezone.now()) for w in demo_register.windows.order_by("opens_at")] == ["current", "future"]
    register = CallPage.objects.get(slug="elenco-milano-0-18")
    assert register.deadline.astimezone(ROME).date() == datetime.date(2027, 6, 30)
    assert [w.opens_at.astimezone(ROME).date() for w in register.windows.order_by("opens_at")] == [
        datetime.date(2026, 9, 20),
        datetime.date(2026, 9, 26),
    ]
    assert not CallPage.objects.get(slug="volontariato-civico-gaming").windows.exists()
    collective = str(CallPage.objects.get(slug="micro-progettazioni-locali").body)
    assert "31 agosto 2027" in collective and "elenco nominativo dei partecipanti" in collective
    assert "30% dei partecipanti previsti" in collective


def test_demo_pages_render(client, home_page):
    urls = ["/sfide/", "/sfide/sfida-01/", "/notizie/", "/notizie/feed/", "/hub/", "/hub/niguarda/", "/avvisi/"]
    urls.append(CallPage.objects.get(slug="elenco-milano-0-18").url)
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 200)
