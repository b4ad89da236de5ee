"""Consistent snapshots of the database, as streams of bytes, and their loading.

Two kinds, kept apart (``comptoir.core.keystore``):

* ``data``: everything but the key store. SQLite: the main database file,
  copied by SQLite's online backup API (a consistent copy while Comptoir
  runs). PostgreSQL: ``pg_dump --format=custom --exclude-schema=comptoir_keys``
  (one snapshot, in a repeatable-read transaction of its own).
* ``keys``: the key store alone (organisations' and persons' keys, the
  erasure journal). SQLite: the attached file, by the same API. PostgreSQL:
  ``pg_dump --schema=comptoir_keys``.

``dump`` yields the snapshot block by block: the SQLite copy goes to a
temporary file first (the backup API writes a database, not a stream), then
is read back in blocks and deleted, so memory holds one block whatever the
size of the database. ``load`` takes a plaintext snapshot file and puts it
into the configured database, which must be empty of that kind.
"""

import os
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connections

from comptoir.core.keystore import SCHEMA, sqlite_keystore_name
from comptoir.ops.backup.archive import BackupError

DATA, KEYS = "data", "keys"
KINDS = (DATA, KEYS)
BLOCK_BYTES = 1024 * 1024
SQLITE_PAGES_PER_STEP = 4096


def engine(alias: str = "default") -> str:
    """``sqlite`` or ``postgresql``: what a manifest records."""
    return connections[alias].vendor


def dump(
    kind: str, *, alias: str = "default", progress: Callable[[int, int], None] | None = None
) -> Iterator[bytes]:
    """The snapshot of ``kind`` as blocks of bytes. ``progress(done, total)``
    follows the SQLite copy in pages (PostgreSQL's dump gives no total)."""
    _check_kind(kind)
    connection = connections[alias]
    if connection.vendor == "sqlite":
        if connection.in_atomic_block:
            # SQLite's backup would wait for ever on this connection's own
            # transaction (it retries while the source is being written).
            raise BackupError("a backup cannot be taken inside a transaction")
        return _sqlite_dump(connection, kind, progress)
    return _pg_dump(connection, kind)


def load(kind: str, path: Path, *, alias: str = "default") -> None:
    """Load a plaintext snapshot of ``kind`` (a file ``dump`` produced) into
    the configured database. Refuses, changing nothing, when the target
    already holds tables of that kind."""
    _check_kind(kind)
    connection = connections[alias]
    if tables(kind, alias=alias):
        raise BackupError(
            f"the database is not empty ({'key store' if kind == KEYS else 'data'} tables exist): "
            "restore into an empty database"
        )
    if connection.vendor == "sqlite":
        _sqlite_load(connection, kind, path)
    else:
        _pg_load(connection, kind, path)


def tables(kind: str, *, alias: str = "default") -> list[str]:
    """The tables of ``kind`` the configured database holds now."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            schema = SCHEMA if kind == KEYS else "main"
            cursor.execute(
                f"SELECT name FROM {schema}.sqlite_master "  # noqa: S608 (a constant)
                "WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        else:
            schema = "%s" if kind == KEYS else "current_schema()"
            cursor.execute(
                "SELECT table_name FROM information_schema.tables "  # noqa: S608 (constants)
                f"WHERE table_schema = {schema} ORDER BY table_name",
                [SCHEMA] if kind == KEYS else [],
            )
        return [row[0] for row in cursor.fetchall()]


def every_table(*, alias: str = "default") -> list[tuple[str, str]]:
    """(label, SQL name) of every table, the data's then the key store's:
    ``comptoir_keys.<table>`` for the key store's, so both can be told apart."""
    qn = connections[alias].ops.quote_name
    found = []
    for kind in KINDS:
        for table in tables(kind, alias=alias):
            if kind == KEYS:
                found.append((f"{SCHEMA}.{table}", f"{qn(SCHEMA)}.{qn(table)}"))
            else:
                found.append((table, qn(table)))
    return found


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"a snapshot is of kind {' or '.join(KINDS)}, not {kind!r}")


