"""The collective demo on a small catalogue: submitted in the 2026 window, scored twice, some reconciled, funded,
published, referred children on two funded projects; loading it again changes nothing."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from collective import demo
from collective.models import Application, MicroProject, Participant
from tests.collective import factories as f

pytestmark = pytest.mark.django_db


def test_demo_call_is_scored_funded_and_published(home_page):
    f.providers(home_page, 4)
    get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-test-1234")
    demo.load(StringIO())
    projects = MicroProject.objects.filter(application__call__code=demo.CODE)
    assert Application.objects.filter(state="submitted").count() == 4
    assert projects.count() == 8
    assert all(p.scores.count() == 2 for p in projects)
    assert projects.exclude(final_reason="").exists()
    funded = projects.filter(funding="funded")
    assert funded.exists() and all(p.final_score >= 60 for p in funded)
    assert Participant.objects.filter(referrer__isnull=False).values("project").distinct().count() == 2
    page = Client().get(reverse("collective_results", args=[demo.CODE]))
    assert page.status_code == 200
    demo.load(StringIO())
    assert MicroProject.objects.count() == 8
