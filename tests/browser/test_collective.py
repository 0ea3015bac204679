"""The collective-voucher pages pass axe-core: the provider's application, the committee's proposal and the City's
outcome and nominal list in the admin, and the public results page."""

import pytest

from collective import services
from tests.browser.axe import assert_accessible
from tests.browser.content import fresh_home
from tests.collective import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(live_server):
    call = f.make_call()
    (provider, staff), (other, other_staff) = f.providers(fresh_home())
    application = f.submitted(call, provider, staff, planned_participants=3, reserved_places=1)
    second = f.submitted(call, other, other_staff)
    members = [f.member(call, name) for name in ("anna", "bruno")]
    for m in members:
        services.declare(m, [], m.user)
        f.score_all(m, application.projects.get())
        f.score_all(m, second.projects.get(), "0.5")
    return {
        "call": call,
        "application": application,
        "project": application.projects.get(),
        "staff": staff,
        "member": members[0].user,
    }


def test_collective_pages_pass_axe(page, sign_in_as, world):
    """Each account is signed in by its session cookie (the admin's sign-in form is checked in test_csp.py)."""
    sign_in_as(page.context, world["staff"])
    page.goto(f"/admin/collective/domande/{world['application'].pk}/")
    assert_accessible(page, "provider application")
    page.goto("/admin/collective/domande/")
    assert_accessible(page, "provider applications")
    sign_in_as(page.context, world["member"])
    page.goto(f"/admin/collective/commissione/progetti/{world['project'].pk}/")
    assert_accessible(page, "committee proposal")
    page.goto(f"/admin/collective/commissione/{world['call'].pk}/")
    assert_accessible(page, "committee proposals")
    city = f.city_user()
    services.fund(world["call"], city)
    services.publish(world["call"], city)
    sign_in_as(page.context, city)
    page.goto(f"/admin/collective/avvisi/{world['call'].pk}/esito/")
    assert_accessible(page, "city outcome")
    page.goto(f"/admin/collective/avvisi/progetti/{world['project'].pk}/partecipanti/")
    assert_accessible(page, "city nominal list")
    page.goto(f"/voucher-collettivi/{world['call'].code}/esiti/")
    assert_accessible(page, "public results")


def test_report_and_grant_pages_pass_axe(page, sign_in_as, settings, tmp_path):
    """The provider's report, the City's examination of it and the City's grant payments page."""
    from collective import reports

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    world = f.funded_world(fresh_home())
    project = world["project"]
    reports.add_session(project, world["s1"], held_on=project.starts_on, present=2, reserved_present=1)
    reports.add_cost(
        project, world["s1"], description="Educatori", amount=project.funded_amount, document=f.pdf_upload()
    )
    sign_in_as(page.context, world["s1"])
    page.goto(f"/admin/collective/domande/progetti/{project.pk}/rendicontazione/")
    assert_accessible(page, "provider report")
    reports.submit(project, world["s1"])
    sign_in_as(page.context, world["city"])
    page.goto(f"/admin/collective/avvisi/progetti/{project.pk}/rendicontazione/")
    assert_accessible(page, "city report")
    page.goto(f"/admin/collective/avvisi/{world['call'].pk}/contributi/")
    assert_accessible(page, "grant payments")
