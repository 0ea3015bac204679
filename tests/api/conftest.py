import pytest

from search.backends.database import DatabaseBackend
from tests.conftest import kept_for_the_module
from tests.search.catalogue import CATALOGUE


@pytest.fixture(scope="module")
def _catalogue_of_the_module(django_db_setup, django_db_blocker):
    """The fixture catalogue loaded once for the module into the database backend (`kept_for_the_module`)."""
    with kept_for_the_module(django_db_blocker):
        DatabaseBackend().rebuild(CATALOGUE)
        yield


@pytest.fixture
def catalogue(db, _catalogue_of_the_module):
    """The contract suite's 40 services in the database backend (the API's default engine), loaded once for the
    module: the API tests only read them (a test that rebuilds the index does so in its own transaction)."""
    return CATALOGUE
