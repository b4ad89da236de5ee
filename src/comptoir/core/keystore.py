"""Where the key store lives, engine by engine.

The key store holds what makes personal data readable, apart from the data:
the organisations' keys, the persons' keys and the erasure journal
(``comptoir.privacy.keystore`` says what and why). On PostgreSQL it is the
schema ``comptoir_keys`` of the same database, on the connection's
``search_path`` after the data's schema; on SQLite it is a second database
file beside the main one, attached to every connection as ``comptoir_keys``
(``comptoir.core.sqlite``). Either way a table of the key store is named
without its schema in queries, so models and raw SQL reach it like any
other table, in the same transaction, while a backup of the data (the SQLite
file of ``main``, ``pg_dump --exclude-schema``) leaves it out.

Django creates tables in the data's schema, so a key store model's table is
created here, from the SQL Django would run, moved into the key store.
"""

import re

SCHEMA = "comptoir_keys"


def sqlite_keystore_name(main_name: str) -> str:
    """The key store's database name for a main SQLite database's name:
    ``x.sqlite3`` -> ``x.keys.sqlite3``; a shared in-memory test database
    (``file:memorydb_default?mode=memory&cache=shared``) gets its own."""
    main_name = str(main_name)
    if main_name in ("", ":memory:"):
        return ":memory:"
    if main_name.startswith("file:"):
        path, _, query = main_name.partition("?")
        if "mode=memory" in query:
            return f"{path}_keys?{query}"
        return f"{_keys_path(path)}?{query}" if query else _keys_path(path)
    return _keys_path(main_name)


def _keys_path(path: str) -> str:
    stem, dot, suffix = path.rpartition(".")
    if dot and "/" not in suffix:
        return f"{stem}.keys.{suffix}"
    return f"{path}.keys"


def create_model(schema_editor, model) -> None:
    """Create ``model``'s table (and its indexes and constraints) in the key
    store, for a migration's ``RunPython``. The model must have no database
    foreign key (``db_constraint=False``): SQLite cannot reference another
    file, and the key store must outlive the rows it once served."""
    connection = schema_editor.connection
    table = model._meta.db_table
    with connection.schema_editor(collect_sql=True, atomic=False) as collector:
        collector.create_model(model)
    quoted = connection.ops.quote_name(table)
    qualified = f"{connection.ops.quote_name(SCHEMA)}.{quoted}"
    if connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE SCHEMA IF NOT EXISTS {connection.ops.quote_name(SCHEMA)}")
    for statement in collector.collected_sql:
        statement = statement.rstrip(";")
        if connection.vendor == "sqlite":
            # SQLite names the schema on the index, never on the table of an
            # index: CREATE INDEX "keys"."i" ON "t" (...).
            statement = re.sub(
                rf"^CREATE TABLE {re.escape(quoted)}", f"CREATE TABLE {qualified}", statement
            )
            statement = re.sub(
                r'^CREATE (UNIQUE )?INDEX "([^"]+)"',
                lambda m: f'CREATE {m.group(1) or ""}INDEX "{SCHEMA}"."{m.group(2)}"',
                statement,
            )
        else:
            statement = statement.replace(quoted, qualified)
        schema_editor.execute(statement)


def move_table(schema_editor, model) -> None:
    """Move an existing table of the data into the key store: created there,
    its rows copied, the old table dropped. Rows already in the key store
    (a restored older backup migrating forward beside a live key store) are
    kept, not doubled."""
    connection = schema_editor.connection
    create_model(schema_editor, model)
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    columns = ", ".join(qn(f.column) for f in model._meta.local_concrete_fields)
    if connection.vendor == "sqlite":
        source = f'"main".{table}'
        schema_editor.execute(
            f"INSERT OR IGNORE INTO {qn(SCHEMA)}.{table} ({columns}) "  # noqa: S608 (names)
            f"SELECT {columns} FROM {source}"
        )
    else:
        source = f"{qn(_data_schema(connection))}.{table}"
        schema_editor.execute(
            f"INSERT INTO {qn(SCHEMA)}.{table} ({columns}) "  # noqa: S608 (model names)
            f"SELECT {columns} FROM {source} ON CONFLICT DO NOTHING"
        )
        pk = model._meta.pk
        if pk.get_internal_type() in ("AutoField", "BigAutoField"):
            schema_editor.execute(
                f"SELECT setval(pg_get_serial_sequence('{SCHEMA}.{model._meta.db_table}', "  # noqa: S608
                f"'{pk.column}'), GREATEST(COALESCE(MAX({qn(pk.column)}), 0), 1)) "
                f"FROM {qn(SCHEMA)}.{table}"
            )
    schema_editor.execute(f"DROP TABLE {source}")


def _data_schema(connection) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return cursor.fetchone()[0]
