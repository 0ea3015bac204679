"""Italian first, English second: the prefix picks the language, the header switch moves between them.

The English catalogue is compiled by scripts/setup (`compilemessages`); the .mo files are not committed.
"""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

COMPILED = settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.mo"


@pytest.fixture(autouse=True)
def _compiled_catalogue():
    assert COMPILED.exists(), "Run scripts/setup (or manage.py compilemessages) to compile the English catalogue."


def test_italian_is_the_default_language(client, home_page):
    html = client.get("/").content.decode()
    assert '<html lang="it">' in html
    assert "Vai al contenuto principale" in html
    assert 'aria-label="Menu principale"' in html


def test_english_prefix_shows_the_english_interface(client, home_page):
    response = client.get("/en/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    for text in ["Skip to main content", 'aria-label="Main menu"', "Search the site", "Site map", "Sign in"]:
        assert text in html
    assert "Vai al contenuto principale" not in html


def test_english_404_page(client, home_page):
    response = client.get("/en/does-not-exist/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_language_switch_posts_to_set_language_and_returns_to_the_same_page(client, home_page):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    response = client.post("/en/i18n/setlang/", {"language": "it", "next": "/en/"})
    assert response["Location"] == "/"


def test_the_switch_on_an_english_page_posts_in_english(client, home_page):
    html = client.get("/en/").content.decode()
    assert 'action="/en/i18n/setlang/"' in html


def test_language_switch_never_redirects_off_site(client, home_page):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/en/"
