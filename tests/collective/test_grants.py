"""The grant ledger of a funded micro-project: advance after the accepted nominal list, balance on the approved
report, never more than the funded amount, entries append-only and in the audit trail."""

from decimal import Decimal

import pytest

from collective import grants, services
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
    members = [f.member(call, name) for name in ("anna", "bruno")]
    project = application.projects.get()
    for m in members:
        services.declare(m, [], m.user)
        f.score_all(m, project)
    city = f.city_user()
    services.fund(call, city)
    with pytest.raises(CollectiveError) as refused:
        grants.pay_advance(project, city)
    assert refused.value.code == "collective.advance_not_due"
    services.add_participant(project, city, first_name="Aurora", last_name="Segnalata",
                             fiscal_code=f.child_code(project.starts_on), referrer=f.referrer())  # fmt: skip
    services.accept_list(project, city)
    with pytest.raises(CollectiveError):
        grants.pay_advance(project, staff)
    advance = grants.pay_advance(project, city)
    assert advance.amount == Decimal("3999.99")
    with pytest.raises(CollectiveError):
        grants.pay_advance(project, city)
    with pytest.raises(CollectiveError):
        grants.pay_balance(project, city, note=" ")
    balance = grants.pay_balance(project, city, note="Rendicontazione approvata il 15/09/2023.")
    assert balance.amount == Decimal("6000.00")
    assert grants.paid(project) == Decimal("9999.99")
    with pytest.raises(CollectiveError):
        grants.pay_balance(project, city, note="Di nuovo.")
    assert AuditEntry.objects.filter(action__startswith="collective.grant.", object_id=project.pk).count() == 2
    with pytest.raises(AppendOnlyError):
        GrantEntry.objects.filter(pk=advance.pk).update(amount=Decimal("1.00"))
    with pytest.raises(AppendOnlyError):
        advance.save()
