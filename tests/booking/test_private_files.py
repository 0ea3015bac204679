"""Private uploads (register and message attachments): private storage, checked content, served only to who may see."""

import io
from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from booking.models import Message
from catalog import register
from catalog.models import ApplicationAttachment, RegisterApplication
from config.private_files import move_to_private
from tests.booking.factories import ChildFactory, make_request, service_setup
from tests.calls.factories import open_register_call
from tests.catalog import factories as catalog
from tests.catalog.test_register import APPLY_URL, form_data, pdf_bytes
from tests.conftest import build_home_page, module_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def folders(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings


def _pdf(mutate) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    mutate(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _javascript(writer):
    """Document-level JavaScript in the name tree, run when the file opens (no /OpenAction involved)."""
    script = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('ciao');")}
    )
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("s"), writer._add_object(script)])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})


def _open_action(writer):
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)


def _page_additional_action(writer):
    uri = DictionaryObject({NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject("http://x")})
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(uri)})


ACTIVE_PDFS = [
    pytest.param(_javascript, id="javascript"),
    pytest.param(_open_action, id="open-action"),
    pytest.param(_page_additional_action, id="page-aa"),
]


def _world() -> dict:
    """A provider's service with a family's request on it, and the register's call."""
    home = build_home_page()
    provider, service, staff = service_setup(home)
    return {
        "provider": provider,
        "service": service,
        "staff": staff,
        "register_call": open_register_call(home),
        "thread": make_request(service, child=ChildFactory(first_name="Giacomo")),
    }


# Built once for the module: fresh instances for each test, whose changes roll back with it.
_world_keys, world = module_world(_world)


@pytest.fixture
def market(world):
    return {name: world[name] for name in ("provider", "service", "staff")}


@pytest.fixture
def register_open(world):
    """The register form takes applications only during its call's windows: here, one is in progress."""
    return world["register_call"]


@pytest.fixture
def thread(world):
    """Giacomo's family's request on the provider's service."""
    return world["thread"]


def _post_message(client, request, name: str, content: bytes, content_type="application/pdf"):
    client.force_login(request.guardian.user)
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(reverse("booking:request", args=[request.pk]), {"body": "Ecco", "attachment": upload})


