"""EN 16931 totals of a commercial document, from its lines and its
document-level allowances and charges.

* A line's net amount (BT-131) is its quantity times its unit price, rounded
  half up to the cent, less its discount (a percentage of that amount, itself
  rounded to the cent: BT-136).
* Document-level allowances (BT-92) and charges (BT-99) each carry a VAT
  category and rate; a document discount in percent becomes one allowance per
  (category, rate) group of lines (``document_discount``).
* VAT is computed per (category, rate) on the rounded taxable base (BT-116),
  rounded half up to the cent (BT-117).
* The header totals then hold the equations BR-CO-10 to BR-CO-16 exactly.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from comptoir.core.money import ZERO, percent_of, to_cents
from comptoir.core.vat import VatCategory, exemption_code


@dataclass(frozen=True)
class Priced:
    """What the totals need of a line."""

    quantity: Decimal
    unit_price: Decimal
    vat_category: str
    vat_rate: Decimal
    discount_percent: Decimal = ZERO


@dataclass(frozen=True)
class Adjustment:
    """A document-level allowance (``is_charge=False``) or charge."""

    amount: Decimal
    vat_category: str
    vat_rate: Decimal
    reason: str = ""
    is_charge: bool = False
    percent: Decimal | None = None  # when computed as a percentage of ``base``
    base: Decimal | None = None


@dataclass(frozen=True)
class LineAmounts:
    gross: Decimal  # quantity x unit price, to the cent
    discount: Decimal  # BT-136
    net: Decimal  # BT-131


@dataclass(frozen=True)
class VatSubtotal:
    category: str  # BT-118
    rate: Decimal  # BT-119
    taxable: Decimal  # BT-116
    tax: Decimal  # BT-117
    exemption_code: str = ""  # BT-121


@dataclass(frozen=True)
class Totals:
    lines: tuple[LineAmounts, ...]
    vat: tuple[VatSubtotal, ...]
    line_total: Decimal  # BT-106
    allowance_total: Decimal  # BT-107
    charge_total: Decimal  # BT-108
    tax_exclusive: Decimal  # BT-109
    tax_total: Decimal  # BT-110
    tax_inclusive: Decimal  # BT-112
    prepaid: Decimal = ZERO  # BT-113
    rounding: Decimal = ZERO  # BT-114
    payable: Decimal = field(default=ZERO)  # BT-115


def line_amounts(line: Priced) -> LineAmounts:
    gross = to_cents(Decimal(line.quantity) * Decimal(line.unit_price))
    discount = percent_of(gross, line.discount_percent) if line.discount_percent else ZERO
    return LineAmounts(gross=gross, discount=discount, net=gross - discount)


def _key(category: str, rate: Decimal) -> tuple[str, Decimal]:
    return (str(category), to_cents(rate))


def document_discount(
    lines: Sequence[Priced], percent: Decimal, reason: str = ""
) -> list[Adjustment]:
    """A discount of ``percent`` % on the whole document: one allowance per
    (VAT category, rate) group, on the group's net amount."""
    if not percent:
        return []
    groups: dict[tuple[str, Decimal], Decimal] = {}
    for line in lines:
        key = _key(line.vat_category, line.vat_rate)
        groups[key] = groups.get(key, ZERO) + line_amounts(line).net
    return [
        Adjustment(
            amount=percent_of(base, percent),
            vat_category=category,
            vat_rate=rate,
            reason=reason,
            percent=Decimal(percent),
            base=base,
        )
        for (category, rate), base in groups.items()
        if percent_of(base, percent)
    ]


def compute(
    lines: Sequence[Priced],
    adjustments: Iterable[Adjustment] = (),
    *,
    prepaid: Decimal = ZERO,
) -> Totals:
    """The totals of a document; ``prepaid`` is what was already paid (a down
    payment invoiced before, BT-113), deducted from the amount due."""
    adjustments = list(adjustments)
    amounts = tuple(line_amounts(line) for line in lines)
    bases: dict[tuple[str, Decimal], Decimal] = {}
    for line, amount in zip(lines, amounts, strict=True):
        key = _key(line.vat_category, line.vat_rate)
        bases[key] = bases.get(key, ZERO) + amount.net
    for adjustment in adjustments:
        key = _key(adjustment.vat_category, adjustment.vat_rate)
        signed = adjustment.amount if adjustment.is_charge else -adjustment.amount
        bases[key] = bases.get(key, ZERO) + signed
    vat = tuple(
        VatSubtotal(
            category=category,
            rate=rate,
            taxable=base,
            tax=ZERO if category != VatCategory.STANDARD else percent_of(base, rate),
            exemption_code=exemption_code(category),
        )
        for (category, rate), base in sorted(bases.items())
    )
    line_total = sum((a.net for a in amounts), ZERO)
    allowance_total = sum((a.amount for a in adjustments if not a.is_charge), ZERO)
    charge_total = sum((a.amount for a in adjustments if a.is_charge), ZERO)
    tax_exclusive = line_total - allowance_total + charge_total
    tax_total = sum((s.tax for s in vat), ZERO)
    tax_inclusive = tax_exclusive + tax_total
    prepaid = to_cents(prepaid)
    return Totals(
        lines=amounts,
        vat=vat,
        line_total=line_total,
        allowance_total=allowance_total,
        charge_total=charge_total,
        tax_exclusive=tax_exclusive,
        tax_total=tax_total,
        tax_inclusive=tax_inclusive,
        prepaid=prepaid,
        payable=tax_inclusive - prepaid,
    )