# SQLite ---------------------------------------------------------------------------
def _sqlite_source(connection, kind: str) -> sqlite3.Connection:
    """A connection whose ``main`` is the database of ``kind``."""
    connection.ensure_connection()
    if kind == DATA:
        return connection.connection
    return sqlite3.connect(sqlite_keystore_name(connection.settings_dict["NAME"]), uri=True)


def _sqlite_dump(connection, kind: str, progress) -> Iterator[bytes]:
    with _private_temp() as folder:
        copy = folder / "snapshot.sqlite3"
        source = _sqlite_source(connection, kind)
        target = sqlite3.connect(copy)
        try:

            def step(_status, remaining, total):
                if progress is not None:
                    progress(total - remaining, total)

            source.backup(target, pages=SQLITE_PAGES_PER_STEP, progress=step)
        finally:
            target.close()
            if source is not connection.connection:
                source.close()
        yield from _blocks(copy)


def _sqlite_load(connection, kind: str, path: Path) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        _check_sqlite_file(source)
        connection.ensure_connection()
        if kind == DATA:
            source.backup(connection.connection)
        else:
            target = sqlite3.connect(
                sqlite_keystore_name(connection.settings_dict["NAME"]), uri=True
            )
            try:
                source.backup(target)
            finally:
                target.close()
    finally:
        source.close()


def _check_sqlite_file(source: sqlite3.Connection) -> None:
    try:
        (result,) = source.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError:
        raise BackupError("the backup does not hold an SQLite database") from None
    if result != "ok":
        raise BackupError("the SQLite database in the backup fails its integrity check")


# PostgreSQL -----------------------------------------------------------------------
def _pg_environment(connection) -> tuple[list[str], dict]:
    settings = connection.settings_dict
    args = ["--no-password"]
    if settings.get("HOST"):
        args.append(f"--host={settings['HOST']}")
    if settings.get("PORT"):
        args.append(f"--port={settings['PORT']}")
    if settings.get("USER"):
        args.append(f"--username={settings['USER']}")
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return args, env


def _pg_dump(connection, kind: str) -> Iterator[bytes]:
    args, env = _pg_environment(connection)
    scope = f"--schema={SCHEMA}" if kind == KEYS else f"--exclude-schema={SCHEMA}"
    command = [
        "pg_dump",
        *args,
        "--format=custom",
        "--compress=0",  # zstd compresses the stream: compressing twice only costs
        "--no-owner",
        "--no-privileges",
        scope,
        f"--dbname={connection.settings_dict['NAME']}",
    ]
    with _private_temp() as folder:
        errors = folder / "stderr"
        with errors.open("wb") as stderr:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, env=env)  # noqa: S603
            try:
                while block := process.stdout.read(BLOCK_BYTES):
                    yield block
            finally:
                process.stdout.close()
                code = process.wait()
        if code != 0:
            raise BackupError(f"pg_dump failed: {_tail(errors)}")


def _pg_load(connection, kind: str, path: Path) -> None:
    args, env = _pg_environment(connection)
    command = [
        "pg_restore",
        *args,
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={connection.settings_dict['NAME']}",
        str(path),
    ]
    connection.close()  # pg_restore works alone on the database
    result = subprocess.run(command, capture_output=True, env=env, check=False)  # noqa: S603
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise BackupError("pg_restore failed: " + " / ".join(message))


# Files ----------------------------------------------------------------------------
@contextmanager
def _private_temp():
    with tempfile.TemporaryDirectory(prefix="comptoir-backup-") as name:
        os.chmod(name, 0o700)
        yield Path(name)


def _blocks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as stream:
        while block := stream.read(BLOCK_BYTES):
            yield block


def _tail(path: Path) -> str:
    lines = path.read_bytes().decode(errors="replace").strip().splitlines()
    return " / ".join(lines[-3:]) or "no message"
