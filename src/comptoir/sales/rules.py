"""The sales rules that are pure: written once, read by the services, the
selectors and the pages (no database write here).

* ``vat_errors``: a VAT category and rate allowed for the seller's country
  (``core.vat``): the standard category takes one of the country's rates,
  every other category the rate 0.
* ``decimals``: amounts given as text or Decimal, as their columns store them
  (``core.modelfields.parse_decimal``).
* ``totals_of``: a document's EN 16931 totals from its printed lines
  (``DocumentLine.printed``), its discount in percent and its charge.
* ``quote_state``: a quote's status as shown (a sent quote past its validity
  date is expired).
"""

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.core import totals as core_totals
from comptoir.core.documents import Line
from comptoir.core.modelfields import parse_decimal
from comptoir.core.money import ZERO, to_cents
from comptoir.core.vat import RATES, VatCategory
from comptoir.sales.models.choices import QuoteStatus

EXPIRED = "expired"
EXPIRED_LABEL = gettext_lazy("Expired")


def vat_errors(country: str, category: str, rate: Any) -> dict[str, ValidationError]:
    """Errors keyed ``vat_category`` / ``vat_rate`` when the pair is not allowed
    for a seller in ``country``; none otherwise."""
    if category not in VatCategory.values:
        return {}  # the field's own choices refuse it
    try:
        rate = Decimal(rate)
    except (TypeError, ArithmeticError):
        return {}  # the field refuses it
    if category == VatCategory.STANDARD:
        allowed = RATES.get(country, ())
        if rate not in allowed:
            shown = ", ".join(f"{r.normalize():f}" for r in allowed)
            return {
                "vat_rate": ValidationError(
                    _("The rate must be one of %(rates)s (%%).") % {"rates": shown},
                    code="vat_rate",
                )
            }
        return {}
    if rate != 0:
        return {
            "vat_rate": ValidationError(
                _("This VAT category takes the rate 0."), code="vat_rate_zero"
            )
        }
    return {}


def decimals(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with each amount of a ``DecimalField`` of ``model`` parsed as
    the column stores it; a ``ValidationError`` keyed by the field otherwise."""
    parsed = dict(values)
    errors: dict[str, Any] = {}
    for name, value in values.items():
        field = next((f for f in model._meta.concrete_fields if f.name == name), None)
        if isinstance(field, models.DecimalField) and value is not None:
            try:
                parsed[name] = parse_decimal(field, value)
            except ValidationError as exc:
                errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)
    return parsed


def printed_lines(lines: Iterable) -> tuple[Line, ...]:
    """The document lines as printed (``DocumentLine.printed``), numbered from 1."""
    return tuple(line.printed(number) for number, line in enumerate(lines, start=1))


def charge_vat(lines: Sequence[Line]) -> tuple[str, Decimal]:
    """The VAT category and rate of a document-level charge: those of the
    largest group of lines (ties: the highest rate), the standard rate 20 when
    the document has no line yet."""
    groups: dict[tuple[str, Decimal], Decimal] = {}
    for line in lines:
        key = (str(line.vat_category), to_cents(line.vat_rate))
        groups[key] = groups.get(key, ZERO) + core_totals.line_amounts(line).net
    if not groups:
        return VatCategory.STANDARD, Decimal("20.00")
    (category, rate), _base = max(groups.items(), key=lambda item: (item[1], item[0][1]))
    return category, rate


def adjustments_of(document, lines: Sequence[Line]) -> list[core_totals.Adjustment]:
    """The document discount (one allowance per VAT group) and its charge."""
    adjustments = core_totals.document_discount(
        lines, document.discount_percent or ZERO, _("Discount")
    )
    if document.charge_amount:
        category, rate = charge_vat(lines)
        adjustments.append(
            core_totals.Adjustment(
                amount=to_cents(document.charge_amount),
                vat_category=category,
                vat_rate=rate,
                reason=document.charge_reason or _("Charges"),
                is_charge=True,
            )
        )
    return adjustments


def totals_of(document, lines: Iterable | None = None) -> core_totals.Totals:
    """The EN 16931 totals of a quote, an order or a delivery note (computed,
    never stored): ``lines`` default to the document's own."""
    printed = printed_lines(document.lines.all() if lines is None else lines)
    return core_totals.compute(printed, adjustments_of(document, printed))


def quote_state(quote, today: date) -> str:
    """The status shown: ``expired`` for a sent quote past its validity date."""
    if (
        quote.status == QuoteStatus.SENT
        and quote.valid_until is not None
        and quote.valid_until < today
    ):
        return EXPIRED
    return quote.status


def quote_state_label(quote, today: date) -> str:
    state = quote_state(quote, today)
    return str(EXPIRED_LABEL) if state == EXPIRED else str(QuoteStatus(state).label)


# What a line copies from its product (the product may change later: the line keeps
# what was sold).
PRODUCT_COPIED = (
    "reference",
    "name",
    "description",
    "is_service",
    "unit",
    "unit_price",
    "vat_category",
    "vat_rate",
)


def line_values(product, fields: dict[str, Any]) -> dict[str, Any]:
    """A line's values: those of ``product`` (when given) under those of ``fields``."""
    values = {} if product is None else {name: getattr(product, name) for name in PRODUCT_COPIED}
    values.update({k: v for k, v in fields.items() if k != "product"})
    if product is not None:
        values["product"] = product
    return values
