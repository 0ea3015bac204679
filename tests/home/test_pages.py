"""Every home page type renders with its content; the home page's listings are bounded in queries."""

import datetime
from decimal import Decimal

import pytest
import wagtail_factories
from wagtail.models import Site

from challenges.models import ChallengeIndexPage, ChallengePage
from core.vocabularies import AgeBand, Category
from home.demo import call_to_action, ensure_child, heading, paragraph, quote, stream, table
from home.models import (
    ContentPage,
    HomeCategory,
    HomeStep,
    Partner,
    PartnersPage,
    SiteSettings,
    WellbeingDimension,
    WellbeingDimensionsPage,
)
from hubs.models import HubIndexPage, HubPage
from news.models import NewsIndexPage, NewsPage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def add_news(index, number, image=None, live=True):
    page = NewsPage(
        title=f"Notizia {number}",
        slug=f"notizia-{number}",
        date=datetime.date(2023, 1, number),
        intro=f"Sommario della notizia {number}.",
        body=stream(paragraph("<p>Testo.</p>")),
        image=image,
        live=live,
    )
    index.add_child(instance=page)
    return page


def add_challenge(index, number, live=True, dimensions=()):
    page = ChallengePage(
        title=f"Sfida numero {number}",
        slug=f"sfida-{number}",
        number=number,
        age_band=AgeBand.ALL,
        description="Descrizione della sfida.",
        live=live,
    )
    index.add_child(instance=page)
    page.dimensions.set(dimensions)
    page.save()
    return page


def add_hub(index, number):
    return index.add_child(
        instance=HubPage(
            title=f"Hub del quartiere {number}",
            slug=f"hub-{number}",
            description="Un community hub.",
            address=f"Via Esempio {number}, Milano",
            municipio=number,
            latitude=Decimal("45.46"),
            longitude=Decimal("9.19"),
        )
    )


@pytest.fixture
def filled_home(home_page):
    home_page.categories = [
        HomeCategory(code=Category.SPORT),
        HomeCategory(code=Category.SCUOLA_PLUS),
    ]
    home_page.steps = [HomeStep(text="<p>Seleziona la categoria</p>"), HomeStep(text="<p>Invia la richiesta</p>")]
    home_page.how_it_works_title = "Come funziona"
    home_page.save()
    return home_page


def build_listings(home, size):
    news_index = home.add_child(instance=NewsIndexPage(title="Notizie", slug="notizie"))
    challenges = home.add_child(instance=ChallengeIndexPage(title="Sfide", slug="sfide"))
    hubs = home.add_child(instance=HubIndexPage(title="Hub", slug="hub"))
    for number in range(1, size + 1):
        add_news(news_index, number, image=wagtail_factories.ImageFactory())
        add_challenge(challenges, number)
        add_hub(hubs, number)
    return news_index, challenges, hubs


def test_home_page_shows_categories_steps_and_listings(client, filled_home):
    news_index, challenges, _ = build_listings(filled_home, 4)
    add_news(news_index, 20, live=False)
    add_challenge(challenges, 9, live=False)

    html = client.get("/").content.decode()

    assert "Corsi di sport individuali e di gruppo" in html
    assert 'href="/catalogo/scuola-plus/"' in html
    assert "Invia la richiesta" in html
    assert "Come funziona" in html
    # the latest three live news, newest first; the draft and the oldest are absent
    assert html.index("Notizia 4") < html.index("Notizia 3") < html.index("Notizia 2")
    assert "Notizia 1<" not in html
    assert "Notizia 20" not in html
    # the live challenges in order; the draft is absent
    assert html.index("01. Sfida numero 1") < html.index("04. Sfida numero 4")
    assert "Sfida numero 9" not in html
    assert "Hub del quartiere 3" in html
    assert 'href="/notizie/"' in html


@pytest.mark.parametrize("size", [1, 6])
def test_home_page_query_count_does_not_grow_with_listings(client, filled_home, django_assert_max_num_queries, size):
    build_listings(filled_home, size)
    client.get("/")  # warm the renditions and the site-root cache
    # 21: the challenges' wellbeing dimensions (one prefetch) and the hero's voucher page (one row) included.
    with django_assert_max_num_queries(21):
        response = client.get("/")
    assert response.status_code == 200


