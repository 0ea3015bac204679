"""The voucher ledger: balance is the sum of entries, entries are append-only, every refusal is clear."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from booking import vouchers
from booking.models import AppendOnlyError, LedgerEntry, Wallet
from tests.booking.factories import ChildFactory, UserFactory, VoucherCallFactory, make_wallet

pytestmark = pytest.mark.django_db


def test_new_wallet_has_its_value_as_balance_through_one_grant():
    wallet = make_wallet("250.00")
    assert wallet.balance == Decimal("250.00")
    assert list(wallet.entries.values_list("kind", "amount")) == [("grant", Decimal("250.00"))]


def test_redeem_lowers_balance_and_records_who():
    staff = UserFactory()
    wallet = make_wallet("100.00")
    entry = vouchers.redeem(wallet, Decimal("40.50"), idempotency_key="order-1", actor=staff)
    assert entry.amount == Decimal("-40.50")
    assert entry.actor == staff
    assert wallet.balance == Decimal("59.50")


def test_redeem_more_than_balance_is_refused_and_nothing_written():
    wallet = make_wallet("100.00")
    with pytest.raises(vouchers.InsufficientBalance) as exc:
        vouchers.redeem(wallet, Decimal("100.01"), idempotency_key="order-1")
    assert "saldo" in str(exc.value.message)
    assert wallet.entries.count() == 1


def test_same_idempotency_key_redeems_once():
    wallet = make_wallet("100.00")
    first = vouchers.redeem(wallet, Decimal("30.00"), idempotency_key="payment-7")
    again = vouchers.redeem(wallet, Decimal("30.00"), idempotency_key="payment-7")
    assert again.pk == first.pk
    assert wallet.balance == Decimal("70.00")


def test_same_idempotency_key_with_other_amount_is_a_conflict():
    wallet = make_wallet("100.00")
    vouchers.redeem(wallet, Decimal("30.00"), idempotency_key="payment-7")
    with pytest.raises(vouchers.IdempotencyConflict):
        vouchers.redeem(wallet, Decimal("31.00"), idempotency_key="payment-7")


@pytest.mark.parametrize("amount", ["0", "-5", "10.001", "abc", "NaN", "Infinity"])
def test_bad_amounts_are_refused(amount):
    wallet = make_wallet("100.00")
    with pytest.raises(vouchers.InvalidAmount):
        vouchers.redeem(wallet, amount, idempotency_key="k")
    assert wallet.balance == Decimal("100.00")


def test_wallet_outside_validity_window_cannot_pay():
    today = datetime.date.today()
    call = VoucherCallFactory(
        valid_from=today + datetime.timedelta(days=1), valid_until=today + datetime.timedelta(days=9)
    )
    wallet = make_wallet("100.00", call=call)
    with pytest.raises(vouchers.WalletNotValid):
        vouchers.redeem(wallet, Decimal("1.00"), idempotency_key="k")
    ended = make_wallet(
        "100.00",
        valid_from=today - datetime.timedelta(days=10),
        valid_until=today - datetime.timedelta(days=1),
    )
    with pytest.raises(vouchers.WalletNotValid):
        vouchers.redeem(ended, Decimal("1.00"), idempotency_key="k")


def test_expired_wallet_cannot_pay_and_balance_is_written_off():
    wallet = make_wallet("100.00")
    vouchers.redeem(wallet, Decimal("25.00"), idempotency_key="k1")
    expiry = vouchers.expire(wallet)
    assert expiry.amount == Decimal("-75.00")
    assert wallet.balance == Decimal("0.00")
    assert vouchers.expire(wallet).pk == expiry.pk
    with pytest.raises(vouchers.WalletExpired):
        vouchers.redeem(wallet, Decimal("1.00"), idempotency_key="k2")


def test_refund_after_expiry_expires_again_so_the_balance_stays_zero():
    wallet = make_wallet("100.00")
    payment = vouchers.redeem(wallet, Decimal("25.00"), idempotency_key="k1")
    vouchers.expire(wallet)
    vouchers.refund(payment, Decimal("25.00"))
    assert wallet.balance == Decimal("0.00")
    assert list(wallet.entries.values_list("kind", flat=True)) == ["grant", "redemption", "expiry", "refund", "expiry"]


def test_reverse_gives_back_a_whole_redemption_once():
    wallet = make_wallet("100.00")
    payment = vouchers.redeem(wallet, Decimal("60.00"), idempotency_key="k1")
    reversal = vouchers.reverse(payment)
    assert reversal.amount == Decimal("60.00")
    assert reversal.original == payment
    assert vouchers.reverse(payment).pk == reversal.pk
    assert wallet.balance == Decimal("100.00")


def test_refunds_never_exceed_what_was_paid():
    wallet = make_wallet("100.00")
    payment = vouchers.redeem(wallet, Decimal("60.00"), idempotency_key="k1")
    vouchers.refund(payment, Decimal("40.00"))
    with pytest.raises(vouchers.NotCorrectable):
        vouchers.refund(payment, Decimal("20.01"))
    with pytest.raises(vouchers.NotCorrectable):
        vouchers.reverse(payment)
    vouchers.refund(payment, Decimal("20.00"))
    assert wallet.balance == Decimal("100.00")


def test_only_redemptions_can_be_refunded():
    wallet = make_wallet("100.00")
    with pytest.raises(vouchers.NotCorrectable):
        vouchers.refund(wallet.entries.get(), Decimal("10.00"))


def test_ledger_entries_cannot_be_edited_or_deleted():
    wallet = make_wallet("100.00")
    entry = wallet.entries.get()
    entry.amount = Decimal("1000.00")
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1000.00"))
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    assert wallet.balance == Decimal("100.00")


@pytest.mark.parametrize(
    ("kind", "amount"),
    [("grant", "-1.00"), ("redemption", "5.00"), ("refund", "-5.00"), ("reversal", "-5.00"), ("expiry", "5.00")],
)
def test_database_refuses_an_amount_whose_sign_does_not_match_the_kind(kind, amount):
    wallet = make_wallet("100.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(wallet=wallet, kind=kind, amount=Decimal(amount))


def test_the_database_itself_refuses_updates_on_postgresql(postgres):
    from django.db import DatabaseError, connection

    wallet = make_wallet("100.00")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE booking_ledgerentry SET amount = 1000 WHERE wallet_id = %s", [wallet.pk])
    assert wallet.balance == Decimal("100.00")


AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("150.00"), places=2)


class LedgerMachine(RuleBasedStateMachine):
    """Random grant/redeem/refund/reverse/expire sequences against a model of what the balance must be."""

    def __init__(self):
        super().__init__()
        self.wallet = make_wallet("100.00")
        self.expected = Decimal("100.00")
        self.expired = False
        self.payments: dict[int, Decimal] = {}  # redemption pk -> amount still refundable
        self.reversed: set[int] = set()
        self.keys = 0

    def _key(self) -> str:
        self.keys += 1
        return f"k{self.keys}"

    @rule(amount=AMOUNTS)
    def grant(self, amount):
        if self.expired:
            with pytest.raises(vouchers.WalletExpired):
                vouchers.grant(self.wallet, amount)
            return
        vouchers.grant(self.wallet, amount)
        self.expected += amount

    @rule(amount=AMOUNTS, replay=st.booleans())
    def redeem(self, amount, replay):
        key = self._key()
        if self.expired:
            with pytest.raises(vouchers.WalletExpired):
                vouchers.redeem(self.wallet, amount, idempotency_key=key)
        elif amount > self.expected:
            with pytest.raises(vouchers.InsufficientBalance):
                vouchers.redeem(self.wallet, amount, idempotency_key=key)
        else:
            entry = vouchers.redeem(self.wallet, amount, idempotency_key=key)
            if replay:
                assert vouchers.redeem(self.wallet, amount, idempotency_key=key).pk == entry.pk
            self.payments[entry.pk] = amount
            self.expected -= amount

    @precondition(lambda self: self.payments)
    @rule(data=st.data())
    def refund(self, data):
        pk = data.draw(st.sampled_from(sorted(self.payments)))
        left = self.payments[pk]
        amount = data.draw(st.decimals(min_value=Decimal("0.01"), max_value=left + Decimal("1.00"), places=2))
        payment = LedgerEntry.objects.get(pk=pk)
        if amount > left:
            with pytest.raises(vouchers.NotCorrectable):
                vouchers.refund(payment, amount)
            return
        vouchers.refund(payment, amount)
        self.payments[pk] = left - amount
        if not self.expired:
            self.expected += amount

    @precondition(lambda self: self.payments)
    @rule(data=st.data())
    def reverse(self, data):
        pk = data.draw(st.sampled_from(sorted(self.payments)))
        payment = LedgerEntry.objects.get(pk=pk)
        if pk in self.reversed:
            assert vouchers.reverse(payment).original_id == pk  # a retried reversal returns the first one
            return
        if self.payments[pk] != -payment.amount:
            with pytest.raises(vouchers.NotCorrectable):
                vouchers.reverse(payment)
            return
        vouchers.reverse(payment)
        self.payments[pk] = Decimal("0.00")
        self.reversed.add(pk)
        if not self.expired:
            self.expected -= payment.amount

    @rule()
    def expire(self):
        vouchers.expire(self.wallet)
        self.expired = True
        self.expected = Decimal("0.00")

    @invariant()
    def balance_is_the_ledger_sum_and_never_negative(self):
        amounts = list(LedgerEntry.objects.filter(wallet=self.wallet).values_list("amount", flat=True))
        annotated = Wallet.objects.with_balance().get(pk=self.wallet.pk).balance
        assert sum(amounts, Decimal("0.00")) == annotated == vouchers.balance(self.wallet) == self.expected
        assert annotated >= 0


def test_ledger_invariants_hold_for_random_sequences():
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=20,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


def test_wallet_listing_annotates_balance_without_a_query_per_wallet(django_assert_max_num_queries):
    child = ChildFactory()
    for _ in range(3):
        make_wallet("50.00", child=child)
    with django_assert_max_num_queries(1):
        balances = [wallet.balance for wallet in Wallet.objects.with_balance().filter(holder=child.guardian)]
    assert balances == [Decimal("50.00")] * 3


def test_expire_vouchers_command_writes_off_ended_wallets_once():
    from django.core.management import call_command

    today = datetime.date.today()
    ended = make_wallet(
        "80.00", valid_from=today - datetime.timedelta(days=60), valid_until=today - datetime.timedelta(days=1)
    )
    current = make_wallet("80.00")
    call_command("expire_vouchers", stdout=io.StringIO())
    call_command("expire_vouchers", stdout=io.StringIO())
    assert ended.balance == Decimal("0.00")
    assert ended.entries.filter(kind="expiry").count() == 1
    assert (current.balance, current.is_expired) == (Decimal("80.00"), False)


def test_redeem_up_to_takes_what_is_left_and_replays_by_key():
    wallet = make_wallet("50.00")
    first = vouchers.redeem_up_to(wallet, Decimal("30.00"), idempotency_key="a")
    second = vouchers.redeem_up_to(wallet, Decimal("30.00"), idempotency_key="b")
    assert (first.amount, second.amount) == (Decimal("-30.00"), Decimal("-20.00"))
    assert vouchers.redeem_up_to(wallet, Decimal("30.00"), idempotency_key="c") is None
    assert vouchers.redeem_up_to(wallet, Decimal("30.00"), idempotency_key="b") == second
    assert vouchers.balance(wallet) == Decimal("0.00")
