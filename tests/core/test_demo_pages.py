"""`core.demo_pages.demo_password_hash`: the demo accounts' password, hashed once with the configured hasher."""

from django.contrib.auth.hashers import check_password, identify_hasher
from django.test import override_settings

from core.demo_pages import demo_password_hash


def test_the_demo_password_is_hashed_once_with_the_configured_hasher():
    hashed = demo_password_hash("milano018-demo")
    assert check_password("milano018-demo", hashed)
    assert not check_password("milano018-demo!", hashed)
    assert demo_password_hash("milano018-demo") is hashed
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"]):
        assert identify_hasher(demo_password_hash("milano018-demo")).algorithm == "pbkdf2_sha256"
