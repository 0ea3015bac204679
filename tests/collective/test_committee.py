"""The committee: declarations before proposals, conflicts (404, no score), blind independent scores,
reconciliation, progress, funding, and nothing editable after closing."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from collective import services
from collective.errors import CollectiveError
from collective.models import MicroProject
from core.models import AuditEntry
from tests.collective import factories as f
from tests.conftest import build_home_page, module_world

pytestmark = pytest.mark.django_db


def build_world(home_page) -> dict:
    """A call with two providers' submitted applications and a committee of three."""
    call = f.make_call()
    (p1, s1), (p2, s2) = f.providers(home_page)
    a1 = f.submitted(call, p1, s1)
    a2 = f.submitted(call, p2, s2)
    members = [f.member(call, name) for name in ("anna", "bruno", "carla")]
    return {"call": call, "p1": p1, "p2": p2, "s1": s1, "s2": s2, "a1": a1, "a2": a2, "members": members}


# Every test here uses it: fresh rows for each test, an empty cache.
_world_keys, world = module_world(lambda: build_world(build_home_page()))


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_conflicted_member_gets_404_and_cannot_score(world):
    anna = world["members"][0]
    services.declare(anna, [world["p1"].pk], anna.user)
    own = world["a1"].projects.get()
    other = world["a2"].projects.get()
    client = client_for(anna.user)
    assert client.get(reverse("collective_committee_project", args=[own.pk])).status_code == 404
    response = client.post(reverse("collective_committee_project", args=[own.pk]), {"action": "score"})
    assert response.status_code == 404
    assert client.get(reverse("collective_committee_project", args=[other.pk])).status_code == 200
    listing = client.get(reverse("collective_committee_call", args=[world["call"].pk])).content.decode()
    assert other.title in listing and "Ente 1" not in listing
    with pytest.raises(CollectiveError) as refused:
        f.score_all(anna, own)
    assert refused.value.code == "collective.cannot_score"
    assert not own.scores.exists()


def test_no_proposal_before_the_declaration(world):
    bruno = world["members"][1]
    project = world["a2"].projects.get()
    client = client_for(bruno.user)
    assert client.get(reverse("collective_committee_project", args=[project.pk])).status_code == 404
    assert client.get(reverse("collective_committee_call", args=[world["call"].pk])).status_code == 302
    response = client.post(
        reverse("collective_declaration", args=[world["call"].pk]), {"conflicts": [], "truthful": "on"}
    )
    assert response.status_code == 302
    assert client.get(reverse("collective_committee_project", args=[project.pk])).status_code == 200
    assert AuditEntry.objects.filter(action="collective.member.declared", object_id=bruno.pk).exists()


def test_others_scores_hidden_until_own_score(world):
    anna, bruno, _carla = world["members"]
    for m in (anna, bruno):
        services.declare(m, [], m.user)
    project = world["a2"].projects.get()
    f.score_all(anna, project, "0.55")
    page = client_for(bruno.user).get(reverse("collective_committee_project", args=[project.pk])).content.decode()
    assert "55,00" not in page and "Registra la valutazione" in page
    f.score_all(bruno, project, "0.6")
    page = client_for(bruno.user).get(reverse("collective_committee_project", args=[project.pk])).content.decode()
    assert "55,00" in page and "60,00" in page


def test_reconciliation_when_totals_differ_beyond_the_gap(world):
    anna, bruno, _carla = world["members"]
    for m in (anna, bruno):
        services.declare(m, [], m.user)
    project = world["a2"].projects.get()
    f.score_all(anna, project, "0.9")
    f.score_all(bruno, project, "0.5")
    call = world["call"]
    assert services.needs_reconciliation(project, call)
    assert services.computed_score(project, call) is None
    with pytest.raises(CollectiveError):
        services.reconcile(project, anna, Decimal("70"), "  ", anna.user)
    services.reconcile(project, anna, Decimal("70"), "Rete territoriale documentata solo in parte.", anna.user)
    project.refresh_from_db()
    assert project.final_score == Decimal("70.00")
    entry = AuditEntry.objects.get(action="collective.project.reconciled", object_id=project.pk)
    assert entry.reason.startswith("Rete territoriale")


def test_progress_n_of_m(world):
    anna = world["members"][0]
    services.declare(anna, [world["p1"].pk], anna.user)
    f.score_all(anna, world["a2"].projects.get())
    page = client_for(anna.user).get(reverse("collective_committee")).content.decode()
    assert "1 di 1 valutate" in page


def test_funding_closes_the_committee(world):
    anna, bruno, carla = world["members"]
    for m in (anna, bruno, carla):
        services.declare(m, [], m.user)
    p1 = world["a1"].projects.get()
    p2 = world["a2"].projects.get()
    for m in (anna, bruno):
        f.score_all(m, p1, "0.8")
        f.score_all(m, p2, "0.5")
    city = f.city_user()
    with pytest.raises(CollectiveError):
        services.fund(world["call"], anna.user)
    funded = services.fund(world["call"], city)
    assert [p.pk for p in funded] == [p1.pk]
    p2.refresh_from_db()
    assert p2.funding == MicroProject.Funding.NOT_FUNDED  # 50 < 60
    with pytest.raises(CollectiveError) as closed:
        f.score_all(carla, p2)
    assert closed.value.code == "collective.closed"
    assert AuditEntry.objects.filter(action="collective.project.funded", object_id=p1.pk).exists()
    # The public result: provider, title, score, amount; only once published.
    url = reverse("collective_results", args=[world["call"].code])
    assert Client().get(url).status_code == 404
    services.publish(world["call"], city)
    page = Client().get(url).content.decode()
    assert p1.title in page and "80,00" in page and "Ente 2" not in page
    assert "10.000,00" in page or "10000,00" in page
