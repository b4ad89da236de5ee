"""Backups made directly from snapshots (``backup_create`` is another
helper's), restores run in a subprocess against a second, empty database,
and every table's rows read by raw SQL on both sides."""

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from comptoir.core.keystore import SCHEMA, sqlite_keystore_name
from comptoir.ops.backup import archive, snapshot
from comptoir.privacy.masterkey import master_key

ROOT = Path(__file__).resolve().parents[3]


def schema_version() -> dict[str, str]:
    """Each app's latest applied migration, as a manifest records it."""
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, name), name)
    return latest


def make_backup(kind: str, out: Path, **manifest) -> Path:
    """A backup file of ``kind`` of the test database (``manifest`` overrides
    the manifest's fields: another kind, engine or schema)."""
    fields = {
        "kind": kind,
        "created_at": timezone.now().isoformat(),
        "database": snapshot.engine(),
        "schema": schema_version(),
        "comptoir_version": "0.1.0",
    }
    fields.update(manifest)
    with out.open("wb") as stream:
        archive.write_archive(snapshot.dump(kind), stream, archive.Manifest(**fields))
    return out


def all_rows() -> dict[str, list[str]]:
    """Every row of every table (data, then the key store), each as the repr
    of its values, sorted: two databases with the same rows give the same."""
    rows = {}
    with connection.cursor() as cursor:
        for label, name in snapshot.every_table():
            cursor.execute(f"SELECT * FROM {name}")  # noqa: S608 (introspected names)
            rows[label] = sorted(repr(tuple(map(_plain, row))) for row in cursor.fetchall())
    return rows


def _plain(value):
    return bytes(value) if isinstance(value, memoryview) else value


# Targets ----------------------------------------------------------------------------
@dataclass
class Target:
    """An empty database a restore runs against, in a process of its own."""

    url: str
    var_dir: Path
    sqlite_path: Path | None = None
    pg_name: str | None = None

    @property
    def tmp(self) -> Path:
        """The restoring process's temporary folder (``TMPDIR``)."""
        return self.var_dir / "tmp"

    def tables(self) -> dict[str, list[str]]:
        """The tables it holds now, data and key store (no connection left open)."""
        if self.sqlite_path is not None:
            found = {}
            for kind, path in (
                ("data", self.sqlite_path),
                ("keys", Path(sqlite_keystore_name(str(self.sqlite_path)))),
            ):
                found[kind] = _sqlite_tables(path)
            return found
        with psycopg.connect(**pg_params(self.pg_name), autocommit=True) as db:
            rows = db.execute(
                "SELECT table_schema, table_name FROM information_schema.tables "
                "WHERE table_schema IN ('public', %s) ORDER BY 2",
                [SCHEMA],
            ).fetchall()
        return {
            "data": [t for s, t in rows if s == "public"],
            "keys": [t for s, t in rows if s == SCHEMA],
        }

    def restore(self, data: Path, keys: Path | None = None, *, key: bytes | None = None, probes=()):
        """Run ``backup_restore`` there; the subprocess's JSON answer."""
        out = self.var_dir / f"result-{uuid.uuid4().hex}.json"
        command = [sys.executable, "-m", "tests.ops.backup.run_restore", "--data", str(data)]
        if keys is not None:
            command += ["--keys", str(keys)]
        for probe in probes:
            command += ["--probe", probe]
        command += ["--out", str(out)]
        self.tmp.mkdir(exist_ok=True)
        env = dict(
            os.environ,
            TMPDIR=str(self.tmp),  # where the restore decrypts: empty again after it
            COMPTOIR_DATABASE_URL=self.url,
            COMPTOIR_VAR_DIR=str(self.var_dir),
            COMPTOIR_MASTER_KEY=(key or master_key()).hex(),
            DJANGO_SETTINGS_MODULE="comptoir.settings",
        )
        done = subprocess.run(  # noqa: S603
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
        )
        if not out.exists():
            raise AssertionError(f"the restore process failed:\n{done.stdout}\n{done.stderr}")
        return json.loads(out.read_text())


def _sqlite_tables(path: Path) -> list[str]:
    if not path.exists():
        return []
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ).fetchall()
    finally:
        db.close()
    return sorted(r[0] for r in rows)


def pg_params(dbname: str) -> dict:
    config = settings.DATABASES["default"]
    params = {"dbname": dbname, "host": config.get("HOST") or None}
    for key, name in (("port", "PORT"), ("user", "USER"), ("password", "PASSWORD")):
        if config.get(name):
            params[key] = config[name]
    return params


def _pg_url(dbname: str) -> str:
    config = settings.DATABASES["default"]
    auth = config.get("USER") or ""
    if config.get("PASSWORD"):
        auth += f":{config['PASSWORD']}"
    host = config.get("HOST") or "localhost"
    port = f":{config['PORT']}" if config.get("PORT") else ""
    return f"postgres://{auth}{'@' if auth else ''}{host}{port}/{dbname}"


class Targets:
    """Fresh empty databases of the test database's engine: SQLite files in a
    temporary folder, or PostgreSQL databases ``test_comptoir_R_restore_<n>``
    created and dropped on the real server."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.created: list[str] = []
        self.count = 0

    def new(self) -> Target:
        self.count += 1
        var_dir = self.folder / f"target-{self.count}"
        var_dir.mkdir(parents=True)
        if connection.vendor == "sqlite":
            path = var_dir / "comptoir.sqlite3"
            return Target(url=f"sqlite:///{path}", var_dir=var_dir, sqlite_path=path)
        name = f"test_comptoir_R_restore_{os.getpid()}_{self.count}".lower()
        with psycopg.connect(**pg_params("postgres"), autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            db.execute(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return Target(url=_pg_url(name), var_dir=var_dir, pg_name=name)

    def drop_all(self) -> None:
        if not self.created:
            return
        with psycopg.connect(**pg_params("postgres"), autocommit=True) as db:
            for name in self.created:
                db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.created.clear()
