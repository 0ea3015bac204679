"""The call in the admin: the bracket table is editable until the window opens, and every change is logged."""

import datetime

import pytest
from django.urls import reverse

from core.models import AuditEntry
from tests.vouchercall.factories import make_call

pytestmark = pytest.mark.django_db
ROME_FORMAT = "%Y-%m-%d %H:%M"


def form_data(call, *, first_value: str) -> dict:
    brackets = list(call.brackets.all())
    data = {
        "money_call": call.money_call_id,
        "year": call.year,
        "opens_at": call.opens_at.astimezone(datetime.UTC).strftime(ROME_FORMAT),
        "closes_at": call.closes_at.astimezone(datetime.UTC).strftime(ROME_FORMAT),
        "isee_ceiling": "27000.00",
        "brackets_note": "",
        "rule_version": call.rule_version,
        "draw_seed": "",
        "fit_rule": call.fit_rule,
        "appeal_days": 10,
        "unused_return_days": 60,
        "regularise_days": 15,
        "brackets-TOTAL_FORMS": len(brackets),
        "brackets-INITIAL_FORMS": len(brackets),
        "brackets-MIN_NUM_FORMS": 1,
        "brackets-MAX_NUM_FORMS": 1000,
    }
    for i, bracket in enumerate(brackets):
        data[f"brackets-{i}-id"] = bracket.pk
        data[f"brackets-{i}-isee_up_to"] = str(bracket.isee_up_to)
        data[f"brackets-{i}-value_per_child"] = first_value if i == 0 else str(bracket.value_per_child)
    return data


def test_brackets_change_before_the_window_opens_and_not_after(client, office_user):
    now = datetime.datetime.now(tz=datetime.UTC)
    future = make_call(opens=now + datetime.timedelta(days=5), closes=now + datetime.timedelta(days=20))
    client.force_login(office_user)
    url = reverse("vouchercall_call:edit", args=[future.pk])
    client.post(url, form_data(future, first_value="350.00"))
    assert future.brackets.order_by("isee_up_to").first().value_per_child == 350
    entry = AuditEntry.objects.get(action="vouchercall.call.updated", object_id=future.pk)
    assert "brackets" in entry.data["fields"]

    opened = make_call()
    url = reverse("vouchercall_call:edit", args=[opened.pk])
    response = client.post(url, form_data(opened, first_value="350.00"))
    assert "non si possono più cambiare" in response.content.decode()
    assert opened.brackets.order_by("isee_up_to").first().value_per_child == 400
    # And a value outside 100-400 EUR is refused before the window opens too.
    client.post(reverse("vouchercall_call:edit", args=[future.pk]), form_data(future, first_value="450.00"))
    assert future.brackets.order_by("isee_up_to").first().value_per_child == 350
