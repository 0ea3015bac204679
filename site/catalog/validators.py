"""Validation of Italian tax codes and of uploaded PDF attachments."""

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale, iva

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def validate_partita_iva(value: str) -> None:
    """An 11-digit partita IVA with its check digit."""
    try:
        iva.validate(value)
    except StdnumError as error:
        raise ValidationError(
            _("La partita IVA non è valida: servono 11 cifre con la cifra di controllo corretta."),
            code="invalid_vat",
        ) from error


def validate_personal_tax_code(value: str) -> None:
    """A person's 16-character codice fiscale with its check character."""
    try:
        codicefiscale.validate(value)
    except StdnumError as error:
        raise ValidationError(
            _("Il codice fiscale non è valido: controlla i 16 caratteri e il carattere di controllo."),
            code="invalid_tax_code",
        ) from error


def validate_organisation_tax_code(value: str) -> None:
    """An organisation's codice fiscale: 11 digits (the partita IVA algorithm) or 16 characters (a sole trader)."""
    compact = value.strip().upper().replace(" ", "")
    if compact.isdigit():
        try:
            iva.validate(compact)
        except StdnumError as error:
            raise ValidationError(
                _("Il codice fiscale non è valido: le 11 cifre non hanno la cifra di controllo corretta."),
                code="invalid_tax_code",
            ) from error
        return
    validate_personal_tax_code(compact)


def validate_pdf(uploaded) -> None:
    """Accept only real PDF files up to 10 MB: the content is checked, never the file name.

    pypdf (about 18 MB resident) is imported here, on the first upload, not when a web worker starts.
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if uploaded.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("Il file «%(name)s» supera i 10 MB consentiti."), code="too_large", params={"name": uploaded.name}
        )
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    not_pdf = ValidationError(
        _("Il file «%(name)s» non è un PDF valido: sono ammessi solo documenti PDF."),
        code="not_pdf",
        params={"name": uploaded.name},
    )
    if not data.startswith(b"%PDF-"):
        raise not_pdf
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if len(reader.pages) < 1:
            raise not_pdf
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        raise not_pdf from error
