import pytest
from django.core.cache import cache

from vouchercall.isee import LocalIseeSource


@pytest.fixture(autouse=True)
def _clean_state():
    """The local ISEE source and the rate-limit cache are process-wide: no test inherits another's."""
    LocalIseeSource.records = {}
    cache.clear()
    yield
    LocalIseeSource.records = {}
    cache.clear()


@pytest.fixture
def office_user(db, django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("ufficio", "ufficio@comune.milano.it", "password-ufficio-77")
    user.groups.add(Group.objects.get(name="Ufficio voucher"))
    return user
