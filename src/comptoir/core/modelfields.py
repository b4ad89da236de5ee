"""What a model's fields say about the values they take: the one place a field's
kind, length and range are read from, for the services, the forms and the API.

* ``editable_fields``: the fields a person or a client sets (the model's
  ``editable`` fields, less those every row of an abstract base gets from its
  scope: organisation, row uuid, data subject);
* ``integer_range``: the smallest and largest value an integer field takes,
  the same on every database (SQLite enforces no column range, PostgreSQL
  does: the range of the column type is the model's, not the engine's);
* ``decimal_limits`` / ``parse_decimal``: an amount given as text, refused
  with a message naming the limit when it has more whole digits than the
  column holds, or is not a finite number.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.translation import gettext_lazy as _

# The fields of the scope bases: a row's organisation, its identity and its person.
SCOPE_NAMES = frozenset({"organisation", "row_uuid", "data_subject"})


def scope_fields(model: type[models.Model]) -> frozenset[str]:
    """Fields every row gets from an abstract base (``TenantModel.organisation``,
    ``EncryptedModel.row_uuid`` and ``data_subject``): set by the services, never given.
    The fields of other abstract bases (a sales document's, a document line's) are
    the model's own."""
    names: set[str] = set()
    for base in model.__mro__[1:]:
        meta = getattr(base, "_meta", None)
        if meta is not None and meta.abstract:
            names.update(f.name for f in meta.local_fields if f.name in SCOPE_NAMES)
    return frozenset(names)


def editable_fields(model: type[models.Model], *, exclude=()) -> frozenset[str]:
    """The names of the fields of ``model`` a caller sets, less ``exclude`` (fields
    fixed at creation, or set through their own service)."""
    unknown = set(exclude) - {f.name for f in model._meta.concrete_fields}
    if unknown:
        raise ValueError(f"{model._meta.label}: no fields {sorted(unknown)}")
    scoped = scope_fields(model)
    return frozenset(
        f.name
        for f in model._meta.concrete_fields
        if f.editable and not f.primary_key and not f.auto_created
        if f.name not in scoped and f.name not in exclude
    )


INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges


def integer_range(field: models.Field) -> tuple[int | None, int | None]:
    """(minimum, maximum) of an integer field: its column type's range narrowed by
    its ``MinValueValidator`` / ``MaxValueValidator``."""
    low, high = INTEGER_RANGES.get(field.get_internal_type(), (None, None))
    for validator in field._validators:
        if isinstance(validator, validators.MinValueValidator):
            limit = validator.limit_value
            low = limit if low is None else max(low, limit)
        elif isinstance(validator, validators.MaxValueValidator):
            limit = validator.limit_value
            high = limit if high is None else min(high, limit)
    return low, high


def decimal_limits(field: models.DecimalField) -> tuple[int, Decimal | None]:
    """(whole digits a value may have, its minimum or None)."""
    minimum = None
    for validator in field.validators:
        if isinstance(validator, validators.MinValueValidator):
            minimum = Decimal(validator.limit_value)
    return field.max_digits - field.decimal_places, minimum


def amount_max_length(field: models.DecimalField) -> int:
    """The longest text an amount of ``field`` is typed as: its digits with room for
    spaces between thousands, a separator and more decimals (rounded)."""
    return field.max_digits * 2 + 2


def parse_decimal(field: models.DecimalField, value) -> Decimal:
    """``value`` (a ``Decimal``, an ``int`` or a text such as ``"1 250,50"``) as the
    ``Decimal`` the column stores, rounded to its decimal places (ROUND_HALF_UP);
    a ``ValidationError`` keyed by the field's name naming the limit otherwise.
    A float is refused, never rounded blindly."""
    name = field.name
    if isinstance(value, float | bool):
        raise ValidationError({name: _("Give an amount as a decimal, not a float.")}, code="float")
    text = str(value).strip().replace(" ", "").replace(",", ".")
    whole, minimum = decimal_limits(field)
    not_a_number = ValidationError(
        {
            name: _("Enter an amount: digits, at most %(digits)d before the decimal point.")
            % {"digits": whole}
        },
        code="invalid",
    )
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise not_a_number from None
    if not number.is_finite():
        raise not_a_number
    too_long = ValidationError(
        {name: _("At most %(digits)d digits before the decimal point.") % {"digits": whole}},
        code="max_whole_digits",
    )
    if number != 0 and number.adjusted() >= whole:  # before rounding: no overflow
        raise too_long
    number = number.quantize(Decimal(1).scaleb(-field.decimal_places), rounding=ROUND_HALF_UP)
    if number != 0 and number.adjusted() >= whole:  # 999.995 rounds up to 1000.00
        raise too_long
    if minimum is not None and number < minimum:
        raise ValidationError(
            {
                name: _("Ensure this value is greater than or equal to %(limit_value)s.")
                % {"limit_value": minimum}
            },
            code="min_value",
        )
    return number
