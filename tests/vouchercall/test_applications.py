"""Applying: the window at its Europe/Rome boundaries, eligibility (18th birthday, ISEE ceiling, declarations),
one application per guardian, a child in one application only, editing until close, withdrawing, protocol codes."""

import datetime
from decimal import Decimal

import pytest

from booking.models import Child
from core.models import AuditEntry
from tests.booking.factories import GuardianFactory
from tests.vouchercall.factories import apply, declaration, make_call, make_family, rome
from vouchercall import services
from vouchercall.models import Application

pytestmark = pytest.mark.django_db

# 2022: the window opens on 1 September at 12:00 and closes on 30 September at 12:00, Rome time (CEST, UTC+2).
OPENS, CLOSES = rome(2022, 9, 1, 12, 0), rome(2022, 9, 30, 12, 0)


@pytest.fixture
def call():
    return make_call(opens=OPENS, closes=CLOSES)


@pytest.mark.parametrize(
    ("moment", "accepted"),
    [
        (OPENS - datetime.timedelta(seconds=1), False),
        (OPENS, True),
        (CLOSES - datetime.timedelta(seconds=1), True),
        (CLOSES, False),
    ],
)
def test_the_window_opens_and_closes_at_rome_time(call, moment, accepted):
    if accepted:
        assert apply(call, now=moment).protocol == "M018-2022-000001"
    else:
        with pytest.raises(services.VoucherCallError, match="non accetta domande"):
            apply(call, now=moment)
        assert not Application.objects.exists()


def test_the_window_is_rome_time_not_utc(call):
    # 10:30 UTC on 30 September is 12:30 in Rome: closed, although the UTC clock reads before noon.
    utc_moment = datetime.datetime(2022, 9, 30, 10, 30, tzinfo=datetime.UTC)
    with pytest.raises(services.VoucherCallError):
        apply(call, now=utc_moment)


@pytest.mark.parametrize(
    ("born", "eligible"), [(datetime.date(2004, 9, 16), True), (datetime.date(2004, 9, 15), False)]
)
def test_a_child_is_eligible_until_the_day_before_their_18th_birthday(call, born, eligible):
    guardian, children = make_family(born)
    sent = rome(2022, 9, 15, 10, 0)
    if eligible:
        assert apply(call, guardian, children, now=sent).state == Application.State.SENT
    else:
        with pytest.raises(services.VoucherCallError, match="18 anni"):
            apply(call, guardian, children, now=sent)


def test_the_sending_day_is_the_rome_day(call):
    """23:30 UTC on 14 September is already 15 September in Rome: the child born 15/09/2004 is 18 that day."""
    guardian, children = make_family(datetime.date(2004, 9, 15))
    with pytest.raises(services.VoucherCallError, match="18 anni"):
        apply(call, guardian, children, now=datetime.datetime(2022, 9, 14, 23, 30, tzinfo=datetime.UTC))


def test_isee_above_the_ceiling_and_missing_declarations_are_refused(call):
    guardian, children = make_family(datetime.date(2015, 6, 2))
    with pytest.raises(services.VoucherCallError, match=r"27000\.00"):
        services.submit(call, guardian, children, declaration("27000.01", minors=1), actor=None, now=OPENS)
    with pytest.raises(services.VoucherCallError, match="dichiarazioni"):
        services.submit(
            call, guardian, children, declaration(minors=1, declared_residence=False), actor=None, now=OPENS
        )
    assert not Application.objects.exists()


def test_one_application_per_guardian_per_call(call):
    guardian, children = make_family(datetime.date(2015, 6, 2))
    apply(call, guardian, children, now=OPENS)
    with pytest.raises(services.VoucherCallError, match="Hai già presentato"):
        apply(call, guardian, children, now=OPENS)


def test_a_child_in_two_applications_is_refused_by_name(call):
    """Both parents registered the same child (same codice fiscale): the second application is refused."""
    mother, (child,) = make_family(datetime.date(2015, 6, 2))
    father = GuardianFactory()
    same_child = Child.objects.create(
        guardian=father, first_name="Marta", birth_date=child.birth_date, fiscal_code=child.fiscal_code
    )
    apply(call, mother, [child], now=OPENS)
    with pytest.raises(services.VoucherCallError, match="Marta è già in un'altra domanda"):
        apply(call, father, [same_child], now=OPENS)
    assert Application.objects.count() == 1


def test_a_withdrawn_application_frees_its_children(call):
    mother, (child,) = make_family(datetime.date(2015, 6, 2))
    father = GuardianFactory()
    same_child = Child.objects.create(
        guardian=father, first_name="Marta", birth_date=child.birth_date, fiscal_code=child.fiscal_code
    )
    first = apply(call, mother, [child], now=OPENS)
    services.withdraw(first, actor=mother.user)
    assert apply(call, father, [same_child], now=OPENS).state == Application.State.SENT


def test_editing_is_possible_until_the_window_closes_and_logged(call):
    guardian, children = make_family(datetime.date(2015, 6, 2), datetime.date(2012, 1, 20))
    application = apply(call, guardian, children[:1], now=OPENS)
    services.update(
        application, children, declaration("4000.00", minors=3), actor=guardian.user, now=CLOSES - datetime.timedelta(1)
    )
    application.refresh_from_db()
    assert application.isee_value == Decimal("4000.00")
    assert application.children.filter(active=True).count() == 2
    entry = AuditEntry.objects.get(action="vouchercall.application.updated")
    assert "isee_value" in entry.data["fields"] and "children" in entry.data["fields"]
    with pytest.raises(services.VoucherCallError, match="chiuso"):
        services.update(application, children, declaration(minors=3), actor=guardian.user, now=CLOSES)


def test_protocol_codes_follow_each_other_and_every_sending_is_in_the_trail(call):
    codes = [apply(call, now=OPENS).protocol for _ in range(3)]
    assert codes == ["M018-2022-000001", "M018-2022-000002", "M018-2022-000003"]
    assert AuditEntry.objects.filter(action="vouchercall.application.sent").count() == 3


def test_a_mismatching_isee_puts_the_application_to_regularise_with_a_deadline_not_out(call):
    application = apply(call, now=OPENS, matching=False)
    application.refresh_from_db()
    assert application.state == Application.State.TO_REGULARISE
    assert application.regularise_by is not None
    assert application.isee_checked == "mismatch"
