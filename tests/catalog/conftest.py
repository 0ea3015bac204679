import pytest

from tests.catalog import factories


@pytest.fixture
def tree(home_page):
    catalog, categories, index = factories.catalog_tree(home_page)
    return {"catalog": catalog, "categories": categories, "index": index}


def tree_rows(home) -> dict:
    """`factories.catalog_tree(home)` and `home` as rows for `tests.conftest.row_keys` (the categories as a list)."""
    catalog, categories, index = factories.catalog_tree(home)
    return {"home": home, "catalog": catalog, "categories": list(categories.values()), "index": index}


def tree_of(rows: dict) -> dict:
    """The `tree` fixture's shape from fresh `tree_rows` (`tests.conftest.fresh_rows`): categories by code."""
    return {
        "catalog": rows["catalog"],
        "categories": {page.category: page for page in rows["categories"]},
        "index": rows["index"],
    }
