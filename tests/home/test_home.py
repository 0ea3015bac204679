import pytest


@pytest.mark.django_db
def test_home_page_renders_hero(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    assert "Il benessere 0-18." in response.content.decode()


@pytest.mark.django_db
def test_unknown_url_gets_italian_404(client, home_page):
    response = client.get("/non-esiste/")
    assert response.status_code == 404
    assert "Pagina non trovata" in response.content.decode()
