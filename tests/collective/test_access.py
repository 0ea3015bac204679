"""Referral flags and the nominal list: who may read what, over every page of the app (the access matrix), and the
reserved share that a nominal list must meet."""

import pytest
from django.test import Client
from django.urls import reverse

from collective import nominal_lists, services
from collective.errors import CollectiveError
from core.models import AuditEntry
from tests.booking.factories import ChildFactory
from tests.collective import factories as f
from tests.conftest import build_home_page, module_world

pytestmark = pytest.mark.django_db
REFERRED = ("Aurora", "Segnalata")


def build_world(home_page) -> dict:
    """A funded call: two providers' applications scored by two members, a referred child on the first's list."""
    call = f.make_call()
    (p1, s1), (p2, s2) = f.providers(home_page)
    a1 = f.submitted(call, p1, s1, planned_participants=3, reserved_places=1, age_min=6, age_max=14)
    a2 = f.submitted(call, p2, s2)
    members, city = f.score_and_fund(call, (a1, a2))
    project = a1.projects.get()
    project.refresh_from_db()
    referred = f.add_child(project, city, *REFERRED, referrer=f.referrer())
    return {
        "call": call, "a1": a1, "a2": a2, "project": project, "other": a2.projects.get(), "city": city,
        "members": members, "s1": s1, "s2": s2, "referred": referred,
    }  # fmt: skip


# Every test here uses it: fresh rows for each test, an empty cache.
_world_keys, world = module_world(lambda: build_world(build_home_page()))


def every_url(w):
    call, project, other = w["call"], w["project"], w["other"]
    services.publish(call, w["city"])
    urls = [
        reverse("collective_results", args=[call.code]),
        reverse("collective_applications"),
        reverse("collective_committee"),
        reverse("collective_committee_call", args=[call.pk]),
        reverse("collective_declaration", args=[call.pk]),
        reverse("collective_call_outcome", args=[call.pk]),
        reverse("collective_call_grants", args=[call.pk]),
        reverse("collective_call_export", args=[call.pk]) + "?formato=csv&tabella=progetti",
    ]
    for application in (w["a1"], w["a2"]):
        urls.append(reverse("collective_application", args=[application.pk]))
    for p in (project, other):
        for name in (
            "collective_provider_participants",
            "collective_committee_project",
            "collective_city_participants",
            "collective_provider_report",
            "collective_city_report",
        ):
            urls.append(reverse(name, args=[p.pk]))
    return urls


def pages(user, urls):
    client = Client()
    if user is not None:
        client.force_login(user)
    return {url: client.get(url) for url in urls}


def test_referral_flags_reach_only_city_and_committee(world):
    urls = every_url(world)
    referrer = f.referrer().name
    code = world["referred"].fiscal_code
    family = ChildFactory().guardian.user
    for who in (None, family, world["s2"]):
        for url, response in pages(who, urls).items():
            body = response.content.decode()
            assert referrer not in body and code not in body and REFERRED[1] not in body, (who, url)
    own = pages(world["s1"], urls)
    for url, response in own.items():
        body = response.content.decode()
        assert referrer not in body and code not in body, url
    listing = own[reverse("collective_provider_participants", args=[world["project"].pk])].content.decode()
    assert REFERRED[1] in listing and "Posto riservato" in listing
    assert own[reverse("collective_provider_participants", args=[world["other"].pk])].status_code == 404
    for who in (world["city"], world["members"][0].user):
        seen = "".join(r.content.decode() for r in pages(who, urls).values())
        assert referrer in seen and code in seen
        assert AuditEntry.objects.filter(action="sensitive.read", actor=who, object_id=world["referred"].pk).exists()


def test_nominal_list_below_reserved_share_is_refused(world):
    project, city, s1 = world["project"], world["city"], world["s1"]
    project.reserved_places = 2
    project.save(update_fields=["reserved_places"])
    f.add_child(project, s1, "Luca", "Bianchi", 9)
    with pytest.raises(CollectiveError) as refused:
        nominal_lists.accept_list(project, city)
    assert refused.value.code == "collective.reserved_share"
    project.refresh_from_db()
    assert project.list_accepted_at is None
    nominal_lists.accept_list(project, city, exception="Nessuna ulteriore segnalazione dai servizi del Municipio 2.")
    project.refresh_from_db()
    assert project.list_accepted_at and project.list_exception.startswith("Nessuna")


def test_list_with_reserved_share_met_is_accepted_and_closed(world):
    project, city, s1 = world["project"], world["city"], world["s1"]
    f.add_child(project, s1, "Luca", "Bianchi", 9)
    nominal_lists.accept_list(project, city)
    with pytest.raises(CollectiveError):
        f.add_child(project, s1, "Ada", "Neri", 8)
    too_old = world["other"]
    f.add_child(too_old, world["s2"], "Ugo", "Verdi", 17)
    with pytest.raises(CollectiveError) as refused:
        nominal_lists.accept_list(too_old, city, exception="x")
    assert refused.value.code == "collective.list_ages"


def test_provider_cannot_record_a_referral(world):
    with pytest.raises(CollectiveError):
        f.add_child(world["project"], world["s1"], "Finto", "Segnalato", referrer=f.referrer())
    assert not world["project"].participants.filter(last_name="Segnalato").exists()


def test_every_page_is_valid_html(world):
    from tests.htmlcheck import html_errors

    urls = every_url(world)
    documents = {}
    for who in (world["city"], world["members"][0].user, world["s1"]):
        for url, response in pages(who, urls).items():
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                documents[f"{who.get_username()} {url}"] = response.content.decode()
    assert len(documents) >= 10
    assert html_errors(documents) == {}
