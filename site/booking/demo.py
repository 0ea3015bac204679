"""Demo content of the booking app: a voucher call and a family with two children and a voucher.

The family signs in at /accounts/login/ as famiglia@milano018.example with the demo password, or with
SPID through the demo identity provider (development only). A second parent was imported from the
voucher ranking and has no account yet: their first SPID sign-in attaches their child and voucher.
"""

import datetime
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from stdnum.it import codicefiscale

from booking import vouchers
from booking.models import Child, Guardian, VoucherCall, Wallet
from core.demo_pages import demo_password_hash
from home.demo import DEMO_PASSWORD

FAMILY_EMAIL = "famiglia@milano018.example"


def _code(body: str) -> str:
    return body + codicefiscale.calc_check_digit(body)


FAMILY_FIRST_NAME, FAMILY_LAST_NAME = "Laura", "Esposito"
FAMILY_FISCAL_CODE = _code("SPSLRA82M52F205")
RANKED_FIRST_NAME, RANKED_LAST_NAME = "Marco", "Rossi"
RANKED_FISCAL_CODE = _code("RSSMRC79C12F205")
RANKED_EMAIL = "marco.rossi@milano018.example"


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
        user.password = demo_password_hash(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(user=user, email=FAMILY_EMAIL, defaults={"verified": True, "primary": True})
    guardian, _ = Guardian.objects.get_or_create(
        user=user,
        defaults={
            "first_name": FAMILY_FIRST_NAME,
            "last_name": FAMILY_LAST_NAME,
            "fiscal_code": FAMILY_FISCAL_CODE,
            # Verified as the City's ranking import verifies it, so SPID sign-in finds this family.
            "fiscal_code_verified": True,
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
    # A parent imported from the ranking: no account until their first SPID sign-in.
    ranked, _ = Guardian.objects.get_or_create(
        fiscal_code=RANKED_FISCAL_CODE,
        fiscal_code_verified=True,
        defaults={"first_name": RANKED_FIRST_NAME, "last_name": RANKED_LAST_NAME},
    )
    child, _ = Child.objects.get_or_create(
        guardian=ranked,
        fiscal_code=_code("RSSSFO15D50F205"),
        defaults={"first_name": "Sofia", "birth_date": datetime.date(2015, 4, 10)},
    )
    if not Wallet.objects.filter(call=call, child=child).exists():
        vouchers.create_wallet(child=child, holder=ranked, call=call, value=Decimal("250.00"))
