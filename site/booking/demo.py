"""Demo content of the booking app: a voucher call and a family with two children and a voucher.

The family signs in at /accounts/login/ as famiglia@milano018.example with the demo password.
"""

import datetime
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from stdnum.it import codicefiscale

from booking import vouchers
from booking.models import Child, Guardian, VoucherCall, Wallet
from home.demo import DEMO_PASSWORD

FAMILY_EMAIL = "famiglia@milano018.example"


def _code(body: str) -> str:
    return body + codicefiscale.calc_check_digit(body)


def load(stdout) -> None:
    today = datetime.date.today()
    call, _ = VoucherCall.objects.get_or_create(
        code="voucher-0-18-demo",
        defaults={
            "name": "Voucher Milano 0.18 (dimostrativo)",
            "budget": Decimal("500000.00"),
            "valid_from": today.replace(month=1, day=1),
            "valid_until": today.replace(year=today.year + 1, month=12, day=31),
        },
    )
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username="famiglia", defaults={"email": FAMILY_EMAIL, "first_name": "Laura", "last_name": "Esposito"}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(user=user, email=FAMILY_EMAIL, defaults={"verified": True, "primary": True})
    guardian, _ = Guardian.objects.get_or_create(
        user=user,
        defaults={
            "first_name": "Laura",
            "last_name": "Esposito",
            "fiscal_code": _code("SPSLRA82M52F205"),
            "email": FAMILY_EMAIL,
            "phone": "02 0000 0000",
            "municipio": 4,
        },
    )
    children = [
        ("Giulia", datetime.date(2014, 5, 9), _code("SPSGLI14E49F205")),
        ("Luca", datetime.date(2017, 10, 21), _code("SPSLCU17R21F205")),
    ]
    for first_name, birth_date, code in children:
        child, _ = Child.objects.get_or_create(
            guardian=guardian, fiscal_code=code, defaults={"first_name": first_name, "birth_date": birth_date}
        )
        if not Wallet.objects.filter(call=call, child=child).exists():
            wallet = vouchers.create_wallet(child=child, holder=guardian, call=call, value=Decimal("300.00"))
            vouchers.redeem(
                wallet, Decimal("80.00"), idempotency_key="demo-order", memo="Corso di nuoto (dimostrativo)"
            )
