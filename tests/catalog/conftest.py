import pytest

from tests.catalog import factories


@pytest.fixture
def tree(home_page):
    catalog, categories, index = factories.catalog_tree(home_page)
    return {"catalog": catalog, "categories": categories, "index": index}