def test_pdf_named_html_is_stored_as_pdf_outside_media_and_served_as_a_download(client, thread, folders):
    content = pdf_bytes()
    _post_message(client, thread, "fattura.html", content, content_type="text/html")
    message = Message.objects.get()
    assert message.attachment.name.endswith(".pdf")
    assert "fattura" not in message.attachment.name
    stored = Path(storages["private"].path(message.attachment.name))
    assert stored.read_bytes() == content
    assert not stored.resolve().is_relative_to(Path(folders.MEDIA_ROOT).resolve())
    assert not any(Path(folders.MEDIA_ROOT).rglob("*")) if Path(folders.MEDIA_ROOT).exists() else True

    response = client.get(reverse("booking:attachment", args=[message.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="allegato-{message.pk}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == content


def test_html_that_starts_like_a_pdf_is_refused(client, thread):
    page = b"%PDF-1.7\n<html><script>alert(document.cookie)</script></html>"
    response = _post_message(client, thread, "fattura.html", page, content_type="text/html")
    assert "non è un PDF valido" in response.text
    assert not Message.objects.exists()


def test_an_image_that_is_not_one_is_refused(client, thread):
    response = _post_message(client, thread, "foto.png", b"\x89PNG\r\n\x1a\n<script>x</script>", "image/png")
    assert "non è un file JPEG o PNG" in response.text
    assert not Message.objects.exists()


@pytest.mark.parametrize("mutate", ACTIVE_PDFS)
def test_pdf_with_javascript_or_automatic_action_is_refused_in_messages(client, thread, mutate):
    response = _post_message(client, thread, "modulo.pdf", _pdf(mutate))
    assert response.status_code == 200
    assert "contiene JavaScript o azioni automatiche" in response.text
    assert not Message.objects.exists()


@pytest.mark.parametrize("mutate", ACTIVE_PDFS)
def test_pdf_with_javascript_or_automatic_action_is_refused_in_register_applications(client, register_open, mutate):
    upload = SimpleUploadedFile("statuto.pdf", _pdf(mutate), "application/pdf")
    response = client.post(APPLY_URL, form_data(attachment_statute=upload))
    assert response.status_code == 200
    assert "contiene JavaScript o azioni automatiche" in response.text
    assert not RegisterApplication.objects.exists()


def test_register_attachment_is_private_with_a_safe_name(client, register_open):
    upload = SimpleUploadedFile("statuto.pdf.html", pdf_bytes(), "text/html")
    assert client.post(APPLY_URL, form_data(attachment_statute=upload)).status_code == 302
    names = list(ApplicationAttachment.objects.values_list("file", flat=True))
    assert len(names) == 2 and all(name.startswith("elenco/") and name.endswith(".pdf") for name in names)
    assert all(storages["private"].exists(name) for name in names)
    with pytest.raises(NotImplementedError):
        ApplicationAttachment.objects.first().file.url  # noqa: B018 — private files have no public URL


def test_register_attachment_access_owner_city_staff_and_outsiders(client, market, register_open):
    client.post(APPLY_URL, form_data())
    application = RegisterApplication.objects.get()
    attachment = application.attachments.first()
    url = reverse("register_applications:attachment", args=[attachment.pk])
    inspect = reverse("register_applications:inspect", args=[application.pk])

    client.force_login(catalog.editor())
    assert url in client.get(inspect).text
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="statuto-o-atto-costitutivo.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"

    register.approve(application, by=catalog.editor("capo"))
    application.refresh_from_db()
    client.force_login(application.provider_user)
    assert client.get(url).status_code == 200

    other = catalog.provider(market["provider"].get_parent(), "Altro ente", number=3)
    client.force_login(catalog.provider_user("altro", other))
    assert client.get(url).status_code == 404

    client.force_login(ChildFactory().guardian.user)
    assert client.get(url).status_code in (302, 403)
    client.logout()
    assert client.get(url).status_code == 302


def test_message_attachment_access_family_provider_city_staff_and_outsiders(client, market, thread, admin_user):
    _post_message(client, thread, "certificato.pdf", pdf_bytes())
    message = Message.objects.get()
    family_url = reverse("booking:attachment", args=[message.pk])
    provider_url = reverse("booking_provider_attachment", args=[message.pk])

    assert client.get(family_url).status_code == 200
    client.force_login(market["staff"])
    assert client.get(provider_url).status_code == 200
    client.force_login(admin_user)
    assert client.get(provider_url).status_code == 200

    outsiders = [
        ChildFactory().guardian.user,
        catalog.provider_user("altro", catalog.provider(market["provider"].get_parent(), "Altro", number=3)),
        catalog.editor(),
    ]
    for outsider in outsiders:
        client.force_login(outsider)
        assert client.get(family_url).status_code == 404
        assert client.get(provider_url).status_code in (302, 403, 404)
    client.logout()
    assert client.get(family_url).status_code == 302


def test_existing_public_attachments_move_to_the_private_storage(client, thread, folders):
    """The data migration's step: a file uploaded before, under MEDIA_ROOT with its uploaded name."""
    content = pdf_bytes()
    public = storages["default"]
    old_name = public.save(f"booking/requests/{thread.pk}/fattura.html", io.BytesIO(content))
    message = Message.objects.create(
        request=thread, sender=thread.guardian.user, from_family=True, body="x", attachment=old_name
    )

    assert move_to_private(Message, "attachment", "messaggi/migrati") == 1

    message.refresh_from_db()
    assert message.attachment.name.startswith("messaggi/migrati/") and message.attachment.name.endswith(".pdf")
    assert not public.exists(old_name)
    client.force_login(thread.guardian.user)
    response = client.get(reverse("booking:attachment", args=[message.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == content
    assert move_to_private(Message, "attachment", "messaggi/migrati") == 0
