"""The Elenco Milano 0-18: the public application form, staff review, approval and rejection side effects."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter
from wagtail.models import GroupPagePermission

from catalog import register
from catalog.constants import ApplicationStatus
from catalog.models import ProviderPage, RegisterApplication
from catalog.validators import MAX_ATTACHMENT_BYTES
from core.audit import history_for
from core.vocabularies import Category
from tests.calls import factories as calls_factories
from tests.catalog import factories

pytestmark = pytest.mark.django_db

APPLY_URL = "/elenco-milano-0-18/domanda/"


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf(name="statuto.pdf", content=None):
    return SimpleUploadedFile(name, content if content is not None else pdf_bytes(), "application/pdf")


def form_data(**overrides):
    data = {
        "organisation_name": "Teatro dei Ragazzi",
        "legal_form": "ets",
        "tax_code": factories.vat(7),
        "vat_number": "",
        "address": "Via Padova 10, Milano",
        "email": "segreteria@teatro.example.org",
        "phone": "02 1234567",
        "website": "",
        "representative_name": "Mario Rossi",
        "representative_tax_code": factories.REPRESENTATIVE_CF,
        "contact_email": "catalogo@teatro.example.org",
        "categories": ["arte", "scuola-plus"],
        "declares_honourability": "on",
        "declares_professional_capacity": "on",
        "declares_organisational_capacity": "on",
        "attachment_statute": pdf(),
        "attachment_profile": pdf("curriculum.pdf"),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture(autouse=True)
def open_call(home_page):
    """The register form is open only during its call's windows: here, one is in progress."""
    return calls_factories.open_register_call(home_page)


@pytest.fixture
def application(home_page):
    return factories.RegisterApplicationFactory(declared=True, categories=[Category.ARTE])


def test_valid_application_is_stored_with_categories_attachments_and_log(client, home_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client.post(APPLY_URL, form_data())
    assert response.status_code == 302
    application = RegisterApplication.objects.get()
    assert application.status == ApplicationStatus.SUBMITTED
    assert sorted(application.categories.values_list("category", flat=True)) == ["arte", "scuola-plus"]
    assert application.attachments.count() == 2
    assert list(history_for(application).values_list("action", "from_state", "to_state", "actor_label")) == [
        ("catalog.application.submitted", "", "submitted", "richiedente")
    ]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"tax_code": "01234567890"}, "tax_code", "Il codice fiscale non è valido"),
        ({"tax_code": "RSSMRA85T10F205X"}, "tax_code", "Il codice fiscale non è valido"),
        ({"vat_number": "12345678901"}, "vat_number", "La partita IVA non è valida"),
        ({"representative_tax_code": "RSSMRA85T10F205A"}, "representative_tax_code", "Il codice fiscale non è valido"),
        (
            {"attachment_statute": SimpleUploadedFile("statuto.pdf", b"PK\x03\x04 a zip renamed", "application/pdf")},
            "attachment_statute",
            "non è un PDF valido",
        ),
        (
            {"attachment_statute": SimpleUploadedFile("rotto.pdf", b"%PDF-1.7\nnot really a pdf", "application/pdf")},
            "attachment_statute",
            "non è un PDF valido",
        ),
        (
            {"attachment_profile": pdf("grande.pdf", pdf_bytes() + b"\0" * MAX_ATTACHMENT_BYTES)},
            "attachment_profile",
            "supera i 10 MB consentiti",
        ),
        ({"declares_honourability": None}, "declares_honourability", "La dichiarazione è obbligatoria"),
        ({"categories": None}, "categories", "Scegli almeno una categoria."),
    ],
)
def test_invalid_applications_show_italian_errors_and_keep_what_was_typed(client, home_page, overrides, field, message):
    response = client.post(APPLY_URL, form_data(**overrides))
    assert response.status_code == 200
    assert RegisterApplication.objects.count() == 0
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    html = response.content.decode()
    assert message in html
    assert 'value="Teatro dei Ragazzi"' in html
    assert "i file PDF allegati vanno selezionati di nuovo" in html
    assert f'id="{field}-errors"' in html
    assert f'aria-describedby="{field}-errors"' in html


