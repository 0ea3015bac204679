"""Payments at once against one wallet, on PostgreSQL with real threads and connections.

Each thread pauses right after reading the balance until all of them have read it: the worst
interleaving for a check-then-spend. With the row lock only one thread can be inside at a time (the
pause times out and the others queue on the lock); the control run removes the lock and shows that
the same interleaving overdraws the wallet.
"""

import contextlib
import threading
from decimal import Decimal

import pytest
from django.db import connections

from booking import vouchers
from booking.models import LedgerEntry, Wallet
from tests.booking.factories import make_wallet

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


def run_at_once(func, count: int = THREADS) -> list:
    start = threading.Barrier(count)
    results: list = [None] * count

    def target(index: int) -> None:
        try:
            start.wait()
            results[index] = func(index)
        except Exception as exc:  # the test inspects what each thread got
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def pause_after_reading_balance(monkeypatch, timeout: float) -> None:
    meeting = threading.Barrier(THREADS, timeout=timeout)
    read_balance = vouchers._balance

    def balance_then_wait(wallet_id):
        value = read_balance(wallet_id)
        with contextlib.suppress(threading.BrokenBarrierError):  # the others queue on the lock: go on alone
            meeting.wait()
        return value

    monkeypatch.setattr(vouchers, "_balance", balance_then_wait)


def ledger_state(wallet: Wallet) -> tuple[Decimal, Decimal]:
    amounts = LedgerEntry.objects.filter(wallet=wallet).values_list("amount", flat=True)
    return sum(amounts, Decimal("0.00")), Wallet.objects.with_balance().get(pk=wallet.pk).balance


def test_parallel_payments_never_overdraw(postgres, monkeypatch):
    wallet = make_wallet("100.00")
    pause_after_reading_balance(monkeypatch, timeout=3)

    results = run_at_once(lambda i: vouchers.redeem(wallet, Decimal("30.00"), idempotency_key=f"order-{i}"))

    paid = [r for r in results if isinstance(r, LedgerEntry)]
    refused = [r for r in results if isinstance(r, vouchers.InsufficientBalance)]
    assert (len(paid), len(refused)) == (3, 5), results
    ledger_sum, shown = ledger_state(wallet)
    assert ledger_sum == shown == Decimal("10.00")


