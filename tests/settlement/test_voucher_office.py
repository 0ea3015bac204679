"""«Ufficio voucher»: staff who are not superusers find a wallet, read it (logged) and reverse a redemption."""

from decimal import Decimal

import pytest

from booking import vouchers
from booking.models import LedgerEntry
from core.models import AuditEntry
from tests.conftest import build_home_page, module_world
from tests.settlement.conftest import build_two_providers, paid_order


def build_world(home) -> dict:
    """`build_two_providers`, and an order of the first's service paid with 100 EUR of voucher, not completed."""
    p = build_two_providers(home)
    return {**p, "paid": paid_order(p["service_one"], p["staff_one"], price="100.00", complete=False)}


# Reversals, suspensions and revocations roll back with each test.
_world_keys, world = module_world(lambda: build_world(build_home_page()))


@pytest.fixture
def two_providers(world):
    return world


@pytest.fixture
def paid(world):
    return world["paid"]


def test_the_office_finds_a_wallet_by_protocol_code_or_fiscal_code_and_each_read_is_logged(client, office, paid):
    wallet = paid.payments.get(method="voucher").ledger_entry.wallet
    client.force_login(office)
    by_code = client.get("/admin/ufficio-voucher/", {"q": vouchers.wallet_code(wallet).lower()})
    assert [w.pk for w in by_code.context["results"]] == [wallet.pk]
    by_fiscal_code = client.get("/admin/ufficio-voucher/", {"q": wallet.child.fiscal_code.lower()})
    assert [w.pk for w in by_fiscal_code.context["results"]] == [wallet.pk]
    assert client.get("/admin/ufficio-voucher/", {"q": "nessuno"}).context["results"] == []
    reads = AuditEntry.objects.filter(action="sensitive.read", actor=office)
    assert reads.filter(data__via="settlement_voucher_search").count() == 4  # child and holder, twice

    page = client.get(f"/admin/ufficio-voucher/{wallet.pk}/")
    assert page.status_code == 200
    assert wallet.child.fiscal_code in page.content.decode()
    assert [o.pk for o in page.context["orders"]] == [paid.pk]
    assert reads.filter(data__via="settlement_voucher_wallet").count() == 2


def test_the_office_reverses_a_redemption_with_a_reason(client, office, paid):
    redemption = paid.payments.get(method="voucher").ledger_entry
    wallet = redemption.wallet
    before = wallet.balance
    client.force_login(office)
    url = f"/admin/ufficio-voucher/{wallet.pk}/"
    client.post(url, {"action": "reverse", "entry": redemption.pk, "reason": ""})
    assert not LedgerEntry.objects.filter(original=redemption).exists()
    client.post(url, {"action": "reverse", "entry": redemption.pk, "reason": "Servizio non ammesso dall'avviso"})
    reversal = LedgerEntry.objects.get(original=redemption)
    assert (reversal.kind, reversal.amount, reversal.memo) == (
        "reversal",
        -redemption.amount,
        "Servizio non ammesso dall'avviso",
    )
    assert wallet.balance == before - redemption.amount
    logged = AuditEntry.objects.get(action="voucher.redemption.reversed")
    assert (logged.actor, logged.reason) == (office, "Servizio non ammesso dall'avviso")
    # A second reversal of the same redemption is refused and moves nothing.
    client.post(url, {"action": "reverse", "entry": redemption.pk, "reason": "Di nuovo"})
    assert LedgerEntry.objects.filter(original=redemption).count() == 1


def test_reversing_needs_a_reason(paid, office):
    redemption = paid.payments.get(method="voucher").ledger_entry
    with pytest.raises(vouchers.ReasonRequired):
        vouchers.reverse_with_reason(redemption, actor=office, reason="  ")
    assert vouchers.reverse_with_reason(redemption, actor=office, reason="Errore").amount == Decimal("100.00")


def test_providers_and_families_cannot_use_the_office(client, two_providers, family, paid):
    wallet = paid.payments.get(method="voucher").ledger_entry.wallet
    for user in (two_providers["staff_one"], family):
        client.force_login(user)
        for url in ("/admin/ufficio-voucher/", f"/admin/ufficio-voucher/{wallet.pk}/"):
            assert client.get(url).status_code in (302, 403)
    assert not AuditEntry.objects.filter(action="sensitive.read", data__via__startswith="settlement_").exists()


def test_the_office_suspends_and_restores_a_wallet_with_a_reason(client, office, two_providers):
    from booking import marketplace
    from tests.booking.factories import ChildFactory, accepted_order, make_wallet

    child = ChildFactory()
    wallet = make_wallet("50.00", child=child)
    client.force_login(office)
    url = f"/admin/ufficio-voucher/{wallet.pk}/"
    client.post(url, {"action": "suspend", "reason": "Verifica ISEE in corso"})
    wallet.refresh_from_db()
    assert wallet.suspended_at is not None and wallet.suspension_reason == "Verifica ISEE in corso"
    with pytest.raises(vouchers.WalletSuspended):
        vouchers.redeem(wallet, Decimal("10.00"), idempotency_key="try", actor=child.guardian.user)
    # While suspended, an order is paid in full by other means: the voucher is not touched.
    order = accepted_order(two_providers["service_one"], two_providers["staff_one"], price="20.00", child=child)
    marketplace.pay(order, method="card", attempt_key="k", actor=child.guardian.user)
    assert wallet.balance == Decimal("50.00")
    client.post(url, {"action": "restore", "reason": "Verifica conclusa"})
    wallet.refresh_from_db()
    assert wallet.suspended_at is None
    trail = AuditEntry.objects.filter(action__startswith="voucher.wallet.").order_by("pk")
    assert [(e.from_state, e.to_state, e.reason) for e in trail] == [
        ("active", "suspended", "Verifica ISEE in corso"),
        ("suspended", "active", "Verifica conclusa"),
    ]


def test_the_office_revokes_the_balance_and_the_report_counts_it(client, office, db):
    from settlement.reconciliation import reconcile
    from tests.booking.factories import make_wallet

    wallet = make_wallet("80.00")
    client.force_login(office)
    client.post(f"/admin/ufficio-voucher/{wallet.pk}/", {"action": "revoke", "reason": "Requisiti non posseduti"})
    assert wallet.balance == Decimal("0.00")
    row = reconcile([wallet.call])[0]
    assert (row.granted, row.revoked, row.outstanding, row.balanced) == (
        Decimal("80.00"),
        Decimal("80.00"),
        Decimal("0.00"),
        True,
    )
