"""Every form that collects personal data links the privacy notice of its processing.

Two complementary checks: a walk of the rendered form pages (the link is there and leads to a live notice),
and a scan of the templates (a new form collecting data cannot be added without its notice, or an explicit
reason here why it needs none).
"""

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.urls import reverse

from booking import marketplace
from legal.models import PrivacyNoticePage, Processing
from tests.booking.factories import ChildFactory, accepted_order, make_request, service_setup
from tests.calls.factories import open_register_call
from tests.catalog import factories as catalog

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)


def notice_links(html: str) -> set[str]:
    """The privacy notices (processing codes) linked from the page, found by following their URLs."""
    urls = {notice.url: notice.processing for notice in PrivacyNoticePage.objects.live()}
    soup = BeautifulSoup(html, "html.parser")
    return {urls[a["href"]] for a in soup.select("a[href]") if a["href"] in urls}


def data_forms(html: str) -> list:
    """The POST forms of the page that have a field a person types into or chooses (not only buttons)."""
    soup = BeautifulSoup(html, "html.parser")
    forms = []
    for form in soup.select("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        fields = [
            field
            for field in form.select("input, textarea, select")
            if field.get("type") not in ("hidden", "submit", "button") and field.get("name") != "sito_web"
        ]
        if fields or form.select("button[name=useful]"):
            forms.append(form)
    return forms


@pytest.fixture
def site(legal_pages):
    provider, service, staff = service_setup(legal_pages)
    open_register_call(legal_pages)  # the register form shows during its call's windows
    child = ChildFactory()
    request = make_request(service, child=child)
    # The completed order is for another service: one open request per service and child.
    order = accepted_order(catalog.service(provider, title="Coro di voci bianche"), staff, price="0.00", child=child)
    marketplace.complete_order(order, actor=staff)
    return {"service": service, "child": child, "request": request, "order": order}


def form_pages(site) -> list[tuple[str, str, bool]]:
    """(label, URL, signed in as the family) of every page with a form that collects personal data."""
    service, request, order = site["service"], site["request"], site["order"]
    return [
        ("accesso", reverse("account_login"), False),
        ("registrazione", reverse("account_signup"), False),
        ("recupero della password", reverse("account_reset_password"), False),
        ("domanda di iscrizione all'Elenco", reverse("catalog:register_apply"), False),
        ("segnalazione di accessibilità", reverse("legal:accessibility_feedback"), False),
        ("valuta questo servizio", service.url, False),
        ("profilo della famiglia", reverse("booking:profile"), True),
        ("dati di una figlia o un figlio", reverse("booking:child_add"), True),
        ("modifica di una figlia o un figlio", reverse("booking:child_edit", args=[site["child"].pk]), True),
        ("richiesta di un servizio", f"{reverse('booking:request_new')}?servizio={service.pk}", True),
        ("messaggio all'ente", reverse("booking:request", args=[request.pk]), True),
        ("giudizio sul servizio", reverse("booking:order", args=[order.pk]), True),
    ]


EXPECTED = {
    "domanda di iscrizione all'Elenco": Processing.PROVIDER_REGISTER,
    "segnalazione di accessibilità": Processing.VISITORS,
    "valuta questo servizio": Processing.VISITORS,
}


def test_every_form_that_collects_personal_data_links_its_privacy_notice(client, site):
    missing = []
    for label, url, signed_in in form_pages(site):
        if signed_in:
            client.force_login(site["child"].guardian.user)
        else:
            client.logout()
        response = client.get(url)
        assert response.status_code == 200, (label, url, response.status_code)
        html = response.content.decode()
        assert data_forms(html), f"{label}: no form collecting data at {url}"
        expected = EXPECTED.get(label, Processing.FAMILIES)
        if expected not in notice_links(html):
            missing.append((label, url))
    assert missing == []


def test_each_processing_has_one_live_notice_with_every_article_13_section(client, legal_pages):
    notices = PrivacyNoticePage.objects.live()
    assert sorted(notices.values_list("processing", flat=True)) == sorted(Processing.values)
    for notice in notices:
        html = client.get(notice.url).content.decode()
        for heading in (
            "Titolare del trattamento",
            "Responsabile della protezione dei dati",
            "Perché trattiamo i tuoi dati",
            "Su quale base giuridica",
            "Quali dati trattiamo",
            "Chi può vedere i dati",
            "Per quanto tempo li conserviamo",
            "I tuoi diritti e come esercitarli",
        ):
            assert f">{heading}</h2>" in html, (notice.processing, heading)
        assert "Comune di Milano" in html and "dpo@comune.milano.it" in html


def test_family_notices_send_to_the_family_area_for_export_and_erasure(client, legal_pages):
    family_area = f'href="{reverse("booking:family")}"'
    for notice in PrivacyNoticePage.objects.live():
        html = client.get(notice.url).content.decode()
        assert (family_area in html) == (notice.processing in (Processing.FAMILIES, Processing.VOUCHER_CALL))


def test_voucher_call_notice_explains_the_substitute_codes_of_the_ranking(client, legal_pages):
    html = client.get(PrivacyNoticePage.objects.get(processing=Processing.VOUCHER_CALL).url).content.decode()
    assert "codice sostitutivo" in html and "D.Lgs. 33/2013" in html
    assert "ISEE" in html and "minorenni" in html


# Templates with a POST form and what makes it need no notice of its own.
NO_NOTICE_NEEDED = {
    "site/booking/templates/account/logout.html": "only a confirmation button",
    "site/booking/templates/account/email_confirm.html": "only a confirmation button",
    "site/booking/templates/booking/basket.html": "buttons on services already chosen",
    "site/booking/templates/booking/order_detail.html#pay": "payment choice, the rating form on the page links it",
    "site/booking/templates/booking/includes/service_booking.html": "a button adding a service to the selection",
    "site/booking/templates/booking/base.html": "the sign-out button",
    "theme/templates/theme/components/language_switch.html": "the language switch",
    "theme/templates/base.html": "the site search (GET)",
    "site/settlement/templates/settlement/payment_details.html": "a Wagtail admin page for provider and City staff",
    "site/settlement/templates/settlement/voucher_wallet.html": "a Wagtail admin page for the voucher office",
    "site/settlement/templates/settlement/voucher_disputes.html": "a Wagtail admin page for the voucher office",
    "site/booking/templates/booking/order_pay_review.html": "hidden fields repeating the payment choice, one button",
}
FIELD = re.compile(r"form_fields\.html|<textarea|<select|type=\"(?:text|email|tel|file|radio|checkbox)\"|\{\{ field")


def test_every_template_form_with_fields_carries_a_privacy_notice():
    """A scan of the public templates: a POST form with input fields and no notice fails, unless listed above."""
    unexplained = []
    for path in sorted([*ROOT.glob("site/*/templates/**/*.html"), *ROOT.glob("theme/templates/**/*.html")]):
        relative = path.relative_to(ROOT).as_posix()
        if "/admin/" in relative or relative in NO_NOTICE_NEEDED:
            continue
        text = path.read_text(encoding="utf-8")
        if 'method="post"' not in text or not FIELD.search(text):
            continue
        if "privacy_notice" not in text and "notice_url" not in text:
            unexplained.append(relative)
    assert unexplained == []
