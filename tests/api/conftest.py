import pytest

from search.backends.database import DatabaseBackend
from tests.search.catalogue import CATALOGUE


@pytest.fixture
def catalogue(db):
    """The contract suite's 40 services in the database backend (the API's default engine)."""
    DatabaseBackend().rebuild(CATALOGUE)
    return CATALOGUE
