"""Money: ``Decimal`` quantised to the cent, ROUND_HALF_UP, never float."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


def to_cents(value: Decimal) -> Decimal:
    """``value`` rounded half up to the cent (EN 16931's rounding of amounts)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    """``percent`` % of ``amount``, rounded half up to the cent."""
    return to_cents(Decimal(amount) * Decimal(percent) / HUNDRED)