def test_approval_creates_page_group_user_and_sends_a_working_invitation(
    client, tree, application, django_capture_on_commit_callbacks
):
    editor = factories.editor()
    with django_capture_on_commit_callbacks(execute=True):
        page = register.approve(application, by=editor)

    page = ProviderPage.objects.get(pk=page.pk)
    assert page.get_parent().pk == tree["index"].pk
    assert page.legal_name == "Teatro dei Ragazzi"
    assert [c.category for c in page.categories.all()] == ["arte"]
    assert page.get_workflow().name == "Revisione del Comune"

    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    user = application.provider_user
    assert not user.has_usable_password()
    group = user.groups.get()
    perms = GroupPagePermission.objects.filter(group=group)
    assert {(p.page_id, p.permission.codename) for p in perms} == {(page.pk, "add_page"), (page.pk, "change_page")}
    assert page.permissions_for_user(user).can_edit()
    assert not page.permissions_for_user(user).can_publish()
    assert not tree["categories"][Category.ARTE].permissions_for_user(user).can_edit()

    transition = history_for(application).get(to_state=ApplicationStatus.APPROVED)
    assert (transition.action, transition.from_state, transition.actor) == (
        "catalog.application.approved",
        ApplicationStatus.SUBMITTED,
        editor,
    )

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["catalogo@teatro.example.org"]
    assert user.username in email.body
    link = re.search(r"http://testserver(\S+)", email.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    response = client.post(set_url, {"new_password1": "Teatro-2026-sicura", "new_password2": "Teatro-2026-sicura"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Teatro-2026-sicura")


def test_approval_is_all_or_nothing(tree, application, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("group creation failed")

    monkeypatch.setattr(register, "grant_provider_permissions", broken)
    with pytest.raises(RuntimeError):
        register.approve(application, by=factories.editor())
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert not ProviderPage.objects.exists()
    assert not get_user_model().objects.filter(email="catalogo@teatro.example.org").exists()


def test_rejection_emails_the_reason_and_is_logged(tree, application, django_capture_on_commit_callbacks):
    editor = factories.editor()
    with pytest.raises(ValidationError):
        register.reject(application, by=editor, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        register.reject(application, by=editor, reason="Manca lo statuto firmato.")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert mail.outbox[0].to == ["segreteria@teatro.example.org"]
    assert "Manca lo statuto firmato." in mail.outbox[0].body
    transition = history_for(application).get()
    assert (transition.to_state, transition.actor) == ("rejected", editor)
    assert transition.reason == "Manca lo statuto firmato."
    with pytest.raises(ValidationError):
        register.approve(application, by=editor)


def test_staff_review_in_the_admin(client, tree, application):
    factories.RegisterApplicationFactory(
        organisation_name="Polisportiva Navigli",
        legal_form="associazione",
        number=8,
        address="Via Novara 1",
        email="a@example.org",
        representative_name="Anna Bianchi",
        contact_email="b@example.org",
        categories=[Category.SPORT],
    )
    client.force_login(factories.editor())
    listing = client.get(reverse("register_applications:index"), {"category": "arte", "status": "submitted"})
    assert listing.status_code == 200
    assert "Teatro dei Ragazzi" in listing.content.decode()
    assert "Polisportiva Navigli" not in listing.content.decode()

    inspect = client.get(reverse("register_applications:inspect", args=[application.pk]))
    assert inspect.status_code == 200
    assert "Approva" in inspect.content.decode()

    response = client.post(reverse("register_applications:reject", args=[application.pk]), {"reason": ""})
    assert response.status_code == 200
    assert "Indica il motivo del rigetto" in response.content.decode()

    response = client.post(reverse("register_applications:approve", args=[application.pk]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    assert client.get(reverse("register_applications:edit", args=[application.pk])).status_code in (302, 403)


def test_providers_cannot_review_applications(client, tree, application):
    provider = factories.provider(tree["index"])
    client.force_login(factories.provider_user("ente", provider))
    response = client.post(reverse("register_applications:approve", args=[application.pk]))
    assert response.status_code in (302, 403)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
