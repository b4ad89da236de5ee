"""What an attacker with the database files would read."""

from django.db import connection


def raw_database(*models) -> bytes:
    """Every byte the database holds for these models' tables.

    SQLite: the whole database image (``serialize()`` gives the file format).
    PostgreSQL: every column of every row through a plain cursor, plus each
    row as PostgreSQL's own text rendering.
    """
    if connection.vendor == "sqlite":
        return connection.connection.serialize()
    chunks = []
    with connection.cursor() as cursor:
        for model in models:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        chunks.append(bytes(value))
                    elif value is not None:
                        chunks.append(str(value).encode())
            cursor.execute(f"SELECT {table}::text FROM {table}")  # noqa: S608
            chunks += [row[0].encode() for row in cursor.fetchall()]
    return b"\x00".join(chunks)
