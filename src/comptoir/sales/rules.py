"""The sales rules that are pure: written once, read by the services, the
selectors and the pages (no database write here).

* ``vat_errors``: a VAT category and rate allowed for the seller's country
  (``core.vat``): the standard category takes one of the country's rates,
  every other category the rate 0.
* ``decimals``: amounts given as text or Decimal, as their columns store them
  (``core.modelfields.parse_decimal``).
* ``totals_of``: a document's EN 16931 totals from its printed lines
  (``DocumentLine.printed``), its discount in percent and its charge, as
  ``sales.printing`` prints them (the charge follows the main VAT rate).
* ``quote_state``: a quote's status as shown (a sent quote past its validity
  date is expired).
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.core import totals as core_totals
from comptoir.core.modelfields import parse_decimal
from comptoir.core.vat import RATES, VatCategory
from comptoir.sales import printing
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


def totals_of(document, lines: Iterable | None = None) -> core_totals.Totals:
    """The EN 16931 totals of a quote, an order or a delivery note (computed,
    never stored): ``lines`` default to the document's own."""
    printed = printing.lines(document.lines.all() if lines is None else lines)
    adjustments = printing.adjustments(
        printed,
        discount_percent=document.discount_percent,
        charge_amount=document.charge_amount,
        charge_reason=document.charge_reason,
        country=document.organisation.country,
    )
    return core_totals.compute(printed, adjustments)


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
