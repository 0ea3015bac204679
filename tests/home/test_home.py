import pytest


@pytest.mark.django_db
def test_home_page_renders_hero(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    assert "Il benessere 0-18." in response.content.decode()
