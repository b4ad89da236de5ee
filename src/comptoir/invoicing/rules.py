"""The invoicing rules that are pure (no database write): read by the
services, and by the pages and API through them."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from comptoir.core.vat import RATES, VatCategory


def vat_errors(country: str, category: str, rate) -> dict[str, ValidationError]:
    """A VAT category and rate a seller of ``country`` may invoice: the
    standard category one of the country's rates, every other the rate 0.
    (The same rule as the sales documents'; one of them goes at merge.)"""
    if category not in VatCategory.values or rate is None:
        return {}  # the field refuses it
    if category == VatCategory.STANDARD and Decimal(rate) not in RATES.get(country, ()):
        shown = ", ".join(f"{r.normalize():f}" for r in RATES.get(country, ()))
        message = _("The rate must be one of %(rates)s (%%).") % {"rates": shown}
        return {"vat_rate": ValidationError(message, code="vat_rate")}
    if category != VatCategory.STANDARD and Decimal(rate) != 0:
        message = _("This VAT category takes the rate 0.")
        return {"vat_rate": ValidationError(message, code="vat_rate_zero")}
    return {}


def frozen_error() -> ValidationError:
    return ValidationError(
        {
            "status": ValidationError(
                _(
                    "This invoice is issued: it can no longer change. "
                    "Correct it with a credit note."
                ),
                code="frozen",
            )
        }
    )
