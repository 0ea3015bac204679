"""The grant ledger of a funded micro-project: advance after the accepted nominal list, balance on the approved
report (the reported costs up to the funded amount), never more than the funded amount, entries append-only and in
the audit trail (and, on PostgreSQL, refused by the database itself)."""

from decimal import Decimal

import pytest

from collective import grants, nominal_lists, reports
from collective.errors import CollectiveError
from collective.models import GrantEntry
from core.errors import AppendOnlyError
from core.models import AuditEntry
from tests.collective import factories as f

pytestmark = pytest.mark.django_db


def test_advance_then_balance_pay_exactly_the_funded_amount(home_page):
    call = f.make_call(advance_share=40)
    ((provider, staff),) = f.providers(home_page, 1)
    application = f.submitted(
        call, provider, staff, planned_participants=3, reserved_places=1, amount_asked=Decimal("9999.99")
    )
    project = application.projects.get()
    _members, city = f.score_and_fund(call, [application])
    with pytest.raises(CollectiveError) as refused:
        grants.pay_advance(project, city)
    assert refused.value.code == "collective.advance_not_due"
    f.add_child(project, city, "Aurora", "Segnalata", referrer=f.referrer())
    nominal_lists.accept_list(project, city)
    with pytest.raises(CollectiveError):
        grants.pay_advance(project, staff)
    advance = grants.pay_advance(project, city)
    assert advance.amount == Decimal("3999.99")
    with pytest.raises(CollectiveError):
        grants.pay_advance(project, city)
    with pytest.raises(CollectiveError) as refused:
        grants.pay_balance(project, city)
    assert refused.value.code == "collective.report_not_approved"
    reports.add_session(project, staff, held_on=project.starts_on, present=1, reserved_present=1)
    reports.add_cost(project, staff, description="Educatori", amount=Decimal("10500.00"), document=f.pdf_upload())
    reports.submit(project, staff)
    reports.approve(project, city, "Spese documentate.")
    balance = grants.pay_balance(project, city, note="Mandato 123/2023.")
    assert balance.amount == Decimal("6000.00")
    assert grants.paid(project) == Decimal("9999.99")
    with pytest.raises(CollectiveError):
        grants.pay_balance(project, city, note="Di nuovo.")
    assert AuditEntry.objects.filter(action__startswith="collective.grant.", object_id=project.pk).count() == 2
    with pytest.raises(AppendOnlyError):
        GrantEntry.objects.filter(pk=advance.pk).update(amount=Decimal("1.00"))
    with pytest.raises(AppendOnlyError):
        advance.save()


def test_postgresql_refuses_update_and_delete_of_a_grant_entry(home_page):
    """The trigger of migration 0004: raw SQL that bypasses the model cannot change or remove a payment."""
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger exists on PostgreSQL only (DATABASE_URL)")
    world = f.funded_world(home_page)
    entry = grants.pay_advance(world["project"], world["city"])
    for sql in (
        "UPDATE collective_grantentry SET amount = 1 WHERE id = %s",
        "DELETE FROM collective_grantentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert GrantEntry.objects.get(pk=entry.pk).amount == Decimal("5000.00")
