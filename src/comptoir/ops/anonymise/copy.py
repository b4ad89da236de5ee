"""``anonymised_copy``: the current database (SQLite or PostgreSQL) copied to a
new SQLite file in which every declared personal value is a fake.

Two processes, so the copy never shares a key with production:

1. this one reads every copied table through the ORM (decrypting), puts fakes
   in place of personal values (``substitute.Anonymiser``) and writes the rows,
   fakes only, to a file in a private temporary folder (mode 0700);
2. a ``comptoir anonymised-copy-load`` subprocess, whose database is OUT and
   whose master key is a new one written beside it (``OUT.master.key``, mode
   0600), migrates OUT and loads the rows through the ORM: every encrypted
   value is sealed under the copy's own keys, blind indexes and the audit
   chain's MACs are computed under them.

The temporary folder is deleted whatever happens; a failed load removes OUT
and its key.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.utils.translation import gettext as _

from comptoir.audit.models import (
    Action,
    AuditChainHead,
    AuditCheckpoint,
    AuditEvent,
    AuditEventSubject,
)
from comptoir.audit.services import Actor, audit_record
from comptoir.core.keystore import sqlite_keystore_name
from comptoir.ops.anonymise import rowfile
from comptoir.ops.anonymise.fakes import FakeValues
from comptoir.ops.anonymise.plan import copied_models
from comptoir.ops.anonymise.substitute import Anonymiser
from comptoir.privacy.masterkey import MASTER_KEY_BYTES

Progress = Callable[[str, int, int], None]
LOAD_COMMAND = "anonymised-copy-load"
CHUNK = 1000
# The journal goes last, the rows its events' hashes cover first: the loader
# computes each event's hash under the copy's key as it inserts it.
AUDIT_ORDER = [AuditCheckpoint, AuditEventSubject, AuditEvent, AuditChainHead]


class CopyRefused(Exception):
    """The copy cannot be made where asked: nothing was written."""


class CopyFailed(Exception):
    """Loading the copy failed: OUT and its key were removed."""


@dataclass(frozen=True)
class CopyReport:
    out: Path
    key_file: Path
    rows: int
    tables: int

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.out}"

    def how_to_run(self) -> str:
        return (
            f"COMPTOIR_DATABASE_URL={self.database_url} "
            f"COMPTOIR_MASTER_KEY_FILE={self.key_file} comptoir serve"
        )


def key_file_of(out: Path) -> Path:
    return out.with_name(out.name + ".master.key")


def anonymised_copy(
    *, out: Path, progress: Progress | None = None, fakes: FakeValues | None = None
) -> CopyReport:
    """Write the anonymised copy to ``out`` (a new file) and its master key beside it."""
    out = Path(out).expanduser().resolve()
    key_file = key_file_of(out)
    for path in (out, key_file):
        if path.exists():
            raise CopyRefused(_("%(path)s already exists: choose a new file.") % {"path": path})
    if not out.parent.is_dir():
        raise CopyRefused(_("%(path)s is not a folder.") % {"path": out.parent})
    private = Path(tempfile.mkdtemp(prefix="comptoir-anonymise-"))
    try:
        rows_path = private / "rows.jsonl"
        rows, tables = _write_rows(rows_path, Anonymiser(fakes), progress)
        _write_master_key(key_file)
        try:
            _load(rows_path, out=out, key_file=key_file, rows=rows)
        except BaseException:
            _remove_copy(out, key_file)
            raise
    finally:
        shutil.rmtree(private, ignore_errors=True)
    return CopyReport(out=out, key_file=key_file, rows=rows, tables=tables)


def _write_rows(path: Path, anonymiser: Anonymiser, progress: Progress | None) -> tuple[int, int]:
    """Every copied row, anonymised, to ``path``, read in one snapshot."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    written = 0
    with os.fdopen(fd, "w", encoding="utf-8") as handle, _snapshot():
        audit_record(
            actor=Actor.system(),
            action=Action.EXPORT,
            organisation_id=None,
            object_type="ops.anonymisedcopy",
        )
        models = [m for m in copied_models() if m not in AUDIT_ORDER]
        models += [m for m in AUDIT_ORDER if m in copied_models()]
        for model in models:
            queryset = model._base_manager.all()
            queryset = (
                queryset.order_by("chain", "seq")
                if model is AuditEvent
                else queryset.order_by("pk")
            )
            total = queryset.count()
            done = 0
            for obj in queryset.iterator(chunk_size=CHUNK):
                handle.write(rowfile.encode(model, anonymiser.row(obj)))
                done += 1
                if progress and (done % CHUNK == 0 or done == total):
                    progress(model._meta.label, done, total)
            if progress and total == 0:
                progress(model._meta.label, 0, 0)
            written += done
    return written, len(models)


class _snapshot:
    """One read transaction for the whole reading (repeatable read on PostgreSQL)."""

    def __enter__(self):
        outer = connection.in_atomic_block
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        if connection.vendor == "postgresql" and not outer:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return self

    def __exit__(self, *exc):
        return self._atomic.__exit__(*exc)


def _write_master_key(path: Path) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(os.urandom(MASTER_KEY_BYTES).hex() + "\n")


def copy_environment(out: Path, key_file: Path) -> dict[str, str]:
    """The environment of a Comptoir process working on the copy."""
    env = dict(os.environ)
    env.pop("COMPTOIR_MASTER_KEY", None)
    env.pop("COMPTOIR_TEST_DATABASE_NAME", None)
    env["COMPTOIR_DATABASE_URL"] = f"sqlite:///{out}"
    env["COMPTOIR_MASTER_KEY_FILE"] = str(key_file)
    env.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings")
    return env


def _load(rows_path: Path, *, out: Path, key_file: Path, rows: int) -> None:
    command = [sys.executable, "-m", "comptoir.cli", LOAD_COMMAND, str(rows_path)]
    command += ["--rows", str(rows)]
    result = subprocess.run(command, env=copy_environment(out, key_file), check=False)  # noqa: S603
    if result.returncode != 0:
        raise CopyFailed(
            _("Loading the copy failed (exit status %(code)s); nothing was kept.")
            % {"code": result.returncode}
        )


def _remove_copy(out: Path, key_file: Path) -> None:
    """OUT, its WAL and shared memory, its key store (beside it), its key."""
    for path in (str(out), sqlite_keystore_name(str(out))):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(path + suffix).unlink(missing_ok=True)
    key_file.unlink(missing_ok=True)
