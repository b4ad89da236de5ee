"""The printed form of a commercial document: what a quote, an order, a
delivery note, an invoice or a credit note says, frozen.

One structure serves everything that reads a document as a whole: the PDF
template, the Factur-X (CII) and UBL writers, the reader of received
e-invoices, the snapshot an issued invoice keeps (``to_dict`` / ``from_dict``:
plain JSON types, amounts as strings) and the hash of its content. It holds
values only, never model instances, so it can be built, rendered and checked
without a database.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from comptoir.core.totals import Adjustment, Priced, Totals, compute


class Kind(StrEnum):
    QUOTE = "quote"
    ORDER = "order"
    DELIVERY = "delivery"
    INVOICE = "invoice"
    DOWN_PAYMENT = "down_payment"
    CREDIT_NOTE = "credit_note"


# UNTDID 1001 document type codes (BT-3) of the kinds that are e-invoices.
TYPE_CODES = {Kind.INVOICE: "380", Kind.DOWN_PAYMENT: "386", Kind.CREDIT_NOTE: "381"}


class Operation(StrEnum):
    """The type of operation French invoices state (goods, services, both)."""

    GOODS = "goods"
    SERVICES = "services"
    MIXED = "mixed"


@dataclass(frozen=True)
class Address:
    street: str = ""  # may hold several lines, separated by "\n"
    postal_code: str = ""
    city: str = ""
    country: str = ""  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class Party:
    name: str
    country: str
    address: Address = field(default_factory=Address)
    is_business: bool = True  # False: a consumer (B2C)
    siren: str = ""  # France: BT-30 / BT-47, scheme 0002
    siret: str = ""
    enterprise_number: str = ""  # Belgium: scheme 0208
    vat_number: str = ""  # BT-31 / BT-48
    legal_form: str = ""
    share_capital: str = ""
    registration: str = ""  # "RCS Paris", "RPM Bruxelles"
    electronic_address: str = ""  # BT-34 / BT-49
    electronic_scheme: str = ""  # EAS code: 0225 (French directory), 0208 (BE), 0009, EM...
    email: str = ""  # the seller's contact address printed on documents
    phone: str = ""  # the seller's billing phone printed on documents


@dataclass(frozen=True)
class Line(Priced):
    number: str = ""  # BT-126
    name: str = ""  # BT-153
    description: str = ""  # BT-154
    unit: str = "C62"  # UN/ECE rec. 20 (BT-130)
    is_service: bool = False
    reference: str = ""  # the seller's product reference (BT-155)


@dataclass(frozen=True)
class Note:
    text: str
    subject: str = ""  # UNTDID 4451: PMT, PMD, AAB, REG, ABL...


@dataclass(frozen=True)
class Reference:
    """A preceding document (BG-3): the invoice a credit note corrects, or a
    down-payment invoice deducted on the final one."""

    number: str
    issue_date: date | None = None


@dataclass(frozen=True)
class Payment:
    means: str = "30"  # UNTDID 4461: 30 credit transfer, 58 SEPA transfer, 49 direct debit...
    iban: str = ""
    bic: str = ""
    reference: str = ""  # BT-83: the structured communication in Belgium
    terms: str = ""  # BT-20, printed


@dataclass(frozen=True)
class Document:
    kind: Kind
    number: str  # '' for a draft
    issue_date: date
    seller: Party
    buyer: Party
    lines: tuple[Line, ...]
    adjustments: tuple[Adjustment, ...] = ()
    prepaid: Decimal = Decimal("0.00")  # down payments deducted (BT-113)
    currency: str = "EUR"
    language: str = "fr"
    due_date: date | None = None  # BT-9
    valid_until: date | None = None  # a quote's validity
    delivery_date: date | None = None  # BT-72: the supply date
    delivery_address: Address | None = None  # when it differs from the buyer's
    purchase_order: str = ""  # the client's order reference (BT-13)
    buyer_reference: str = ""  # BT-10
    preceding: tuple[Reference, ...] = ()
    payment: Payment = field(default_factory=Payment)
    notes: tuple[Note, ...] = ()  # legal mentions and free notes, in order
    billing_framework: str = ""  # French BT-23: B1, S1, M1, B4...
    operation: Operation = Operation.SERVICES
    vat_on_debits: bool = False

    @property
    def type_code(self) -> str:
        return TYPE_CODES.get(self.kind, "")

    @property
    def totals(self) -> Totals:
        return compute(self.lines, self.adjustments, prepaid=self.prepaid)

    def to_dict(self) -> dict[str, Any]:
        return _plain(dataclasses.asdict(self))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        return _build(cls, data)

    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON of the document (sorted keys, no spaces)."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _build(cls: type, data: dict[str, Any]) -> Any:
    hints = {f.name: f for f in dataclasses.fields(cls)}
    values = {}
    for name, item in data.items():
        values[name] = _value(hints[name].type, item)
    return cls(**values)


_TYPES = {
    "Address": Address,
    "Party": Party,
    "Line": Line,
    "Note": Note,
    "Reference": Reference,
    "Payment": Payment,
    "Adjustment": Adjustment,
}


def _value(annotation: str | type, item: Any) -> Any:
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    if item is None:
        return None
    if text.startswith("tuple["):
        inner = text[len("tuple[") : -len(", ...]")]
        return tuple(_value(inner, element) for element in item)
    base = text.split(" | ")[0]
    if base in _TYPES:
        return _build(_TYPES[base], item)
    if base == "Decimal":
        return Decimal(item)
    if base == "date":
        return date.fromisoformat(item)
    if base == "Kind":
        return Kind(item)
    if base == "Operation":
        return Operation(item)
    return item
