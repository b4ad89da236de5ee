"""What the CII and UBL writers share: how numbers are written, a party's
identifiers and electronic address, the words of the default reasons.
Pure functions of a ``Document``'s values."""

from __future__ import annotations

from decimal import Decimal

from comptoir.core import einvoice_addresses as addresses
from comptoir.core.documents import Document, Kind, Operation, Party
from comptoir.core.money import to_cents
from comptoir.core.vat import VatCategory
from comptoir.invoicing import mentions


def amount(value: Decimal) -> str:
    """An amount: two decimals, '.' separator (BR-DEC, BR-FR-DEC-01)."""
    return f"{to_cents(value):f}"


def plain(value: Decimal) -> str:
    """A quantity, a price or a rate as written, without exponent nor
    trailing zeros: 2, 12.5, 0.1234 (BR-FR-DEC-02..04 cap their decimals)."""
    text = f"{Decimal(value).normalize():f}"
    return text


def price(value: Decimal) -> str:
    """A unit price: at least two decimals, at most what it was entered with."""
    value = Decimal(value)
    return amount(value) if value == to_cents(value) else plain(value)


def endpoint(party: Party) -> tuple[str, str]:
    """BT-34 / BT-49: the party's electronic address and its EAS scheme."""
    if party.electronic_address and party.electronic_scheme:
        scheme, value = party.electronic_scheme, party.electronic_address.strip()
        if scheme == addresses.BELGIAN_ENTERPRISE:  # "0403.170.701" -> "0403170701"
            value = addresses.be_enterprise_digits(value) or value
        return scheme, value
    return addresses.resolve(
        party.electronic_address if ":" in party.electronic_address else "",
        country=party.country,
        siren=party.siren,
        enterprise_number=party.enterprise_number,
        email=party.email,
    )


def legal_id(party: Party) -> tuple[str, str]:
    """BT-30 / BT-47: the legal registration and its ICD scheme (SIREN 0002,
    Belgian enterprise number 0208), or ``("", "")``."""
    if party.siren:
        return addresses.SIREN_SCHEME, party.siren
    if party.enterprise_number:
        return addresses.BELGIAN_ENTERPRISE, addresses.be_enterprise_digits(party.enterprise_number)
    return "", ""


def out_of_scope(totals) -> bool:
    """Everything outside the scope of VAT (category O): then no VAT number
    is stated, the seller's nor the buyer's (BR-O-02)."""
    return bool(totals.vat) and all(s.category == VatCategory.OUT_OF_SCOPE for s in totals.vat)


def tax_registration(party: Party) -> str:
    """BT-32: the seller's local tax registration when it has no VAT number
    (a French seller under the 293 B franchise: its SIREN; a Belgian one: its
    enterprise number). EN 16931 BR-E-02 wants BT-31 or BT-32 on exempt
    invoices."""
    if party.vat_number:
        return ""
    return party.siren or addresses.be_enterprise_digits(party.enterprise_number)


def seller_description(party: Party) -> str:
    """BT-33: the seller's additional legal information (form, capital, registry)."""
    parts = []
    if party.legal_form:
        capital = f" au capital de {party.share_capital}" if party.share_capital else ""
        parts.append(f"{party.legal_form}{capital}")
    if party.registration:
        parts.append(party.registration)
    return " - ".join(parts)


def street_lines(street: str) -> list[str]:
    """At most three address lines (BT-35..BT-36, BT-162)."""
    lines = [line.strip() for line in street.splitlines() if line.strip()]
    if len(lines) > 3:
        lines = [*lines[:2], ", ".join(lines[2:])]
    return lines


WORDS = {
    "fr": {"discount": "Remise", "charge": "Frais"},
    "en": {"discount": "Discount", "charge": "Charge"},
    "nl": {"discount": "Korting", "charge": "Kosten"},
}


def word(document: Document, key: str) -> str:
    return WORDS.get(document.language, WORDS["fr"])[key]


def billing_framework(document: Document) -> str:
    """French BT-23 (cadre de facturation): the document's own, or, for a
    document frozen without one, the code ``invoicing.mentions`` gives at
    issue (B/S/M for goods/services/mixed; 4 for a final invoice after down
    payments, something prepaid being deducted; 1 otherwise)."""
    if document.billing_framework:
        return document.billing_framework
    return mentions.billing_framework(
        Kind(document.kind), Operation(document.operation), after_down_payments=document.prepaid > 0
    )
