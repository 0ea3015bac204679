"""The CSV import of a ranking goes through the call's rules, line by line (booking.imports + booking.call_rules)."""

import datetime

import pytest

from booking import imports
from booking.models import Wallet
from tests.booking.factories import VoucherCallFactory, fiscal_code
from tests.vouchercall.factories import make_call, rome

pytestmark = pytest.mark.django_db
HEADER = "guardian_fiscal_code,child_fiscal_code,child_name,birth_date,value,call\n"
PARENT = fiscal_code(datetime.date(1980, 1, 1))


def row(born, value, call_code, child_code=None):
    return f"{PARENT},{child_code or fiscal_code(born)},Bimbo,{born.isoformat()},{value},{call_code}\n"


def test_a_call_run_elsewhere_refuses_values_outside_100_400_and_adults(django_user_model):
    call = VoucherCallFactory(valid_from=datetime.date(2022, 10, 18))
    staff = django_user_model.objects.create_user("staff")
    data = (
        HEADER
        + row(datetime.date(2015, 1, 1), "50.00", call.code)
        + row(datetime.date(2015, 2, 1), "500.00", call.code)
        + row(datetime.date(1990, 3, 1), "200.00", call.code)
        + row(datetime.date(2015, 4, 1), "200.00", call.code)
    ).encode()
    result = imports.import_ranking(data, actor=staff)
    lines = dict(result.errors)
    assert "fuori dall'intervallo" in lines[2] and "fuori dall'intervallo" in lines[3]
    assert "tra 0 e 17 anni" in lines[4]
    assert 5 not in lines
    assert not Wallet.objects.exists()


def test_a_call_we_run_accepts_only_its_bracket_values_and_refuses_duplicates(django_user_model):
    call = make_call(opens=rome(2022, 9, 1, 12, 0), closes=rome(2022, 9, 30, 12, 0))
    staff = django_user_model.objects.create_user("staff")
    code = call.money_call.code
    born = datetime.date(2015, 1, 1)
    twin = fiscal_code(born)
    data = (
        HEADER
        + row(born, "350.00", code)
        + row(born, "300.00", code, child_code=twin)
        + row(born, "300.00", code, child_code=twin)
        + row(datetime.date(2004, 9, 1), "300.00", code)
    ).encode()
    result = imports.import_ranking(data, actor=staff)
    lines = dict(result.errors)
    assert "fasce ISEE" in lines[2]
    assert 3 not in lines and "stesso figlio" in lines[4]
    assert "tra 0 e 17 anni" in lines[5]  # 18 on 1 September 2022, the day the window opened
    good = (HEADER + row(born, "300.00", code, child_code=twin)).encode()
    assert imports.import_ranking(good, actor=staff).created == 1
