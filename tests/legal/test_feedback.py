"""«Valuta questo servizio»: a yes/no without JavaScript, an optional reason, no cookie, no personal data."""

import re

import pytest
from django.urls import reverse

from home.models import ContentPage
from legal.models import COMMENT_MAX_LENGTH, FeedbackReason, PageFeedback
from legal.views import VOTES_PER_HOUR

pytestmark = pytest.mark.django_db


@pytest.fixture
def legal_pages(legal_pages_of_the_module):
    """Built once for this module: every test here uses it."""
    return legal_pages_of_the_module


@pytest.fixture
def info_page(legal_pages):
    page = ContentPage(title="Il progetto WISH MI", slug="progetto", intro="Il progetto.")
    legal_pages.add_child(instance=page)
    return page


def vote(client, page, useful: bool, data=None, **headers):
    fields = {"page": page.pk, "useful": "1" if useful else "0", **(data or {})}
    return client.post(reverse("legal:feedback_vote"), fields, **headers)


def test_information_page_carries_the_block_and_stays_publicly_cacheable(client, info_page):
    response = client.get(info_page.url)

    html = response.content.decode()
    assert "Valuta questo servizio" in html
    assert f'action="{reverse("legal:feedback_vote")}"' in html
    assert 'name="csrfmiddlewaretoken"' not in html
    assert not response.cookies
    assert response["Cache-Control"] == "public, max-age=300"


def test_home_page_has_no_block(client, info_page, legal_pages):
    assert "Valuta questo servizio" not in client.get(legal_pages.url).content.decode()


def test_a_vote_then_a_reason_and_a_comment_are_stored_without_personal_data(client, info_page):
    response = vote(client, info_page, useful=False)

    assert response.status_code == 303
    assert not response.cookies
    feedback = PageFeedback.objects.get()
    assert (feedback.page_id, feedback.useful, feedback.reason, feedback.comment) == (info_page.pk, False, "", "")
    detail = client.get(response["Location"])
    html = detail.content.decode()
    assert "Hai trovato poco utile la pagina «Il progetto WISH MI»" in html
    assert "Non ho trovato quello che cercavo" in html and "Le informazioni erano complete" not in html
    assert f'maxlength="{COMMENT_MAX_LENGTH}"' in html
    assert "no-store" in detail["Cache-Control"]

    client.post(response["Location"], {"reason": "not_found", "comment": "  Mancano gli orari.  "})
    feedback.refresh_from_db()
    assert (feedback.reason, feedback.comment) == (FeedbackReason.NOT_FOUND, "Mancano gli orari.")
    # The second step answers once: a later post changes nothing.
    client.post(response["Location"], {"reason": "technical", "comment": "Altro ancora"})
    feedback.refresh_from_db()
    assert feedback.reason == FeedbackReason.NOT_FOUND
    assert {f.name for f in PageFeedback._meta.get_fields()} == {
        "id",
        "page",
        "useful",
        "reason",
        "comment",
        "created_at",
    }


def test_a_reason_that_does_not_fit_the_answer_or_a_long_comment_is_refused(client, info_page):
    location = vote(client, info_page, useful=True)["Location"]

    wrong = client.post(location, {"reason": "not_found"})
    long = client.post(location, {"comment": "x" * (COMMENT_MAX_LENGTH + 1)})

    assert "Scegli un&#x27;opzione valida." in wrong.content.decode()
    assert f"più di {COMMENT_MAX_LENGTH} caratteri" in long.content.decode()
    assert PageFeedback.objects.get().reason == ""


def test_bad_or_forged_token_is_not_found(client, info_page):
    location = vote(client, info_page, useful=True)["Location"]
    assert client.get(location[:-3] + "xx/").status_code == 404


def test_unknown_page_and_cross_site_post_are_refused_and_store_nothing(client, info_page, legal_pages):
    assert client.post(reverse("legal:feedback_vote"), {"page": 999999, "useful": "1"}).status_code == 400
    assert vote(client, legal_pages, useful=True).status_code == 400  # the home page has no block
    assert client.post(reverse("legal:feedback_vote"), {"page": info_page.pk}).status_code == 400
    assert vote(client, info_page, True, HTTP_ORIGIN="https://elsewhere.example").status_code == 403
    assert vote(client, info_page, True, HTTP_ORIGIN="http://testserver").status_code == 303
    assert PageFeedback.objects.count() == 1


def test_honeypot_filled_by_a_bot_is_sent_back_and_stores_nothing(client, info_page):
    response = vote(client, info_page, True, {"sito_web": "http://spam.example"})
    assert response.status_code == 303 and response["Location"] == info_page.url
    assert not PageFeedback.objects.exists()


def test_same_page_twice_counts_once_and_too_many_votes_are_rate_limited(client, info_page, legal_pages):
    assert vote(client, info_page, useful=True).status_code == 303
    again = vote(client, info_page, useful=False)
    assert again.status_code == 200 and "Hai già valutato questa pagina" in again.content.decode()
    assert PageFeedback.objects.count() == 1

    pages = []
    for number in range(VOTES_PER_HOUR):
        page = ContentPage(title=f"Pagina {number}", slug=f"pagina-{number}")
        legal_pages.add_child(instance=page)
        pages.append(page)
    statuses = [vote(client, page, useful=True).status_code for page in pages]
    # Every attempt counts against the hourly limit, the repeated one too.
    allowed = VOTES_PER_HOUR - 2
    assert statuses == [303] * allowed + [429] * (len(pages) - allowed)
    assert PageFeedback.objects.count() == 1 + allowed


def test_staff_report_counts_per_page_percent_useful_and_latest_comments(admin_client, info_page, legal_pages):
    other = ContentPage(title="Note legali", slug="note-legali")
    legal_pages.add_child(instance=other)
    PageFeedback.objects.bulk_create(
        [PageFeedback(page=info_page, useful=True)] * 3
        + [PageFeedback(page=info_page, useful=False, reason="unclear", comment="Troppo tecnico")]
        + [PageFeedback(page=other, useful=False)]
    )

    html = admin_client.get(reverse("legal_feedback_report")).content.decode()

    rows = re.findall(
        r"<tr>\s*<td><a [^>]*>([^<]+)</a></td>\s*<td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>\s*<td>(\d+)%", html
    )
    assert rows == [("Il progetto WISH MI", "4", "3", "1", "75"), ("Note legali", "1", "0", "1", "0")]
    assert "Troppo tecnico" in html and "Le informazioni non erano chiare" in html


def test_report_needs_the_view_permission(client, info_page, django_user_model):
    editor = django_user_model.objects.create_user("redattore", password="x", is_staff=True)
    from django.contrib.auth.models import Permission

    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    assert client.get(reverse("legal_feedback_report")).status_code in (302, 403)
    editor.user_permissions.add(Permission.objects.get(codename="view_pagefeedback"))
    editor = django_user_model.objects.get(pk=editor.pk)
    client.force_login(editor)
    assert client.get(reverse("legal_feedback_report")).status_code == 200


def test_city_editors_see_the_report_and_the_accessibility_reports(client, django_user_model, legal_pages):
    from django.contrib.auth.models import Group

    editor = django_user_model.objects.create_user("redazione", password="x", is_staff=True)
    editor.groups.add(Group.objects.get(name="Redazione del Comune"))
    client.force_login(editor)

    assert client.get(reverse("legal_feedback_report")).status_code == 200
    assert client.get(reverse("accessibility_feedback:index")).status_code == 200
