"""The monitoring tests' own helper: a child's birth date for an age on a day, leap days included."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.monitoring.events import birth_for


@pytest.mark.parametrize("day", [datetime.date(2024, 2, 29), datetime.date(2026, 3, 1), datetime.date(2026, 11, 29)])
@pytest.mark.parametrize("age", [0, 1, 4, 17])
def test_a_child_born_on_the_birth_date_is_that_age_on_the_day(day, age):
    birth = birth_for(age, datetime.datetime.combine(day, datetime.time(12), ZoneInfo("Europe/Rome")))
    years = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    assert years == age
