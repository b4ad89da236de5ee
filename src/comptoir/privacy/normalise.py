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


def phone(value: str, region: str = "FR") -> str:
    """E.164 (``06 12 34 56 78`` in France → ``+33612345678``); ``region`` for local forms."""
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
