"""Private uploads: register attachments and message attachments.

They live in the storage named "private" (`settings.PRIVATE_MEDIA_ROOT`, a folder outside `MEDIA_ROOT`, so no web
server configured for /media/ can reach them), under a random stored name whose extension comes from the checked
content, never from the uploaded name. They have no public URL: each is served by a view that first checks who
asks, through `private_file_response` (download only, `nosniff`, the type read from the stored bytes).
Public page images and documents stay in Wagtail's public storage.
"""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import models
from django.http import FileResponse, Http404
from django.utils.functional import cached_property
from django.utils.text import slugify


@dataclass(frozen=True)
class FileKind:
    """What a file is, judged from its first bytes: the MIME type it is served as, the extension it is stored with."""

    content_type: str
    extension: str


PDF = FileKind("application/pdf", ".pdf")
PNG = FileKind("image/png", ".png")
JPEG = FileKind("image/jpeg", ".jpg")
UNKNOWN = FileKind("application/octet-stream", ".bin")
SIGNATURES = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))


def kind_of(head: bytes) -> FileKind:
    """The kind whose signature `head` (the file's first 8 bytes or more) starts with; UNKNOWN otherwise."""
    return next((kind for signature, kind in SIGNATURES if head.startswith(signature)), UNKNOWN)


def sniff(fileobj) -> FileKind:
    """The kind of an open file (an upload, a FieldFile), read from its first bytes; its position is kept."""
    position = fileobj.tell()
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(position)
    return kind_of(head)


class PrivateFileSystemStorage(FileSystemStorage):
    """The local private storage: `PRIVATE_MEDIA_ROOT` (read when first used, so tests can move it); no URLs."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise NotImplementedError("Private files have no public URL: serve them with private_file_response().")


def private_storage():
    """The storage private uploads go to (settings.STORAGES["private"]); a callable, so migrations do not hold it."""
    return storages["private"]


class PrivateFileField(models.FileField):
    """A file in the private storage, stored as `<upload_to>/<random hex><extension of its checked content>`.

    The uploaded name is never kept: «fattura.html» whose bytes are a PDF is stored as «….pdf», and content of
    no accepted kind as «….bin» (served as application/octet-stream).
    """

    def __init__(self, *args, **kwargs):
        kwargs["storage"] = private_storage
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("storage", None)  # always the private storage
        return name, path, args, kwargs

    def generate_filename(self, instance, filename):
        kind = sniff(getattr(instance, self.attname))
        return super().generate_filename(instance, f"{uuid.uuid4().hex}{kind.extension}")


def private_file_response(fieldfile, title: str) -> FileResponse:
    """Serve a private file as a download, after the caller has checked who asks.

    The type comes from the stored bytes (PDF, PNG, JPEG, else application/octet-stream), the download name from
    `title` plus the matching extension; `X-Content-Type-Options: nosniff` stops browsers from guessing HTML.
    A missing file answers 404.
    """
    if not fieldfile:
        raise Http404
    try:
        handle = fieldfile.storage.open(fieldfile.name, "rb")
    except FileNotFoundError as error:
        raise Http404 from error
    kind = sniff(handle)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{slugify(title)[:80] or 'allegato'}{kind.extension}",
        content_type=kind.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def move_to_private(model, field: str, folder: str) -> int:
    """Data migrations: move each row's file from the default (public) storage into the private one.

    The new name is random with the extension of the content; the row is updated, then the public copy removed.
    Rows whose file is already private or missing keep their reference. Returns how many files moved.
    """
    public, private = storages["default"], private_storage()
    moved = 0
    for pk, name in model.objects.exclude(**{field: ""}).values_list("pk", field):
        if private.exists(name) or not public.exists(name):
            continue
        with public.open(name, "rb") as source:
            kind = sniff(source)
            new_name = private.save(f"{folder}/{uuid.uuid4().hex}{kind.extension}", source)
        model.objects.filter(pk=pk).update(**{field: new_name})
        public.delete(name)
        moved += 1
    return moved
