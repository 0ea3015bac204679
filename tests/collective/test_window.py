"""Windows close at the Rome minute the call states, on the DST change days too (29/03/2026 CET→CEST,
25/10/2026 CEST→CET), and withdrawal only before closing."""

import datetime

import pytest

from collective import services
from collective.errors import CollectiveError
from collective.models import Application
from tests.collective import factories as f
from tests.conftest import build_home_page, fresh_rows, kept_for_the_module, row_keys

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _provider_keys(django_db_setup, django_db_blocker):
    with kept_for_the_module(django_db_blocker):
        ((provider, staff),) = f.providers(build_home_page(), 1)
        yield row_keys({"provider": provider, "staff": staff})


@pytest.fixture
def provider_and_staff(db, _provider_keys) -> tuple:
    """Every test here uses them: one provider of the Elenco and its staff, built once for the module
    (`kept_for_the_module`), fresh instances for each test, whose calls and applications roll back with it."""
    rows = fresh_rows(_provider_keys)
    return rows["provider"], rows["staff"]


@pytest.mark.parametrize(
    ("day", "utc_close"),
    [
        ((2026, 3, 29), datetime.time(13, 0)),
        ((2026, 10, 25), datetime.time(14, 0)),
        ((2022, 9, 29), datetime.time(13, 0)),
    ],
)
def test_closing_minute_in_rome_on_dst_days(provider_and_staff, day, utc_close):
    closes = f.rome(*day, 15, 0)
    assert closes.astimezone(datetime.UTC).time() == utc_close
    call = f.make_call(
        opens=closes - datetime.timedelta(days=30),
        closes=closes,
        activities_end=datetime.date(day[0] + 1, 8, 31),
    )
    provider, staff = provider_and_staff
    last_minute = f.draft(call, provider, staff)
    too_late = f.draft(call, provider, staff)
    services.submit(last_minute, staff, at=f.rome(*day, 14, 59) + datetime.timedelta(seconds=59))
    with pytest.raises(CollectiveError) as refused:
        services.submit(too_late, staff, at=f.rome(*day, 15, 0))
    assert refused.value.code == "collective.window"
    with pytest.raises(CollectiveError):
        services.withdraw(last_minute, staff, at=f.rome(*day, 15, 0))
    services.withdraw(last_minute, staff, at=f.rome(*day, 14, 59))
    assert Application.objects.get(pk=last_minute.pk).state == "withdrawn"


def test_submission_checks_reserved_share_and_end_date(provider_and_staff):
    call = f.make_call()
    provider, staff = provider_and_staff
    short = f.draft(call, provider, staff, planned_participants=21, reserved_places=6)  # 30% of 21 rounds up to 7
    with pytest.raises(CollectiveError) as refused:
        services.submit(short, staff)
    assert "almeno 7" in refused.value.message
    late = f.draft(call, provider, staff, ends_on=call.activities_end + datetime.timedelta(days=1))
    with pytest.raises(CollectiveError):
        services.submit(late, staff)
    ok = services.submit(f.draft(call, provider, staff, planned_participants=21, reserved_places=7), staff)
    assert ok.protocol == f"VC-{ok.submitted_at.year}-{ok.pk:06d}"
