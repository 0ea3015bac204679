"""booking.vouchers.revoke (a call takes back an unused or renounced voucher) and create_wallets (bulk grants)."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError

from booking import vouchers
from booking.models import LedgerEntry
from core.models import AuditEntry
from tests.booking.factories import ChildFactory, VoucherCallFactory, make_wallet

pytestmark = pytest.mark.django_db


def test_revoke_takes_what_is_left_closes_the_wallet_and_is_idempotent():
    wallet = make_wallet("300.00")
    vouchers.redeem(wallet, "80.00", idempotency_key="order-1")
    entry = vouchers.revoke(wallet, memo="Mai usato", reason="unused")
    assert (entry.kind, entry.amount) == (LedgerEntry.Kind.REVOCATION, Decimal("-220.00"))
    assert wallet.balance == Decimal("0.00")
    assert vouchers.revoke(wallet) == entry
    with pytest.raises(vouchers.WalletRevoked):
        vouchers.redeem(wallet, "1.00", idempotency_key="order-2")
    with pytest.raises(vouchers.WalletRevoked):
        vouchers.grant(wallet, "10.00")
    assert AuditEntry.objects.filter(action="voucher.revoked", object_id=wallet.pk, data__reason="unused").exists()


def test_money_refunded_to_a_revoked_wallet_is_revoked_again():
    wallet = make_wallet("300.00")
    payment = vouchers.redeem(wallet, "100.00", idempotency_key="order-1")
    vouchers.revoke(wallet)
    vouchers.refund(payment, "40.00")
    assert wallet.balance == Decimal("0.00")
    assert sum(e.amount for e in wallet.entries.filter(kind=LedgerEntry.Kind.REVOCATION)) == Decimal("-240.00")


def test_nothing_to_revoke_on_a_spent_or_expired_wallet():
    spent = make_wallet("100.00")
    vouchers.redeem(spent, "100.00", idempotency_key="order-1")
    with pytest.raises(vouchers.NothingToRevoke):
        vouchers.revoke(spent)
    expired = make_wallet("100.00")
    vouchers.expire(expired)
    with pytest.raises(vouchers.WalletExpired):
        vouchers.revoke(expired)


def test_create_wallets_grants_each_child_once_all_or_nothing():
    call = VoucherCallFactory()
    children = [ChildFactory(birth_date=datetime.date(2014, 1, 1 + i)) for i in range(3)]
    wallets = vouchers.create_wallets([(c, c.guardian, Decimal("250.00")) for c in children], call=call)
    assert [w.balance for w in wallets] == [Decimal("250.00")] * 3
    assert AuditEntry.objects.filter(action="voucher.ledger.grant").count() == 3
    with pytest.raises(IntegrityError):
        vouchers.create_wallets([(children[0], children[0].guardian, Decimal("250.00"))], call=call)
    with pytest.raises(vouchers.InvalidAmount):
        vouchers.create_wallets([(ChildFactory(), None, Decimal("-1"))], call=call)