def test_parallel_retries_of_one_payment_redeem_once(postgres):
    wallet = make_wallet("100.00")

    results = run_at_once(lambda i: vouchers.redeem(wallet, Decimal("30.00"), idempotency_key="order-1"))

    assert all(isinstance(r, LedgerEntry) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert ledger_state(wallet) == (Decimal("70.00"), Decimal("70.00"))


def test_control_without_the_lock_the_race_overdraws(postgres, monkeypatch):
    """Proves the test above can fail: the same code minus SELECT ... FOR UPDATE spends money it does not have."""
    wallet = make_wallet("100.00")
    monkeypatch.setattr(vouchers, "_lock", lambda wallet_id: Wallet.objects.get(pk=wallet_id))
    pause_after_reading_balance(monkeypatch, timeout=60)

    results = run_at_once(lambda i: vouchers.redeem(wallet, Decimal("30.00"), idempotency_key=f"order-{i}"))

    assert sum(isinstance(r, LedgerEntry) for r in results) > 3
    ledger_sum, shown = ledger_state(wallet)
    assert ledger_sum == shown < 0


def test_parallel_payments_of_one_order_pay_once(postgres):
    """Double-clicks in two tabs (two attempt keys): the order row lock lets one pay; the others are refused."""
    from wagtail.models import Page

    from booking import marketplace
    from booking.models import Order, Payment
    from home.models import HomePage
    from tests.booking.factories import ChildFactory, accepted_order, service_setup

    home = Page.get_first_root_node().add_child(
        instance=HomePage(title="Milano 0.18", slug="home-pg", hero_title="Milano 0.18", hero_text="0-18")
    )
    _provider, service, staff = service_setup(home)
    child = ChildFactory()
    wallet = make_wallet("60.00", child=child)
    order = accepted_order(service, staff, price="100.00", child=child)

    results = run_at_once(
        lambda i: marketplace.pay(order, method=Payment.Method.CARD, attempt_key=f"tab-{i}", actor=None), count=4
    )

    refused = [r for r in results if isinstance(r, marketplace.BookingError)]
    assert len(refused) == 3, results
    order.refresh_from_db()
    assert order.state == Order.State.PAID
    assert (order.voucher_paid(), order.provider_paid()) == (Decimal("60.00"), Decimal("40.00"))
    ledger_sum, shown = ledger_state(wallet)
    assert ledger_sum == shown == Decimal("0.00")


def fresh_market(slug: str) -> dict:
    """The `market` fixture's provider, service and staff for transactional tests (a home page of their own)."""
    from wagtail.models import Page

    from home.models import HomePage
    from tests.booking.factories import service_setup

    home = Page.get_first_root_node().add_child(
        instance=HomePage(title="Milano 0.18", slug=slug, hero_title="Milano 0.18", hero_text="0-18")
    )
    provider, service, staff = service_setup(home)
    return {"provider": provider, "service": service, "staff": staff}


def _two_orders_of_one_child(price: str):
    """A wallet of 100 EUR and two orders of the same child, each awaiting payment."""
    from tests.booking.factories import ChildFactory, accepted_order

    market = fresh_market("home-two")
    service, staff = market["service"], market["staff"]
    child = ChildFactory()
    wallet = make_wallet("100.00", child=child)
    orders = [accepted_order(service, staff, price=price, child=child) for _ in range(2)]
    return wallet, orders


def _pay_both_after_reading_the_balance(monkeypatch, orders) -> list:
    """Both payments read the wallet before either spends: the interleaving that refused the second order."""
    from booking import marketplace
    from booking.models import Payment

    meeting = threading.Barrier(2, timeout=10)
    read_wallet = marketplace.usable_wallet

    def wallet_then_wait(order):
        wallet = read_wallet(order)
        meeting.wait()
        return wallet

    monkeypatch.setattr(marketplace, "usable_wallet", wallet_then_wait)
    return run_at_once(
        lambda i: marketplace.pay(orders[i], method=Payment.Method.CARD, attempt_key=f"pay-{i}", actor=None), count=2
    )


def test_second_order_paid_at_once_takes_the_rest_of_the_voucher_and_the_card_pays_the_remainder(postgres, monkeypatch):
    from booking.models import Order

    wallet, orders = _two_orders_of_one_child("80.00")

    results = _pay_both_after_reading_the_balance(monkeypatch, orders)

    assert all(isinstance(r, Order) for r in results), results
    paid = []
    for order in orders:
        order.refresh_from_db()
        assert order.state == Order.State.PAID
        paid.append((order.voucher_paid(), order.provider_paid()))
    assert sorted(paid) == [(Decimal("20.00"), Decimal("60.00")), (Decimal("80.00"), Decimal("0.00"))]
    assert ledger_state(wallet) == (Decimal("0.00"), Decimal("0.00"))


def test_control_deciding_the_voucher_part_before_the_lock_refuses_the_second_order(postgres, monkeypatch):
    """Proves the test above can fail: the share taken from a balance read outside the lock is refused."""
    from booking.models import Order

    wallet, orders = _two_orders_of_one_child("80.00")
    monkeypatch.setattr(
        vouchers,
        "redeem_up_to",
        lambda wallet, amount, **kwargs: vouchers.redeem(wallet, min(wallet.balance, amount), **kwargs),
    )

    results = _pay_both_after_reading_the_balance(monkeypatch, orders)

    assert sum(isinstance(r, Order) for r in results) == 1, results
    assert sum(isinstance(r, vouchers.InsufficientBalance) for r in results) == 1, results
    assert ledger_state(wallet) == (Decimal("20.00"), Decimal("20.00"))
