"""Validation of Italian tax codes and of uploaded PDF attachments."""

import io
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.it import codicefiscale, iva

from core.validators import check_number

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def validate_partita_iva(value: str) -> None:
    """An 11-digit partita IVA with its check digit."""
    check_number(
        iva.validate,
        value,
        _("La partita IVA non è valida: servono 11 cifre con la cifra di controllo corretta."),
        "invalid_vat",
    )


def validate_personal_tax_code(value: str) -> None:
    """A person's 16-character codice fiscale with its check character."""
    check_number(
        codicefiscale.validate,
        value,
        _("Il codice fiscale non è valido: controlla i 16 caratteri e il carattere di controllo."),
        "invalid_tax_code",
    )


def validate_organisation_tax_code(value: str) -> None:
    """An organisation's codice fiscale: 11 digits (the partita IVA algorithm) or 16 characters (a sole trader)."""
    compact = value.strip().upper().replace(" ", "")
    if compact.isdigit():
        check_number(
            iva.validate,
            compact,
            _("Il codice fiscale non è valido: le 11 cifre non hanno la cifra di controllo corretta."),
            "invalid_tax_code",
        )
        return
    validate_personal_tax_code(compact)


# PDF names that run something when the file is opened or touched: scripts and automatic actions.
ACTIVE_PDF_NAMES = {"/JavaScript", "/JS", "/OpenAction", "/AA", "/Launch"}
ACTIVE_PDF_BYTES = re.compile(rb"/(?:JavaScript|JS|OpenAction|AA|Launch)(?=[\s/<>\[\]()%{}]|$)")
MAX_PDF_OBJECTS = 200_000


def _has_active_content(reader) -> bool:
    """Walk every object reachable from the trailer (object streams and name escapes decoded by pypdf)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen, stack, budget = set(), [reader.trailer], MAX_PDF_OBJECTS
    while stack:
        budget -= 1
        if budget < 0:
            return True  # too many objects to check: refused rather than trusted
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            if ACTIVE_PDF_NAMES.intersection(obj.keys()) or obj.get("/S") in ("/JavaScript", "/Launch"):
                return True
            stack.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)
    return False


def check_pdf_content(data: bytes, name: str) -> None:
    """Refuse what is not a readable PDF, or a PDF carrying JavaScript or automatic actions (/OpenAction, /AA).

    Raises ValidationError with code "not_pdf" or "active_pdf" and an Italian message naming the file.
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    not_pdf = ValidationError(
        _("Il file «%(name)s» non è un PDF valido: sono ammessi solo documenti PDF."),
        code="not_pdf",
        params={"name": name},
    )
    if not data.startswith(b"%PDF-"):
        raise not_pdf
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if len(reader.pages) < 1:
            raise not_pdf
        active = ACTIVE_PDF_BYTES.search(data) is not None or _has_active_content(reader)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError) as error:
        raise not_pdf from error
    if active:
        raise ValidationError(
            _(
                "Il file «%(name)s» contiene JavaScript o azioni automatiche (/OpenAction, /AA): per sicurezza non "
                "è accettato. Salva di nuovo il documento come PDF semplice (ad esempio con «Stampa in PDF») e "
                "caricalo ancora."
            ),
            code="active_pdf",
            params={"name": name},
        )


def validate_pdf(uploaded) -> None:
    """Accept only real PDF files up to 10 MB, without scripts: the content is checked, never the file name."""
    if uploaded.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("Il file «%(name)s» supera i 10 MB consentiti."), code="too_large", params={"name": uploaded.name}
        )
    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    check_pdf_content(data, uploaded.name)
