"""The Italian codice fiscale: format, check character and consistency with a birth date."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale

from core.validators import check_number


def normalise_fiscal_code(value: str) -> str:
    """Upper case without spaces; SAML brokers also send it as 'TINIT-<code>'."""
    value = (value or "").strip().upper()
    if value.startswith("TINIT-"):
        value = value[len("TINIT-") :]
    return codicefiscale.compact(value)


def validate_fiscal_code(value: str) -> None:
    """A person's codice fiscale (16 characters, correct check character); company numbers are refused."""
    code = normalise_fiscal_code(value)
    if len(code) != 16:
        raise ValidationError(
            _("Il codice fiscale di una persona ha 16 caratteri (ne sono stati inseriti %(count)d)."),
            code="length",
            params={"count": len(code)},
        )
    check_number(
        codicefiscale.validate,
        code,
        _("Il codice fiscale non è valido: controlla lettere e cifre."),
        "invalid",
        checksum=(
            _("Il carattere di controllo del codice fiscale non è corretto: controlla di averlo scritto bene."),
            "checksum",
        ),
    )


def fiscal_code_matches_birth_date(code: str, birth_date: datetime.date) -> bool:
    """The code holds day, month and the last two digits of the year of birth (women's day + 40)."""
    try:
        encoded = codicefiscale.get_birth_date(normalise_fiscal_code(code), minyear=birth_date.year - 99)
    except (StdnumError, ValueError):
        return False
    return encoded == birth_date
