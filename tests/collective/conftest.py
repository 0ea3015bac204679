"""Fixtures of the collective call's tests."""

import pytest


@pytest.fixture(autouse=True)
def private_folder(settings, tmp_path):
    """Reports' documents, nominal lists and exports are written to a private folder of the test's own."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
