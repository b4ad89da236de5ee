"""The API's schemas built from the models' fields: a field is written once.

``model_schema(Model, names, mode=...)`` gives a ninja ``Schema`` whose fields
come from the model's: their types, their defaults, and their limits, which
the OpenAPI document then declares for clients to read:

* a text field's ``max_length`` -> ``maxLength`` (refused with 422 "at most N
  characters");
* ``choices`` -> ``enum`` (with ``""`` when the field may be blank);
* an integer field's column range, narrowed by its ``MinValueValidator`` /
  ``MaxValueValidator`` -> ``minimum`` / ``maximum`` (probability 0..100);
* a ``DecimalField`` -> an amount given as a string (never a JSON number), with
  a ``pattern`` and a ``maxLength``, and refused with 422 naming the field and
  the limit when it has more whole digits than the column holds, or is not a
  finite number ("1e309", 40 digits, "NaN", "Infinity");
* a foreign key ``owner`` -> ``owner_id``, an integer from 1 to 2^63-1;
* dates, date-times and booleans as themselves.

Modes: ``in`` (a creation: required unless the model gives a default or lets
the field be blank), ``patch`` (every field optional; the operation reads
``exclude_unset``) and ``out`` (what a response holds). Descriptions are
the models' ``help_text``, in English as the rest of the document.

ninja's own ``create_schema`` makes a blank text field ``null``-able, knows
neither choices nor validators, and turns an encrypted field (a binary column)
into bytes; this module writes what it lacks and nothing else.
"""

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation
from ninja import Schema
from pydantic import BeforeValidator, Field, create_model
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError, PydanticUndefined

from comptoir.core import modelfields
from comptoir.privacy.fields import EncryptedDateField, EncryptedField

MAX_ID = 2**63 - 1
# A row's id in a body, a query or a path: what a bigint column holds.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def amount_pattern(whole: int) -> str:
    """Digits (a space may follow each, between thousands), at most ``whole`` of
    them before an optional decimal point or comma."""
    return rf"^ *([0-9] ?){{1,{whole}}}([.,][0-9]*)? *$"


Mode = Literal["in", "patch", "out"]


def body_name(field: models.Field) -> str:
    """A related object is named by its id in a body: ``owner`` -> ``owner_id``."""
    return field.attname if field.is_relation else field.name


def _amount_type(field: models.DecimalField) -> Any:
    whole, minimum = modelfields.decimal_limits(field)

    def check(value):
        """Before the pattern and the length: the message names the digits' limit."""
        if not isinstance(value, str):
            return value  # refused by the type
        try:
            modelfields.parse_decimal(field, value)
        except ValidationError as exc:
            message = " ".join(str(m) for m in exc.message_dict[field.name])
            raise PydanticCustomError("amount", message) from None
        return value

    description = (
        f'A decimal number in a string, e.g. "1250.50" (never a JSON number): at most '
        f"{whole} digits before the decimal point, rounded to "
        f"{field.decimal_places} decimal places (half up)"
    )
    if minimum is not None:
        description += f", at least {minimum}"
    return Annotated[
        str,
        Field(
            max_length=modelfields.amount_max_length(field),
            pattern=amount_pattern(whole),
            description=description + ".",
        ),
        BeforeValidator(check),
    ]


def _in_utc(moment: datetime) -> datetime:
    """A moment in UTC (a naive one read in the display time zone): the form every
    database stores and compares. An offset PostgreSQL does not take (beyond
    15:59) or a moment that leaves the calendar in UTC is refused, never a 500."""
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise PydanticCustomError(
            "datetime_range", "This moment is outside the calendar Comptoir keeps."
        ) from None


def _iso(kind: type[date]) -> Any:
    """A date or date-time as the document says: an ISO 8601 string. pydantic's
    lax mode would also read a number, or a string of digits, as seconds since
    1970 and store a date nobody meant."""

    def parse(value):
        if value is None or isinstance(value, kind):
            return value
        if isinstance(value, str):
            try:
                parsed = kind.fromisoformat(value.strip())
            except ValueError:
                pass
            else:
                return _in_utc(parsed) if kind is datetime else parsed
        example = "2026-12-03T09:30:00+01:00" if kind is datetime else "2026-12-03"
        raise PydanticCustomError(
            "iso_format", "Give an ISO 8601 string, e.g. {example}.", {"example": example}
        )

    return Annotated[kind, BeforeValidator(parse)]


