"""Electronic invoicing addresses (EN 16931 BT-34 / BT-49): a scheme from the
EAS code list and an identifier in that scheme, written "SCHEME:VALUE"
(``0208:0403170701``, ``0225:912345675``, ``0009:91234567500017``,
``EM:compta@example.fr``).

A party's address is the one it gave explicitly (``Party.einvoice_address``
on the model side) or, when it gave none, the one its country's network
derives from its registration number:

* France: the directory of the 2026 reform (annuaire PPF), scheme ``0225``,
  addressed by SIREN (what BR-FR-21 expects of a B2B buyer);
* Belgium: Peppol, scheme ``0208``, addressed by the enterprise number.

Pure functions on strings: no model, no database.
"""

from __future__ import annotations

import re

from stdnum import luhn
from stdnum.be import vat as be_vat


def _codes(text: str) -> frozenset[str]:
    return frozenset(text.split())


# EAS (Electronic Address Scheme) codes accepted by EN 16931 (CEN validation
# artefacts 1.3.16), the Peppol and French CTC lists being subsets of it.
EAS_CODES = _codes(
    """
    0002 0007 0009 0037 0060 0088 0096 0097 0106 0130 0135 0142 0147 0151 0154
    0158 0170 0177 0183 0184 0188 0190 0191 0192 0193 0194 0195 0196 0198 0199
    0200 0201 0202 0203 0204 0205 0208 0209 0210 0211 0212 0213 0215 0216 0217
    0218 0219 0220 0221 0225 0230 0235 0240 0242 0244 0245 0246 0248 9910 9913
    9914 9915 9918 9919 9920 9922 9923 9924 9925 9926 9927 9928 9929 9930 9931
    9932 9933 9934 9935 9936 9937 9938 9939 9940 9941 9942 9943 9944 9945 9946
    9947 9948 9949 9950 9951 9952 9953 9957 9959 AN AQ AS AU EM
    """
)
# The schemes a Peppol participant can be addressed by (Peppol BIS Billing
# 3.0.19, PEPPOL-EN16931-CL008): no e-mail (EM), no AN/AQ/AS/AU.
PEPPOL_EAS_CODES = _codes(
    """
    0002 0007 0009 0037 0060 0088 0096 0097 0106 0130 0135 0142 0147 0151 0154
    0158 0170 0177 0183 0184 0188 0190 0191 0192 0193 0194 0195 0196 0198 0199
    0200 0201 0202 0203 0204 0205 0208 0209 0210 0211 0212 0213 0215 0216 0217
    0218 0221 0225 0230 0235 0240 9910 9913 9914 9915 9918 9919 9920 9922 9923
    9924 9925 9926 9927 9928 9929 9930 9931 9932 9933 9934 9935 9936 9937 9938
    9939 9940 9941 9942 9943 9944 9945 9946 9947 9948 9949 9950 9951 9952 9953
    9957 9959
    """
)
FRENCH_DIRECTORY = "0225"
BELGIAN_ENTERPRISE = "0208"
SIREN_SCHEME = "0002"
SIRET_SCHEME = "0009"
EMAIL_SCHEME = "EM"
MAX_LENGTH = 125  # BR-FR-25

_DIGITS = re.compile(r"\d+")
_DIRECTORY_VALUE = re.compile(r"^\d{9}([A-Za-z0-9+\-_.]*)$")  # SIREN, then an optional suffix
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PLAIN = re.compile(r"^\S+$")


class InvalidAddress(ValueError):
    """The text is not a valid "SCHEME:VALUE" electronic invoicing address."""


def _luhn_ok(number: str) -> bool:
    return number.isdigit() and luhn.is_valid(number)


def _be_enterprise_ok(number: str) -> bool:
    return len(number) == 10 and number.isdigit() and be_vat.is_valid(number)


def be_enterprise_digits(text: str) -> str:
    """A Belgian enterprise number as 10 digits: ``0403.170.701``, ``BE0403170701``
    and ``403170701`` all give ``0403170701``."""
    digits = "".join(_DIGITS.findall(text))
    return digits.zfill(10) if len(digits) == 9 else digits


def _check(scheme: str, value: str) -> None:
    if scheme not in EAS_CODES:
        raise InvalidAddress(f"unknown electronic address scheme: {scheme!r}")
    if not value or not _PLAIN.match(value):
        raise InvalidAddress("the electronic address is empty or holds spaces")
    if len(value) > MAX_LENGTH:
        raise InvalidAddress(f"the electronic address is longer than {MAX_LENGTH} characters")
    if scheme == SIREN_SCHEME and not (len(value) == 9 and value.isdigit() and _luhn_ok(value)):
        raise InvalidAddress("a SIREN address (0002) is 9 digits with a valid check digit")
    if scheme == SIRET_SCHEME and not (
        len(value) == 14 and value.isdigit() and _luhn_ok(value[:9])
    ):
        raise InvalidAddress("a SIRET address (0009) is 14 digits starting with a valid SIREN")
    if scheme == FRENCH_DIRECTORY and not (_DIRECTORY_VALUE.match(value) and _luhn_ok(value[:9])):
        raise InvalidAddress("a French directory address (0225) starts with a valid SIREN")
    if scheme == BELGIAN_ENTERPRISE and not _be_enterprise_ok(value):
        raise InvalidAddress("a Belgian enterprise number (0208) is 10 digits, check 97")
    if scheme == EMAIL_SCHEME and not _EMAIL.match(value):
        raise InvalidAddress("an e-mail address (EM) is name@domain")


def parse(text: str) -> tuple[str, str]:
    """``"SCHEME:VALUE"`` -> ``(scheme, value)``, checked against the EAS list
    and, for the schemes whose identifiers have a check digit, that digit."""
    scheme, sep, value = text.strip().partition(":")
    if not sep:
        raise InvalidAddress('an electronic address is written "SCHEME:VALUE"')
    scheme, value = scheme.strip().upper(), value.strip()
    if scheme == BELGIAN_ENTERPRISE:
        value = be_enterprise_digits(value) or value
    _check(scheme, value)
    return scheme, value


def derived(*, country: str, siren: str = "", enterprise_number: str = "") -> tuple[str, str]:
    """The address a party's country network gives it from its registration
    number, or ``("", "")`` when there is none."""
    if country == "FR" and siren:
        return FRENCH_DIRECTORY, siren
    if country == "BE" and enterprise_number:
        return BELGIAN_ENTERPRISE, be_enterprise_digits(enterprise_number)
    return "", ""


def resolve(
    explicit: str = "",
    *,
    country: str,
    siren: str = "",
    enterprise_number: str = "",
    email: str = "",
) -> tuple[str, str]:
    """The party's electronic invoicing address: the explicit "SCHEME:VALUE"
    when given, else the one derived from its registration, else its e-mail
    (scheme EM, a consumer's case), else ``("", "")``."""
    if explicit.strip():
        return parse(explicit)
    scheme, value = derived(country=country, siren=siren, enterprise_number=enterprise_number)
    if scheme:
        return scheme, value
    if email and _EMAIL.match(email):
        return EMAIL_SCHEME, email
    return "", ""


def format_address(scheme: str, value: str) -> str:
    """``(scheme, value)`` -> ``"SCHEME:VALUE"`` ('' for no address)."""
    return f"{scheme}:{value}" if scheme and value else ""
