"""A backup of a database larger than the memory the process may use.

The bare process is measured first: the peak address space of ``comptoir
backup create`` on a small database, already large enough to fill every
buffer of the pipeline once (a few compressed chunks), so what is measured is
the process's fixed need. Then the database grows by random blobs to more
than twice the margin, and the same command runs with RLIMIT_AS set to the
bare peak plus the margin: it must succeed, so memory did not grow with the
database. Then the backup is verified."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from comptoir.core.keystore import sqlite_keystore_name
from comptoir.ops.backup import services

MARGIN = 64 * 1024 * 1024
BLOB = 1024 * 1024
WARM = 24 * BLOB  # past a few 4 MB chunks: the buffers of the pipeline are all in use
CHILD = Path(__file__).with_name("memory_child.py")


def _add_blobs(database: Path, count: int) -> None:
    db = sqlite3.connect(database)
    db.execute("CREATE TABLE IF NOT EXISTS bench_blob (id INTEGER PRIMARY KEY, body BLOB)")
    for _ in range(count):
        db.execute("INSERT INTO bench_blob (body) VALUES (?)", [os.urandom(BLOB)])
    db.commit()
    db.close()


def _copy_test_database(target: Path) -> None:
    """The migrated test database (and its key store) as files the child opens."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    connection.connection.backup(copy)
    copy.close()
    source = sqlite3.connect(sqlite_keystore_name(connection.settings_dict["NAME"]), uri=True)
    keys = sqlite3.connect(sqlite_keystore_name(str(target)))
    source.backup(keys)
    keys.close()
    source.close()


def _run(limit: int, tmp_path: Path, env: dict) -> int:
    peak = tmp_path / "peak"
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(CHILD), str(limit), str(peak), "backup", "create", "--kind", "data"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return int(peak.read_text())


@pytest.mark.skipif(connection.vendor != "sqlite", reason="an SQLite database file of blobs")
@pytest.mark.django_db(transaction=True)
def test_a_database_larger_than_the_memory_limit_is_backed_up(backup_folder, tmp_path):
    database = tmp_path / "big.sqlite3"
    _copy_test_database(database)
    env = {
        **os.environ,
        "COMPTOIR_DATABASE_URL": f"sqlite:///{database}",
        "COMPTOIR_BACKUP_STORAGE_OPTIONS": f'{{"location": "{backup_folder}"}}',
        "MALLOC_ARENA_MAX": "2",  # the same arenas in both runs, whatever the threads do
    }
    _add_blobs(database, WARM // BLOB)
    bare = _run(0, tmp_path, env)

    _add_blobs(database, 2 * MARGIN // BLOB)
    assert database.stat().st_size > 2 * MARGIN

    _run(bare + MARGIN, tmp_path, env)
    backups = services.backup_list()
    assert len(backups) == 2, [b.name for b in backups]
    largest = max(backups, key=lambda b: b.size)
    assert largest.size > 2 * MARGIN  # random blobs do not compress
    results = services.backup_verify(name=largest.name)
    assert results[0].ok, results[0].message
    assert results[0].manifest.size >= database.stat().st_size - BLOB
