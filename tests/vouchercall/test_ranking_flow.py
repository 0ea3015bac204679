"""From closed window to vouchers: provisional ranking, appeal, final ranking with its changes, verification,
publication without names, the family's standing, grants once, and re-ranking through the ledger."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from booking.models import LedgerEntry, Wallet
from core.models import AuditEntry
from tests.vouchercall.factories import apply, make_call, make_family, rome
from vouchercall import services
from vouchercall.models import Application, Ranking, RankingEntry

pytestmark = pytest.mark.django_db

OPENS, CLOSES = rome(2022, 9, 1, 12, 0), rome(2022, 9, 30, 12, 0)
AFTER_APPEALS = rome(2030, 1, 1, 9, 0)
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def call():
    """Budget 1,000 EUR; four families: 400 (ISEE 1,234), 2 x 300 (ISEE 6,000, two minors), 300 (ISEE 6,000, four
    minors), 200 (ISEE 18,000)."""
    call = make_call(opens=OPENS, closes=CLOSES, budget="1000.00", appeal_days=10, unused_return_days=30)
    families = {}
    for name, isee, births, minors in [
        ("low", "1234.00", [datetime.date(2015, 1, 1)], 1),
        ("two", "6000.00", [datetime.date(2012, 1, 1), datetime.date(2014, 1, 1)], 2),
        ("many", "6000.00", [datetime.date(2016, 1, 1)], 4),
        ("high", "18000.00", [datetime.date(2010, 1, 1)], 1),
    ]:
        guardian, children = make_family(*births, last_name=name)
        families[name] = apply(call, guardian, children, isee=isee, minors=minors, now=OPENS)
    call.families = families
    return call


def test_the_provisional_ranking_orders_funds_stores_its_hash_and_verifies(call):
    ranking = services.compute_ranking(call, Ranking.Kind.PROVISIONAL, actor=None)
    order = list(
        ranking.entries.order_by("position").values_list("application__guardian__last_name", "funded", "value")
    )
    # ISEE ascending; at 6,000 EUR the family with four minors goes first; 400 + 300 fits, 600 does not, 200 does.
    assert order == [
        ("low", True, Decimal("400.00")),
        ("many", True, Decimal("300.00")),
        ("two", False, Decimal("600.00")),
        ("high", True, Decimal("200.00")),
    ]
    assert ranking.funded_total == Decimal("900.00") and len(ranking.inputs_hash) == 64
    assert ranking.seed == call.__class__.objects.get(pk=call.pk).draw_seed != ""
    call_command("verify_ranking", ranking.pk)
    RankingEntry.objects.filter(ranking=ranking, position=3).update(funded=True)
    with pytest.raises(CommandError, match="differenze"):
        call_command("verify_ranking", ranking.pk)


def test_the_provisional_ranking_waits_for_the_window_to_close():
    call = make_call()
    with pytest.raises(services.VoucherCallError, match="ancora aperte"):
        services.compute_ranking(call, Ranking.Kind.PROVISIONAL, actor=None)


def test_an_appeal_accepted_reopens_the_application_and_the_final_lists_the_changes(
    call, office_user, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    high = call.families["high"]
    services.exclude(high, "Residenza non dichiarata correttamente", actor=office_user)
    provisional = services.compute_ranking(call, Ranking.Kind.PROVISIONAL, actor=office_user)
    assert not provisional.entries.filter(application=high).exists()
    appeal = services.appeal(
        high, "Siamo residenti a Milano dal 2019.", SimpleUploadedFile("residenza.pdf", PDF), actor=high.guardian.user
    )
    assert appeal.document.name.endswith(".pdf")
    with pytest.raises(services.VoucherCallError, match="da decidere"):
        services.compute_ranking(call, Ranking.Kind.FINAL, actor=office_user, now=AFTER_APPEALS)
    with pytest.raises(services.VoucherCallError, match="motivazione"):
        services.decide_appeal(appeal, True, " ", actor=office_user)
    services.decide_appeal(appeal, True, "Certificato di residenza verificato.", actor=office_user)
    high.refresh_from_db()
    assert high.state == Application.State.SENT
    final = services.compute_ranking(call, Ranking.Kind.FINAL, actor=office_user, now=AFTER_APPEALS)
    assert {
        "protocol": high.protocol,
        "from_position": None,
        "to_position": 4,
        "from_funded": None,
        "to_funded": True,
    } in final.changes
    assert AuditEntry.objects.filter(action="vouchercall.appeal.accepted", object_id=appeal.pk).exists()


def test_the_final_ranking_grants_one_wallet_per_funded_child_once_and_tells_the_family(
    call, office_user, django_capture_on_commit_callbacks, mailoutbox
):
    services.compute_ranking(call, Ranking.Kind.PROVISIONAL, actor=office_user)
    final = services.compute_ranking(call, Ranking.Kind.FINAL, actor=office_user, now=AFTER_APPEALS)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.grant_final(final, actor=office_user) == 3
    assert services.grant_final(final, actor=office_user) == 0
    values = sorted(Wallet.objects.values_list("value", flat=True))
    assert values == [Decimal("200.00"), Decimal("300.00"), Decimal("400.00")]
    assert sum(values) <= call.money_call.budget
    assert sorted(m.to[0] for m in mailoutbox if "finanziata" in m.subject) == sorted(
        call.families[name].guardian.email for name in ("low", "many", "high")
    )


def test_the_public_ranking_names_nobody_and_the_family_sees_how_far_the_line_is(call, client):
    ranking = services.compute_ranking(call, Ranking.Kind.PROVISIONAL, actor=None)
    page = client.get(reverse("vouchercall_public:ranking", args=[ranking.pk])).content.decode()
    two = call.families["two"]
    assert two.protocol in page and ranking.inputs_hash in page and ranking.seed in page
    for application in call.families.values():
        assert application.guardian.last_name not in page
        assert application.guardian.fiscal_code not in page
        assert str(application.isee_value) not in page
        assert str(application.isee_value).replace(".", ",") not in page
    standing = services.standing(two)
    assert (standing.position, standing.funded, standing.last_funded_position) == (3, False, 4)
    client.force_login(two.guardian.user)
    mine = client.get(reverse("vouchercall:call", args=[call.pk])).content.decode()
    assert "alla posizione 3" in mine and "Non è finanziata" in mine


def test_re_ranking_revokes_unused_vouchers_and_funds_the_next_family_through_the_ledger(
    call, office_user, django_capture_on_commit_callbacks, mailoutbox
):
    services.compute_ranking(call, Ranking.Kind.PROVISIONAL, actor=office_user)
    final = services.compute_ranking(call, Ranking.Kind.FINAL, actor=office_user, now=AFTER_APPEALS)
    services.grant_final(final, actor=office_user)
    low_wallet = Wallet.objects.get(holder=call.families["low"].guardian)
    services.renounce(low_wallet, actor=call.families["low"].guardian.user)
    today = Wallet.objects.first().valid_from + datetime.timedelta(days=31)
    with django_capture_on_commit_callbacks(execute=True):
        step = services.rerank(call, actor=office_user, today=today)
    # The renounced 400 and the unused 300 and 200 come back: 1,000 EUR free, the two-children family (600) is funded.
    assert call.families["two"].protocol in step.funded_protocols
    assert step.freed == Decimal("500.00")
    assert Wallet.objects.filter(holder=call.families["two"].guardian).count() == 2
    revocations = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REVOCATION)
    assert revocations.count() == 3
    ledger_total = sum(LedgerEntry.objects.values_list("amount", flat=True))
    assert ledger_total == sum(wallet.balance for wallet in Wallet.objects.all()) == Decimal("600.00")
    assert services.committed(call) <= call.money_call.budget
    assert any("revocato" in m.subject for m in mailoutbox)
    assert AuditEntry.objects.filter(action="vouchercall.rerank.step").exists()


def test_ranking_and_granting_cost_the_same_queries_for_5_or_25_applications():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (5, 25):
        call = make_call(opens=OPENS, closes=CLOSES, budget="100000.00")
        for i in range(size):
            guardian, children = make_family(datetime.date(2012, 1, 1 + i % 28), datetime.date(2015, 1, 1 + i % 28))
            apply(call, guardian, children, isee=f"{1000 + i * 700}.00", now=OPENS)
        with CaptureQueriesContext(connection) as ranked:
            services.compute_ranking(call, Ranking.Kind.PROVISIONAL, actor=None)
        final = services.compute_ranking(call, Ranking.Kind.FINAL, actor=None, now=AFTER_APPEALS)
        with CaptureQueriesContext(connection) as granted:
            assert services.grant_final(final, actor=None) == size * 2
        counts.append((len(ranked.captured_queries), len(granted.captured_queries)))
    assert counts[0] == counts[1]
