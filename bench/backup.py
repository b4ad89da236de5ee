"""``comptoir backup create`` (data kind) on a 1 GB SQLite database, against
``zstd -3 | openssl enc -aes-256-ctr`` on the same dump, in the same run.

Builds, in a fresh temporary COMPTOIR_VAR_DIR (SQLite, WAL), one
organisation and its persons as bench/sweep.py does (raw multi-row inserts:
parties with their data subject, key and one interaction each), then a
table of blobs up to the target size: half random bytes (like encrypted
columns), half their hex text (like ordinary columns), so the database
compresses about as a real one does.

* **comptoir**: ``comptoir backup create --kind data``, in process: the
  SQLite online backup copy, zstd (level 3, a worker per core), AES-256-GCM
  chunks, written through the backup storage. MB/s of the database's size.
* **pipeline** (the baseline): the same snapshot, already dumped to a file,
  through ``zstd -3 -c DUMP | openssl enc -aes-256-ctr -K .. -iv .. > out``,
  both at their default threads. MB/s of the same size.

    .venv/bin/python bench/backup.py            # full: 1 GB
    .venv/bin/python bench/backup.py --quick    # ~50 MB, seconds

The last line printed is one JSON object (../shared/BENCH.md): ``mb_per_s``,
``pipeline_mb_per_s``, ``ratio`` (comptoir / pipeline), target >= 0.8; and,
to say where the time goes, ``snapshot_s`` (the consistent copy alone),
``archive_s`` (compression, hash and encryption alone, on the same dump) and
``archive_ratio`` (pipeline time / archive time).
"""

import argparse
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC
from pathlib import Path

from _support import make_organisation, setup_django  # noqa: E402 (bench/ is the script folder)
from sweep import populate  # noqa: E402

MB = 1024 * 1024
BLOB = 256 * 1024
TARGET_RATIO = 0.8


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def fill(database: Path, target_bytes: int) -> None:
    """Blobs until the database file reaches ``target_bytes``."""
    db = sqlite3.connect(database)
    try:
        db.execute("CREATE TABLE bench_blob (id INTEGER PRIMARY KEY, body BLOB)")
        while database.stat().st_size < target_bytes:
            with db:
                for _ in range(64):
                    random = os.urandom(BLOB // 2)
                    db.execute("INSERT INTO bench_blob (body) VALUES (?)", [random])
                    db.execute("INSERT INTO bench_blob (body) VALUES (?)", [random.hex()])
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()


def pipeline(dump: Path, out: Path) -> float:
    key, iv = secrets.token_hex(32), secrets.token_hex(16)
    command = f"zstd -3 -q -c {dump} | openssl enc -aes-256-ctr -K {key} -iv {iv} > {out}"  # noqa: S608
    started = time.perf_counter()
    subprocess.run(["/bin/sh", "-c", command], check=True)  # noqa: S603
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="~50 MB, for CI")
    parser.add_argument("--mb", type=int, help="database size in MB (default 1024)")
    args = parser.parse_args()
    size_mb = args.mb or (50 if args.quick else 1024)
    if not 10 <= size_mb <= 4096:
        raise SystemExit("keep it bounded: 10 <= --mb <= 4096")
    persons = 5_000 if args.quick else 100_000
    var_dir = Path(tempfile.mkdtemp(prefix="comptoir-bench-backup-"))
    try:
        setup_django(var_dir)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone

        from comptoir.ops.backup import snapshot
        from comptoir.ops.backup.archive import Manifest, write_archive

        log(f"migrating a fresh database under {var_dir}")
        call_command("migrate", interactive=False, verbosity=0)
        organisation = make_organisation()
        populate(organisation, persons, 0.3, timezone.now().astimezone(UTC))
        connection.close()
        database = Path(settings.DATABASES["default"]["NAME"])
        fill(database, size_mb * MB)
        size = database.stat().st_size
        log(f"database: {size / MB:.0f} MB, {persons:,} persons")

        dump = var_dir / "dump.sqlite3"
        started = time.perf_counter()
        with dump.open("wb") as out:
            for block in snapshot.dump("data"):
                out.write(block)
        snapshot_s = time.perf_counter() - started
        connection.close()
        log(f"snapshot alone: {snapshot_s:.2f} s")

        started = time.perf_counter()
        call_command("backup", "create", "--kind", "data", stdout=open(os.devnull, "w"))  # noqa: SIM115
        comptoir_s = time.perf_counter() - started
        (backup,) = (var_dir / "backups" / "data").iterdir()
        log(f"comptoir: {comptoir_s:.2f} s, {backup.stat().st_size / MB:.0f} MB written")

        # The archive alone (zstd, SHA-256, AES-256-GCM) on the same dump: what
        # the pipeline does, without the snapshot Comptoir takes first.
        started = time.perf_counter()
        with dump.open("rb") as source, (var_dir / "archive.out").open("wb") as out:
            blocks = iter(lambda: source.read(snapshot.BLOCK_BYTES), b"")
            write_archive(blocks, out, Manifest("data", "", "sqlite", {}, ""))
        archive_s = time.perf_counter() - started
        log(f"archive alone: {archive_s:.2f} s")

        pipeline_s = pipeline(dump, var_dir / "pipeline.out")
        log(
            f"pipeline: {pipeline_s:.2f} s, {(var_dir / 'pipeline.out').stat().st_size / MB:.0f} MB"
        )

        mb_per_s = size / MB / comptoir_s
        pipeline_mb_per_s = size / MB / pipeline_s
        print(
            json.dumps(
                {
                    "mb_per_s": round(mb_per_s, 1),
                    "pipeline_mb_per_s": round(pipeline_mb_per_s, 1),
                    "ratio": round(mb_per_s / pipeline_mb_per_s, 2),
                    "target_ratio": TARGET_RATIO,
                    "database_mb": round(size / MB),
                    "comptoir_s": round(comptoir_s, 2),
                    "pipeline_s": round(pipeline_s, 2),
                    "snapshot_s": round(snapshot_s, 2),
                    "archive_s": round(archive_s, 2),
                    "archive_ratio": round(pipeline_s / archive_s, 2),
                    "persons": persons,
                }
            )
        )
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
