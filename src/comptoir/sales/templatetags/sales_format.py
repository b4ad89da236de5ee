"""How the sales pages write amounts, prices, quantities and rates."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def money(value) -> str:
    """An amount to the cent, with the locale's separators: 1 250,50."""
    return floatformat(value, "2g")


@register.filter
def price(value) -> str:
    """A unit price: two decimals, up to four when it has tenths of a cent."""
    if value in (None, ""):
        return ""
    exponent = Decimal(value).normalize().as_tuple().exponent
    places = max(2, min(4, -exponent if isinstance(exponent, int) else 2))
    return floatformat(value, f"{places}g")


@register.filter
def quantity(value) -> str:
    """A quantity without trailing zeros: 3, 2,5, 0,125."""
    if value in (None, ""):
        return ""
    exponent = Decimal(value).normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return floatformat(value, f"{places}g")


@register.filter
def rate(value) -> str:
    """A VAT rate or a discount in percent: 20, 5,5."""
    return quantity(value)
