"""The header's account link: families to their sign-in and area, staff and providers to the admin."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.booking.factories import GuardianFactory, UserFactory

pytestmark = pytest.mark.django_db


def account_link(client) -> str:
    html = client.get("/").content.decode()
    start = html.index('class="m018-account"')
    return html[html.rindex("<a", 0, start) : html.index("</a>", start) + 4]


def test_a_visitor_is_sent_to_the_families_sign_in_not_the_admin(client, home_page):
    link = account_link(client)
    assert f'href="{reverse("account_login")}"' in link
    assert "Accedi" in link


def test_a_signed_in_family_reads_area_famiglia_and_reaches_it(client, home_page):
    client.force_login(GuardianFactory().user)
    link = account_link(client)
    assert f'href="{reverse("booking:family")}"' in link
    assert "Area famiglia" in link


def test_staff_and_providers_reach_the_admin_from_their_own_link(client, home_page):
    staff = UserFactory()
    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(staff)
    link = account_link(client)
    assert f'href="{reverse("wagtailadmin_home")}"' in link
    assert "Area riservata" in link