def test_content_page_renders_blocks_and_subpages(client, home_page):
    image = wagtail_factories.ImageFactory(title="Foto")
    document = wagtail_factories.DocumentFactory(title="Avviso pubblico")
    page = ensure_child(
        home_page,
        ContentPage,
        "progetto",
        title="Il progetto WISH MI",
        intro="Un progetto del Comune di Milano.",
        body=stream(
            heading("Un budget di circa 6 milioni"),
            paragraph("<p>Cofinanziato da <b>Urban Innovative Actions</b>.</p>"),
            quote("Insieme è possibile.", "WISH MI"),
            table("Le macroazioni", ["Macroazione", "Risultato"], [["Identità visiva", "Milano 0.18"]]),
            ("image", {"image": image.pk, "alt_text": "Bambini in un cortile", "caption": "Un community hub"}),
            ("document", {"document": document.pk, "title": ""}),
            call_to_action("Il catalogo", "Cerca le attività.", "Scopri il catalogo", url="https://example.org/"),
        ),
    )
    ensure_child(page, ContentPage, "framework", title="Il framework strategico")

    html = client.get("/progetto/").content.decode()

    assert "<h1>Il progetto WISH MI</h1>" in html
    assert "Un progetto del Comune di Milano." in html
    assert "Un budget di circa 6 milioni</h2>" in html
    assert "<b>Urban Innovative Actions</b>" in html
    assert "<blockquote" in html and "Insieme è possibile." in html
    assert "<caption>Le macroazioni</caption>" in html
    assert '<th scope="col"' in html
    assert 'href="/progetto/framework/"' in html
    assert 'alt="Bambini in un cortile"' in html and "<figcaption" in html
    assert f'href="{document.url}"' in html and "Avviso pubblico" in html
    assert '<a class="btn btn-primary" href="https://example.org/">Scopri il catalogo</a>' in html


def test_wellbeing_dimensions_page_lists_dimensions_with_their_live_challenges(
    client, home_page, django_assert_max_num_queries
):
    relations = WellbeingDimension.objects.create(number=1, icon="it-comment")
    WellbeingDimension.objects.create(number=7, icon="it-map-marker")
    challenges = home_page.add_child(instance=ChallengeIndexPage(title="Sfide", slug="sfide"))
    add_challenge(challenges, 2, dimensions=[relations])
    add_challenge(challenges, 5, live=False, dimensions=[relations])
    ensure_child(home_page, WellbeingDimensionsPage, "benessere", title="Le dimensioni del benessere")

    # The first visit creates the site settings, which starts a new generation of the chrome cache: warm it twice.
    client.get("/benessere/")
    client.get("/benessere/")
    with django_assert_max_num_queries(14):
        html = client.get("/benessere/").content.decode()

    assert "1. Relazioni sociali di alta qualità" in html
    # Colours come from the theme's tokens and the pictograms are the project's own, whatever the admin holds.
    assert 'class="card h-100 m018-dimension m018-dim m018-dim--1"' in html
    assert 'class="m018-pictogram m018-pictogram--dimension"' in html
    assert "#A1136B" not in html
    assert "sprites.svg#it-comment" not in html
    assert 'href="/sfide/sfida-2/"' in html
    assert "Sfida numero 5" not in html
    assert "Nessuna sfida collegata a questa dimensione." in html  # dimension 7


def test_partners_page_groups_by_role_with_funding_notice(client, home_page):
    Partner.objects.create(name="Fondo Europeo di Sviluppo Regionale", role=Partner.Role.FUNDER)
    Partner.objects.create(name="ActionAid", role=Partner.Role.PARTNER, url="https://www.actionaid.it/")
    Partner.objects.create(name="Comune di Milano", role=Partner.Role.LEAD)
    settings = SiteSettings.for_site(Site.objects.get())
    settings.funding_notice = "Cofinanziato dal FESR tramite l'iniziativa UIA."
    settings.save()
    ensure_child(home_page, PartnersPage, "partner", title="Partner e finanziatori")

    html = client.get("/partner/").content.decode()
    main = html[html.index("<main") : html.index("</main>")]

    assert main.index("Capofila</h2>") < main.index("Comune di Milano")
    assert main.index("Partner di progetto</h2>") < main.index("ActionAid") < main.index("Finanziatori</h2>")
    assert main.index("Finanziatori</h2>") < main.index("Fondo Europeo di Sviluppo Regionale")
    assert 'href="https://www.actionaid.it/"' in main
    assert "Cofinanziato dal FESR tramite l&#x27;iniziativa UIA." in main
