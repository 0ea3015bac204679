"""Checks of official numbers (codice fiscale, partita IVA) through python-stdnum, refused in the site's words."""

from django.core.exceptions import ValidationError
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError


def check_number(validate, value: str, message: str, code: str, *, checksum: tuple[str, str] | None = None) -> str:
    """Run a python-stdnum `validate(value)` (e.g. `stdnum.it.iva.validate`) and return what it returns.

    Any refusal of python-stdnum becomes Django's ValidationError(message, code=code); with `checksum`
    ((message, code)), a wrong check character (InvalidChecksum) is refused in those words instead.
    """
    try:
        return validate(value)
    except InvalidChecksum as error:
        if checksum is None:
            raise ValidationError(message, code=code) from error
        raise ValidationError(checksum[0], code=checksum[1]) from error
    except StdnumError as error:
        raise ValidationError(message, code=code) from error
