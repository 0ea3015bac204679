import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from challenges.models import ChallengeIndexPage, ChallengePage
from core.vocabularies import AgeBand
from home.models import HomePage, WellbeingDimension, WellbeingDimensionsPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def dimensions():
    return [
        WellbeingDimension.objects.create(number=1, icon="a"),
        WellbeingDimension.objects.create(number=3, icon="b"),
    ]


@pytest.fixture
def index(home_page):
    return home_page.add_child(instance=ChallengeIndexPage(title="Sfide per la città", slug="sfide", intro="Le sfide."))


def add_challenge(index, number, dimensions=(), live=True, **fields):
    page = ChallengePage(
        title=fields.pop("title", f"Sfida numero {number}"),
        slug=f"sfida-{number}",
        number=number,
        age_band=fields.pop("age_band", AgeBand.ALL),
        description=fields.pop("description", f"Descrizione della sfida {number}."),
        live=live,
        **fields,
    )
    page.dimensions = list(dimensions)
    index.add_child(instance=page)
    return page


def test_index_lists_live_challenges_in_number_order_with_badge_and_dimensions(client, index, dimensions):
    add_challenge(
        index, 2, title="Partecipazione ad attività extra-scolastiche", age_band="6-14", dimensions=dimensions
    )
    add_challenge(index, 1, title="Partecipazione a servizi educativi di qualità", age_band="0-6")
    add_challenge(index, 3, title="Sfida in bozza", live=False)

    html = client.get("/sfide/").content.decode()

    assert html.index("Partecipazione a servizi educativi di qualità") < html.index("Partecipazione ad attività")
    assert "Sfida in bozza" not in html
    assert "0-6 anni" in html and "6-14 anni" in html
    assert "01." in html and "02." in html
    assert "1. Relazioni sociali di alta qualità" in html
    assert "m018-dim--3" in html  # the dimension's colour, from the theme's tokens


def test_challenge_page_shows_its_content_and_links_dimensions_to_their_page(client, home_page, index, dimensions):
    home_page.add_child(instance=WellbeingDimensionsPage(title="Dimensioni del benessere", slug="dimensioni"))
    add_challenge(
        index,
        4,
        title="Segregazione scolastica",
        description="Contrastare la concentrazione di alunne e alunni in alcune scuole.",
        dimensions=dimensions,
        body=[("heading", {"text": "Perché è importante", "level": "h2"})],
    )

    html = client.get("/sfide/sfida-4/").content.decode()

    assert "<h1>Segregazione scolastica</h1>" in html
    assert "Sfida 04" in html
    assert "0-18 anni" in html
    assert "Contrastare la concentrazione" in html
    assert "Perché è importante" in html
    assert '<a href="/dimensioni/#dimensione-3">3. Accesso a istruzione e formazione</a>' in html


def test_challenge_dimensions_are_plain_text_without_a_dimensions_page(client, index, dimensions):
    add_challenge(index, 5, dimensions=dimensions)

    html = client.get("/sfide/sfida-5/").content.decode()

    assert "3. Accesso a istruzione e formazione" in html
    assert '">3. Accesso a istruzione e formazione</a>' not in html


def test_challenge_index_queries_do_not_grow_with_the_number_of_challenges(
    client, index, dimensions, django_assert_max_num_queries
):
    add_challenge(index, 1, dimensions=dimensions)
    client.get("/sfide/")  # warm the site and settings caches
    with CaptureQueriesContext(connection) as one:
        client.get("/sfide/")
    for number in range(2, 7):
        add_challenge(index, number, dimensions=dimensions)
    with django_assert_max_num_queries(len(one)):
        response = client.get("/sfide/")
    assert response.content.decode().count('class="card card-bg h-100 m018-challenge-card"') == 6


def test_page_tree_rules(home_page, index):
    assert ChallengeIndexPage.can_create_at(home_page) is False  # max_count: one index
    assert ChallengePage.can_create_at(index)
    assert not ChallengePage.can_create_at(home_page)
    assert ChallengeIndexPage.allowed_parent_page_models() == [HomePage]
