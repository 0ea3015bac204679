"""The demo's 2026 call: the ranking it builds funds 5,006 applications with 2,100,000 EUR, the figures the minisite
quotes, the demo family among them; every ranking verifies; a second load changes nothing."""

from decimal import Decimal
from io import StringIO

import pytest

from booking import demo as booking_demo
from booking.models import LedgerEntry, Wallet
from vouchercall import demo, services
from vouchercall.models import Application, Ranking

pytestmark = pytest.mark.django_db


def test_the_demo_ranking_produces_the_minisites_figures():
    booking_demo.load(StringIO())
    demo.load(StringIO())
    final = Ranking.objects.get(kind=Ranking.Kind.FINAL)
    assert (final.funded_count, final.funded_total) == (5006, Decimal("2100000.00"))
    assert Application.objects.count() == 6000
    # Every family lives in a municipio, so the monitoring's equity page has applications in each of the nine.
    assert set(Application.objects.values_list("guardian__municipio", flat=True)) == set(range(1, 10))
    assert all(services.verify(ranking).ok for ranking in Ranking.objects.all())
    assert final.changes, "the appeal readmitted a family: the final ranking lists the change"
    family = Application.objects.get(guardian__fiscal_code=booking_demo.FAMILY_FISCAL_CODE)
    assert services.standing(family).funded
    wallets = Wallet.objects.filter(call=final.call.money_call)
    assert sum(wallets.values_list("value", flat=True)) == Decimal("2100000.00")
    assert wallets.filter(holder=family.guardian).count() == 2
    entries = LedgerEntry.objects.count()
    demo.load(StringIO())
    assert LedgerEntry.objects.count() == entries
