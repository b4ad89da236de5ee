"""Validation and normalisation of French and Belgian business identifiers.

Each function returns the compact form or raises ``django.core.exceptions.
ValidationError`` with a message fit for a form field, never quoting the
value. python-stdnum does the checking (check digits, lengths, prefixes).
Two mistakes get two messages: a value of the wrong length or characters
(code ``invalid``), and a value of the right shape whose check digits do not
match (code ``checksum``: a typo, most often). The forms, the API and the
importer all show these messages.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.be import vat as be_vat
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret
from stdnum.fr import tva as fr_tva


def compact(value: str) -> str:
    """Drop the spaces, dots and dashes people write identifiers with."""
    return "".join(c for c in value if c not in " .-\t").upper()


def _check(module, value: str, shape: str, checksum: str) -> str:
    """``module.validate(value)``; ``shape`` when the length or the characters are
    wrong, ``checksum`` when the shape is right but the check digits are not."""
    try:
        return module.validate(value)
    except InvalidChecksum as exc:
        raise ValidationError(checksum, code="checksum") from exc
    except StdnumError as exc:
        raise ValidationError(shape, code="invalid") from exc


def siren(value: str) -> str:
    return _check(
        fr_siren,
        value,
        _("Enter a valid SIREN (9 digits)."),
        _("This SIREN has 9 digits but its check digit is wrong: look for a typo."),
    )


def siret(value: str) -> str:
    return _check(
        fr_siret,
        value,
        _("Enter a valid SIRET (14 digits)."),
        _("This SIRET has 14 digits but its check digit is wrong: look for a typo."),
    )


def be_enterprise_number(value: str) -> str:
    """The Belgian enterprise number (BCE/KBO), 10 digits such as 0403.170.701."""
    checked = _check(
        be_vat,
        value,
        _("Enter a valid Belgian enterprise number (10 digits, such as 0403.170.701)."),
        _("The check digits of this Belgian enterprise number are wrong: look for a typo."),
    )
    return checked.removeprefix("BE")


def vat_number(value: str, country: str) -> str:
    """An intra-community VAT number of France (FR..) or Belgium (BE..)."""
    value = compact(value)
    if country == "FR":
        checked = _check(
            fr_tva,
            value,
            _("Enter a valid French VAT number (FR + 11 characters)."),
            _("The key of this French VAT number does not match its SIREN: look for a typo."),
        )
        return checked if checked.startswith("FR") else f"FR{checked}"
    if country == "BE":
        checked = _check(
            be_vat,
            value,
            _("Enter a valid Belgian VAT number (BE + 10 digits)."),
            _("The check digits of this Belgian VAT number are wrong: look for a typo."),
        )
        return checked if checked.startswith("BE") else f"BE{checked}"
    raise ValidationError(_("Only French and Belgian VAT numbers are handled."), code="country")


def validate_bic(value: str) -> None:
    """A BIC (ISO 9362): 8 or 11 characters, a bank code and a known country
    (checked by schwifty). The message never quotes the value."""
    try:
        BIC(value)
    except SchwiftyException as exc:
        raise ValidationError(
            _("Enter a valid BIC (8 or 11 letters and digits)."), code="invalid"
        ) from exc


def validate_iban(value: str) -> None:
    """An IBAN (checked by schwifty: country, length, check digits). The
    message never quotes the value."""
    try:
        IBAN(value)
    except SchwiftyException as exc:
        raise ValidationError(_("Enter a valid IBAN."), code="invalid") from exc
