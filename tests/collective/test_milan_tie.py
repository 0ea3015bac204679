"""The Milan tie of every child on a nominal list: living, domiciled or at school in Milan."""

import pytest
from django.test import Client
from django.urls import reverse

from collective import nominal_lists
from collective.errors import CollectiveError
from tests.collective import factories as f

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_only_children_living_domiciled_or_at_school_in_milan_are_listed(home_page):
    call = f.make_call()
    ((provider, staff),) = f.providers(home_page, 1)
    application = f.submitted(call, provider, staff, planned_participants=3, reserved_places=1)
    f.score_and_fund(call, [application])
    project = application.projects.get()
    url = reverse("collective_provider_participants", args=[project.pk])
    page = client_for(staff).post(
        url,
        {"first_name": "Ugo", "last_name": "Verdi", "fiscal_code": f.child_code(project.starts_on, 9),
         "lives_in": "Sesto San Giovanni", "school_in": "Cinisello Balsamo"},
    )  # fmt: skip
    assert "Ugo Verdi non vive, non è domiciliato/a e non va a scuola a Milano" in page.content.decode()
    assert not project.participants.exists()
    client_for(staff).post(
        url,
        {"first_name": "Ugo", "last_name": "Verdi", "fiscal_code": f.child_code(project.starts_on, 9),
         "lives_in": "Sesto San Giovanni", "school_in": "Milano (MI)"},
    )  # fmt: skip
    assert project.participants.get().school_in == "Milano (MI)"
    with pytest.raises(CollectiveError) as refused:
        f.add_child(project, staff, "Ada", "Neri", 8, lives_in="Milano Marittima")
    assert refused.value.code == "collective.not_milan"
    assert [nominal_lists.in_milan(name) for name in ("MILANO", "Milano MI", " milano ", "Milanino", "")] == [
        True, True, True, False, False,
    ]  # fmt: skip
