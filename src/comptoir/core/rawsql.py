"""Hand-written SQL for the few hot paths where building an ORM query costs
more than running it (every API request authenticates and writes an audit
event). Rows still come back as the ORM would give them: the columns are the
models' own, and each value goes through Django's converters for its field
and database."""

from collections.abc import Sequence
from functools import cache

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Field, Model


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def columns(model: type[Model], alias: str) -> tuple[list[str], list[Field]]:
    """The ``alias.column`` list of a model's concrete fields, and the fields."""
    fields = list(model._meta.concrete_fields)
    return [f"{alias}.{quote(f.column)}" for f in fields], fields


@cache
def _loader(model: type[Model], fields: tuple[Field, ...], vendor: str):
    """For each field, its column and Django's converters on this database."""
    db = connections[DEFAULT_DB_ALIAS]
    plan = []
    for field in fields:
        col = field.get_col(model._meta.db_table)
        plan.append((col, db.ops.get_db_converters(col) + col.get_db_converters(db)))
    return plan, [f.attname for f in fields]


def instance(model: type[Model], fields: Sequence[Field], values: Sequence) -> Model:
    """A model instance from raw column values, as if the ORM had loaded it."""
    db = connections[DEFAULT_DB_ALIAS]
    plan, attnames = _loader(model, tuple(fields), db.vendor)
    converted = []
    for (col, converters), value in zip(plan, values, strict=True):
        for convert in converters:
            value = convert(value, col, db)
        converted.append(value)
    return model.from_db(DEFAULT_DB_ALIAS, attnames, converted)


def prepared(fields: Sequence[Field], obj: Model) -> list:
    """The values of ``fields`` of ``obj`` ready to be sent to the database."""
    db = connections[DEFAULT_DB_ALIAS]
    return [f.get_db_prep_save(getattr(obj, f.attname), db) for f in fields]
