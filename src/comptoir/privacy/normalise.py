"""Normal forms of searchable values: what the blind index is computed over.

Two spellings of the same email, phone number, IBAN or name must give the
same index, so each kind has one normal form. Each function returns it or
raises ``NormalisationError`` (a ``ValueError``) for a value that is not one.
"""

import re
import unicodedata

import phonenumbers
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException


class NormalisationError(ValueError):
    """The value is not a valid one of its kind."""


_SPACES = re.compile(r"\s+")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def email(value: str) -> str:
    """Lower-case, the domain in IDNA (``Élodie@Café.fr`` → ``élodie@xn--caf-dma.fr``)."""
    value = value.strip()
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain or _SPACES.search(value):
        raise NormalisationError("not an email address")
    try:
        ascii_domain = domain.rstrip(".").lower().encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise NormalisationError("the email's domain is not a valid domain name") from exc
    ascii_domain = ascii_domain.lower()
    if not all(_LABEL.match(label) for label in ascii_domain.split(".")):
        raise NormalisationError("the email's domain is not a valid domain name")
    return f"{local.lower()}@{ascii_domain}"


# The spellings most files hold (French and Belgian numbers, national or
# E.164, spaced, dotted or dashed), read without phonenumbers' general parser,
# which costs 30-40 µs a number (an import reads one or two per row). Each
# gives exactly what the general path gives: tests/privacy/test_normalise.py
# compares both over every national prefix and length.
_SEPARATORS = str.maketrans("", "", " .-")
_NATIONAL = {
    "FR": (re.compile(r"0([1-9][0-9]{8})"), "+33"),
    "BE": (re.compile(r"0([1-9][0-9]{7,8})"), "+32"),
}
_E164 = re.compile(r"\+33[1-9][0-9]{8}|\+32[1-9][0-9]{7,8}")


def _plain_phone(value: str, region: str) -> str | None:
    compact = value.translate(_SEPARATORS)
    if _E164.fullmatch(compact):
        return compact
    national = _NATIONAL.get(region)
    if national is not None:
        match = national[0].fullmatch(compact)
        if match:
            return national[1] + match.group(1)
    return None


def phone(value: str, region: str = "FR") -> str:
    """E.164 (``06 12 34 56 78`` in France → ``+33612345678``); ``region`` for local forms."""
    plain = _plain_phone(value.strip(), region)
    if plain is not None:
        return plain
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise NormalisationError("not a phone number") from exc
    if not phonenumbers.is_possible_number(number):
        raise NormalisationError("not a possible phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def iban(value: str) -> str:
    """Compact and upper-case, check digits verified (``fr76 3000 …`` → ``FR763000…``)."""
    try:
        return IBAN(value).compact
    except SchwiftyException as exc:
        raise NormalisationError("not a valid IBAN") from exc


def _strip_marks(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name(value: str) -> str:
    """Case-folded, accents stripped, spaces collapsed (``Éloïse LE GUÉN`` → ``eloise le guen``)."""
    folded = _strip_marks(_strip_marks(value).casefold())
    result = _SPACES.sub(" ", folded).strip()
    if not result:
        raise NormalisationError("an empty name")
    return result


NORMALISERS = {"email": email, "phone": phone, "iban": iban, "name": name}
