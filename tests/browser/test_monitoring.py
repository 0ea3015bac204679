"""The monitoring's public page (both widths), the open data page and the staff dashboard and equity page pass
axe-core, with the micro-projects' figures in them."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission

from booking.models import Order
from monitoring.figures import refresh
from monitoring.models import MonitoringPage
from tests.browser.axe import assert_accessible
from tests.browser.conftest import MOBILE
from tests.browser.content import fresh_home
from tests.browser.navigation import follow
from tests.catalog.factories import user
from tests.monitoring.conftest import build_world
from tests.monitoring.events import event, funded_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pw-test-1234"


@pytest.fixture
def monitored(live_server):
    home = fresh_home()
    world = build_world(home)
    when = datetime.datetime(2025, 10, 6, 11, tzinfo=datetime.UTC)
    for n in range(12):
        event(world, world.services[n % 3], municipio=1 + n % 9, age=4 + n, when=when, order_state=Order.State.PAID)
    born = datetime.date(2014, 5, 1)
    funded_project(
        world, "Cortili", challenges=["educazione-salute"], municipi=[2], participants=[(born, n < 2) for n in range(5)]
    )
    refresh()
    page = home.add_child(instance=MonitoringPage(title="Il monitoraggio", slug="monitoraggio", intro="Cifre."))
    group, _ = Group.objects.get_or_create(name="Monitoraggio")
    group.permissions.add(
        Permission.objects.get(codename="view_monitoring"), Permission.objects.get(codename="access_admin")
    )
    user("ufficio-monitoraggio", groups=[group.name])
    return page


def test_the_public_monitoring_page_passes_axe_on_a_phone_and_a_laptop(page, monitored):
    page.goto(monitored.url)
    assert page.locator("h1").inner_text() == "Il monitoraggio"
    assert_accessible(page, "monitoring page, desktop")
    page.set_viewport_size(MOBILE)
    assert page.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    assert_accessible(page, "monitoring page, phone")
    page.goto("/dati-aperti/")
    page.locator("details summary").first.click()
    assert_accessible(page, "open data, phone, a data dictionary open")


def test_the_dashboard_and_the_equity_page_pass_axe(page, monitored):
    page.goto("/admin/login/")
    page.fill("#id_username", "ufficio-monitoraggio")
    page.fill("#id_password", PASSWORD)
    follow(page.locator("button[type=submit]"), "**/admin/")
    page.goto("/admin/monitoraggio/?cut=age_band&metric=requests")
    assert "Monitoraggio" in page.locator("h1").inner_text()
    assert_accessible(page, "monitoring dashboard")
    page.goto("/admin/monitoraggio/equita/")
    assert_accessible(page, "monitoring equity")
