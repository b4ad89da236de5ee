"""Hand-written SQL for the few hot paths where building an ORM query costs
more than running it (every API request authenticates and writes an audit
event). Rows still come back as the ORM would give them: the columns are the
models' own, and each value goes through Django's converters for its field
and database."""

from collections.abc import Sequence
from functools import cache
from itertools import chain
from types import SimpleNamespace

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


# Many new rows at once -----------------------------------------------------------
# Values of these Python types go to the driver as they are for these fields
# (Django's own preparation returns them unchanged); others (dates, times,
# UUIDs, decimals...) go through ``get_db_prep_save``.
_AS_IS_TYPES = (str, bytes, bool, int, type(None))
_AS_IS_FIELDS = frozenset(
    {
        "BinaryField",
        "BooleanField",
        "CharField",
        "EmailField",
        "ForeignKey",
        "IntegerField",
        "BigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SmallIntegerField",
        "TextField",
    }
)


def _parameter_limit(db) -> int:
    if db.vendor == "sqlite":
        import sqlite3

        db.ensure_connection()
        return db.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return 65_535  # PostgreSQL's wire protocol


_AUTO_FIELDS = {"AutoField", "BigAutoField", "SmallAutoField"}


def insert_many(model: type[Model], rows: Sequence[dict], *, key: str) -> list[int]:
    """Insert ``rows`` (attname -> Python value; a missing field takes its
    default, ``auto_now`` fields the current time) with multi-row ``INSERT ...
    RETURNING`` statements, and give their primary keys in the order of
    ``rows``. ``key`` names a unique field every row sets (matched against
    what the database returns, whatever order it returns it in).

    What ``bulk_create`` does, without building model instances: a batch of
    an import would otherwise spend more on Django's per-value SQL compiler
    than on its encryption. Values are prepared column by column, each
    distinct value of a date or UUID column once. No signals are sent, as
    with ``bulk_create``.
    """
    if not rows:
        return []
    db = connections[DEFAULT_DB_ALIAS]
    opts = model._meta
    # The database numbers an auto primary key; any other is the rows' to give.
    fields = [
        f
        for f in opts.concrete_fields
        if not (f.primary_key and f.get_internal_type() in _AUTO_FIELDS)
    ]
    columns = []
    for field in fields:
        attname = field.attname
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            # The field's own clock, once for all the rows (as bulk_create's single statement).
            now = field.pre_save(SimpleNamespace(), add=True)
            column = [row.get(attname, now) for row in rows]
        elif field.has_default() and callable(field.default):
            column = [row[attname] if attname in row else field.get_default() for row in rows]
        else:
            default = field.get_default()
            column = [row.get(attname, default) for row in rows]
        as_is = field.get_internal_type() in _AS_IS_FIELDS
        prepared: dict = {}
        for index, value in enumerate(column):
            if as_is and isinstance(value, _AS_IS_TYPES):
                continue
            try:
                column[index] = prepared[value]
            except KeyError:
                column[index] = prepared[value] = field.get_db_prep_save(value, db)
            except TypeError:  # not hashable
                column[index] = field.get_db_prep_save(value, db)
        columns.append(column)
    values = list(chain.from_iterable(zip(*columns, strict=True)))
    width = len(fields)
    per_statement = max(1, _parameter_limit(db) // width)
    table = quote(opts.db_table)
    column_list = ", ".join(quote(f.column) for f in fields)
    key_field = opts.get_field(key)
    returning = f"{quote(opts.pk.column)}, {quote(key_field.column)}"
    # SQLite's own placeholder: Django's SQLite cursor would otherwise rewrite
    # every "%s" of the statement (tens of thousands) with a regular expression.
    mark = "?" if db.vendor == "sqlite" else "%s"
    row_marks = "(" + ", ".join([mark] * width) + ")"
    found: dict = {}
    with db.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            count = min(per_statement, len(rows) - start)
            sql = (
                f"INSERT INTO {table} ({column_list}) VALUES "  # noqa: S608 (model metadata)
                + ", ".join([row_marks] * count)
                + f" RETURNING {returning}"
            )
            cursor.execute(sql, values[start * width : (start + count) * width])
            for pk, returned_key in cursor.fetchall():
                found[_comparable(returned_key)] = pk
    key_index = fields.index(key_field)
    return [found[_comparable(value)] for value in columns[key_index]]


def _comparable(value):
    """The database's and Django's spelling of the same key (a UUID, say) as one value."""
    return str(getattr(value, "hex", value)).replace("-", "")
