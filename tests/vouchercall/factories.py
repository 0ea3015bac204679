"""Small builders for the voucher call's tests: a call with its money side and brackets, families, applications."""

import datetime
import itertools
import zoneinfo
from decimal import Decimal

from booking.models import Child
from tests.booking.factories import ChildFactory, GuardianFactory, VoucherCallFactory, fiscal_code
from vouchercall import services
from vouchercall.isee import IseeAnswer, LocalIseeSource
from vouchercall.models import Call, IseeBracket

ROME = zoneinfo.ZoneInfo("Europe/Rome")
# A labelled example, not the 2022 call's table: ISEE up to (EUR) → voucher per child (EUR).
BRACKETS = [
    ("5000.00", "400.00"),
    ("10000.00", "300.00"),
    ("15000.00", "250.00"),
    ("20000.00", "200.00"),
    ("27000.00", "100.00"),
]
_dsu = itertools.count(1)


def rome(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=ROME)


def make_call(*, opens=None, closes=None, budget="10000.00", fit_rule="skip", brackets=BRACKETS, **fields) -> Call:
    now = datetime.datetime.now(tz=ROME)
    money_call = VoucherCallFactory(budget=Decimal(budget))
    call = Call.objects.create(
        money_call=money_call,
        year=fields.pop("year", 2022),
        opens_at=opens or now - datetime.timedelta(days=1),
        closes_at=closes or now + datetime.timedelta(days=10),
        fit_rule=fit_rule,
        **fields,
    )
    IseeBracket.objects.bulk_create(
        IseeBracket(call=call, isee_up_to=Decimal(up_to), value_per_child=Decimal(value)) for up_to, value in brackets
    )
    return call


def make_family(*births: datetime.date, user=True, **guardian_fields):
    """A guardian (with a user) and one child per birth date; returns (guardian, [children])."""
    guardian = GuardianFactory(**guardian_fields) if user else GuardianFactory(user=None, **guardian_fields)
    children = [
        ChildFactory(guardian=guardian, first_name=f"Figlio{i}", birth_date=born) for i, born in enumerate(births)
    ]
    return guardian, children


def declaration(isee="8000.00", *, minors=2, dsu=None, isee_type="ordinary", **overrides) -> services.Declaration:
    fields = {
        "isee_type": isee_type,
        "isee_value": Decimal(isee),
        "dsu_protocol": dsu or f"INPS-ISEE-2022-{next(_dsu):09d}-00",
        "isee_date": datetime.date(2022, 3, 1),
        "minors_in_household": minors,
        "declared_residence": True,
        "declared_truthful": True,
        "privacy_acknowledged": True,
    }
    fields.update(overrides)
    return services.Declaration(**fields)


def register_isee(guardian, decl: services.Declaration) -> None:
    """INPS (the local source) holds exactly what the family declares."""
    LocalIseeSource.records[guardian.fiscal_code] = IseeAnswer(
        found=True, value=decl.isee_value, dsu_protocol=decl.dsu_protocol, isee_type=decl.isee_type
    )


def apply(call, guardian=None, children=None, *, isee="8000.00", minors=None, now=None, matching=True, **kwargs):
    """A sent application (the ISEE source agrees unless matching=False)."""
    if guardian is None:
        guardian, children = make_family(datetime.date(2015, 6, 2))
    children = children if children is not None else list(Child.objects.filter(guardian=guardian))
    decl = declaration(isee, minors=minors or max(len(children), 1), **kwargs)
    if matching:
        register_isee(guardian, decl)
    return services.submit(call, guardian, children, decl, actor=guardian.user, now=now)


__all__ = ["apply", "declaration", "fiscal_code", "make_call", "make_family", "register_isee", "rome"]
