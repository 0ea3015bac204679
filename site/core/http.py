"""HTTP answers shared by the apps' views."""

from django.http import HttpResponse


def attachment(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    """A file to download (never shown in the browser): `content` under `filename` (ASCII, no quotes), its type
    stated and not to be sniffed."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