IsoDate = _iso(date)
IsoDateTime = _iso(datetime)


def _choices_type(field: models.Field) -> Any:
    values = [value for value, _label in field.flatchoices]
    if field.blank and "" not in values:
        values.append("")
    return Literal[tuple(values)]


def _value_type(field: models.Field, mode: Mode) -> Any:
    """The Python type of one value of ``field`` in ``mode``, with its limits."""
    if field.is_relation:
        return Id if mode != "out" else int
    if field.choices:
        return _choices_type(field) if mode != "out" else str
    if isinstance(field, models.DecimalField):
        return _amount_type(field) if mode != "out" else str
    if isinstance(field, models.BooleanField):
        return bool
    if isinstance(field, models.DateTimeField):
        return _iso(datetime) if mode != "out" else datetime
    if isinstance(field, models.DateField | EncryptedDateField):
        return _iso(date) if mode != "out" else date
    if isinstance(field, models.IntegerField):
        if mode == "out":
            return int
        low, high = modelfields.integer_range(field)
        return Annotated[int, Field(ge=low, le=high)]
    if isinstance(field, models.CharField | models.TextField | EncryptedField):
        if mode == "out" or not field.max_length:
            return str
        return Annotated[str, Field(max_length=field.max_length)]
    raise TypeError(f"{field.model._meta.label}.{field.name}: no API type for {type(field)}")


def _default(field: models.Field) -> Any:
    if field.has_default() and not callable(field.default):
        return field.default
    if field.null:
        return None
    if field.blank and field.empty_strings_allowed:
        return ""
    return PydanticUndefined


def _unset() -> None:
    return None


def field_of(field: models.Field, mode: Mode, **info: Any) -> tuple[Any, FieldInfo]:
    """(type, FieldInfo) of ``field`` in ``mode``; ``info`` adds or replaces
    ``FieldInfo`` arguments (a description, a default), and ``nullable=True``
    lets a body give ``null`` (the operation then picks the value)."""
    nullable = info.pop("nullable", False)
    python_type = _value_type(field, mode)
    if field.null or nullable:
        python_type = python_type | None
    if mode == "out":
        default = PydanticUndefined
    elif mode == "patch":
        default = _default(field)
    else:
        default = _default(field)
    arguments = {"default": default, **info}
    if mode == "patch" and arguments["default"] is PydanticUndefined:
        # Optional, with no default to document: a PATCH changes what it names.
        del arguments["default"]
        arguments["default_factory"] = _unset
    if field.help_text and "description" not in arguments:
        with translation.override("en"):  # the document's language, whatever the request's
            arguments["description"] = str(field.help_text)
    return python_type, Field(**arguments)


def model_fields(
    model: type[models.Model],
    names,
    *,
    mode: Mode,
    info: dict[str, dict] | None = None,
) -> dict[str, tuple[Any, FieldInfo]]:
    """The schema fields of ``names`` (model field names), keyed by body name."""
    info = info or {}
    fields = {}
    for name in names:
        field = model._meta.get_field(name)
        fields[body_name(field)] = field_of(field, mode, **dict(info.get(name, {})))
    return fields


def model_schema(
    schema_name: str,
    model: type[models.Model],
    names,
    *,
    mode: Mode,
    base: type[Schema] = Schema,
    info: dict[str, dict] | None = None,
    extra: dict[str, tuple[Any, Any]] | None = None,
    doc: str | None = None,
) -> type[Schema]:
    """A ``Schema`` named ``schema_name`` (its OpenAPI component) holding the
    fields ``names`` of ``model`` in ``mode``, on ``base`` (which keeps its own
    fields and resolvers), with ``extra`` fields that are not the model's.
    Fields are in the model's order: the document reads as the model does."""
    order = [f.name for f in model._meta.get_fields()]
    names = sorted(names, key=order.index)
    fields = {**model_fields(model, names, mode=mode, info=info), **(extra or {})}
    schema = create_model(schema_name, __base__=base, __doc__=doc or base.__doc__, **fields)
    schema.__module__ = base.__module__ if base is not Schema else __name__
    return schema


__all__ = ["MAX_ID", "Id", "body_name", "field_of", "model_fields", "model_schema"]
