"""Restoring a backup into an empty database.

``backup_restore`` puts a data backup (and, when the key store is gone too,
a key store backup) into the configured database, which must hold no data
tables: an SQLite file that does not exist yet or is empty, or a PostgreSQL
database with no table in its data schema. In order:

1. The manifests are checked without the key: the kind of each file, the
   engine it was made on (an SQLite backup does not go into PostgreSQL, nor
   the reverse), and its schema, which must not be newer than this code's
   migrations.
2. The target is checked: no data table; and either its key store is empty
   (a key store backup is then required and loaded) or it survived (it is
   kept, and a key store backup given is refused: older keys must never
   overwrite newer ones, an erasure made since would come undone).
3. Each file is decrypted and checked whole into a private temporary folder
   (mode 0700, deleted in every case) before anything is loaded: a tampered,
   truncated or foreign file changes nothing.
4. The key store (when given), then the data are loaded (``snapshot.load``),
   the schema is migrated forward (a backup of an older Comptoir comes up to
   date), and the ``REPLAYS`` run in order: what happened after the backup
   and must not come undone by it (erasures, offboardings).
5. The restore is written to the operator's journal (the system chain: no
   organisation, no personal data; which file, when it was made).
"""

import os
import tempfile
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management import call_command
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from comptoir.audit.models import Action
from comptoir.audit.services import Actor, audit_record
from comptoir.ops.backup import snapshot
from comptoir.ops.backup.archive import BackupError, Manifest, read_archive, read_header
from comptoir.ops.backup.services import backup_list
from comptoir.ops.backup.storage import backup_storage, local_root
from comptoir.ops.offboarding.services import offboardings_replay
from comptoir.privacy.records.replay import erasures_replay

# What must run after every restore, in order, once the data is loaded and
# migrated: each is called with no argument.
# What happened after the backup was made, done again: erasures (the journal
# in the key store) and tenant offboardings (theirs, beside it).
REPLAYS: tuple[Callable[[], object], ...] = (erasures_replay, offboardings_replay)

Progress = Callable[[str, int, int | None], None]
"""``progress(stage, done, total)``: stage ``decrypt`` (bytes of the files
read), then ``load``, ``migrate``, ``replay`` (steps; total may be None)."""

_BLOCK = 1024 * 1024


@dataclass
class RestoreReport:
    """What a restore did."""

    data: Manifest
    keys: Manifest | None  # None: the live key store was kept
    key_store: str  # "restored" or "kept"
    migrations: list[str] = field(default_factory=list)  # "app.name" applied after the load
    replays: int = 0
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows, data then key store


def backup_restore(
    *,
    data: Path,
    keys: Path | None = None,
    progress: Progress | None = None,
    replays: Iterable[Callable[[], object]] | None = None,
) -> RestoreReport:
    """Restore the data backup ``data`` (and the key store backup ``keys``,
    required when the configured key store is empty, refused when it is not)
    into the configured, empty database. Raises ``BackupError`` with a clear
    message, having changed nothing, when a file or the target is not right.
    ``replays`` replaces ``REPLAYS`` (tests)."""
    report = _progress(progress)
    data, keys = Path(data), Path(keys) if keys is not None else None
    data_manifest = _checked_header(data, snapshot.DATA)
    keys_manifest = _checked_header(keys, snapshot.KEYS) if keys is not None else None
    _check_target(keys_given=keys is not None)

    with _private_temp() as folder:
        total = _size(data) + (_size(keys) if keys is not None else 0)
        done = [0]

        def read(done_bytes: int) -> None:
            done[0] += done_bytes
            report("decrypt", done[0], total)

        data_plain, data_manifest = _decrypt(data, folder / "data", read)
        keys_plain = None
        if keys is not None:
            keys_plain, keys_manifest = _decrypt(keys, folder / "keys", read)

        report("load", 0, 2)
        if keys_plain is not None:
            snapshot.load(snapshot.KEYS, keys_plain)
        report("load", 1, 2)
        try:
            snapshot.load(snapshot.DATA, data_plain)
        except BackupError as exc:
            if keys_plain is None:
                raise
            raise BackupError(
                f"{exc}. The key store was restored: once the database is empty again, "
                "restore the data backup alone"
            ) from None
        report("load", 2, 2)
        before = _applied_migrations()

    report("migrate", 0, None)
    call_command("migrate", interactive=False, verbosity=0)
    migrated = sorted(f"{app}.{name}" for app, name in _applied_migrations() - before)
    report("migrate", 1, 1)

    steps = tuple(REPLAYS if replays is None else replays)
    for index, replay in enumerate(steps):
        report("replay", index, len(steps))
        replay()
    report("replay", len(steps), len(steps))

    audit_record(
        actor=Actor.system(),
        action=Action.RESTORE,
        organisation_id=None,
        object_type="backup",
        object_id=data.name[:64],
        fields=_journal_fields(data_manifest, keys_manifest),
    )
    return RestoreReport(
        data=data_manifest,
        keys=keys_manifest,
        key_store="restored" if keys_manifest is not None else "kept",
        migrations=migrated,
        replays=len(steps),
        rows=_row_counts(),
    )


def _progress(progress: Progress | None) -> Progress:
    if progress is None:
        return lambda _stage, _done, _total: None
    return progress


# Checks -----------------------------------------------------------------------------
def _checked_header(path: Path, kind: str) -> Manifest:
    """The file's manifest, read without the key, held to what this restore needs."""
    try:
        with path.open("rb") as stream:
            manifest, _header, _salt = read_header(stream)
    except FileNotFoundError:
        raise BackupError(f"no backup file at {path}") from None
    except OSError as exc:
        raise BackupError(f"{path} cannot be read ({exc.strerror})") from None
    if manifest.kind != kind:
        raise BackupError(
            f"{path.name} is a backup of the {_kind_name(manifest.kind)}, "
            f"not of the {_kind_name(kind)}"
        )
    engine = snapshot.engine()
    if manifest.database != engine:
        raise BackupError(
            f"{path.name} was made on {manifest.database}, the configured database is {engine}: "
            "restore it into a database of the same engine"
        )
    _check_schema(path, manifest)
    return manifest


def _check_schema(path: Path, manifest: Manifest) -> None:
    """Refuse a backup whose schema this code does not know: an app, or an
    app's migration, that is not here was made by a newer Comptoir."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    unknown = sorted(
        f"{app}.{name}" for app, name in manifest.schema.items() if (app, name) not in graph.nodes
    )
    if unknown:
        raise BackupError(
            f"{path.name} was made by a newer Comptoir (version {manifest.comptoir_version}): "
            f"its schema has migrations this version does not know ({', '.join(unknown)}); "
            "restore it with that version or a later one"
        )


def _check_target(*, keys_given: bool) -> None:
    """The configured database must hold no data; its key store decides
    whether a key store backup is needed or refused."""
    try:
        data_tables = snapshot.tables(snapshot.DATA)
        key_store_empty = not snapshot.tables(snapshot.KEYS)
    except DatabaseError as exc:
        raise BackupError(
            f"the configured database cannot be read ({exc.__class__.__name__}): "
            "restore into an empty database"
        ) from None
    if data_tables:
        raise BackupError(
            "the database is not empty (data tables exist): restore into an empty database"
        )
    if key_store_empty and not keys_given:
        raise BackupError(
            "the key store is empty: give the key store backup too (--keys), "
            "without it the personal data of the backup cannot be read"
        )
    if not key_store_empty and keys_given:
        raise BackupError(
            "the key store is not empty: it is kept, and a key store backup is not restored "
            "over it (older keys would bring back people erased since); "
            "restore the data backup alone"
        )


def _kind_name(kind: str) -> str:
    return {snapshot.DATA: "data", snapshot.KEYS: "key store"}.get(kind, repr(kind))


# Files ------------------------------------------------------------------------------
@contextmanager
def _private_temp():
    with tempfile.TemporaryDirectory(prefix="comptoir-restore-") as name:
        os.chmod(name, 0o700)
        yield Path(name)


def _size(path: Path) -> int:
    return path.stat().st_size


class _Counting:
    """A read-only stream that tells how many bytes were read."""

    def __init__(self, stream, on_read: Callable[[int], None]):
        self.stream, self.on_read = stream, on_read

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.on_read(len(chunk))
        return chunk


def _decrypt(path: Path, out: Path, on_read: Callable[[int], None]) -> tuple[Path, Manifest]:
    """Decrypt and check the whole file into ``out`` (0600); a failure raises
    ``BackupError`` before anything is loaded. The manifest comes back
    complete (the plaintext's size and SHA-256, from the final chunk)."""
    with path.open("rb") as stream:
        manifest, blocks = read_archive(_Counting(stream, on_read))
        descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as target:
            for block in blocks:
                target.write(block)
    return out, manifest


# After the load ---------------------------------------------------------------------
def _applied_migrations() -> set[tuple[str, str]]:
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return set()
    return set(recorder.applied_migrations())


def _journal_fields(data: Manifest, keys: Manifest | None) -> list[str]:
    """The backup's times and versions, for the journal: no personal data."""
    fields = [
        f"data.created_at={data.created_at}",
        f"data.comptoir_version={data.comptoir_version}",
    ]
    if keys is not None:
        fields.append(f"keys.created_at={keys.created_at}")
    return fields


def _row_counts() -> dict[str, int]:
    """Rows per table, the data's then the key store's (one COUNT each)."""
    counts = {}
    with connection.cursor() as cursor:
        for label, name in snapshot.every_table():
            cursor.execute(f"SELECT COUNT(*) FROM {name}")  # noqa: S608 (introspected names)
            counts[label] = cursor.fetchone()[0]
    return counts


@contextmanager
def located(backup: str):
    """The local file of ``backup``: a path, or a name in the backup storage
    (as ``backup list`` prints it), fetched to a private temporary file when
    the storage is not a local folder."""
    path = Path(backup)
    if path.is_file():
        yield path
        return
    storage = backup_storage()
    if not storage.exists(backup):
        raise BackupError(f"no backup file, nor stored backup, named {backup!r}")
    if local_root(storage) is not None:
        yield Path(storage.path(backup))
        return
    with _private_temp() as folder, storage.open(backup, "rb") as stream:
        local = folder / Path(backup).name
        with local.open("wb") as out:
            while block := stream.read(1024 * 1024):
                out.write(block)
        yield local


def keys_backup_needed() -> str | None:
    """The newest readable key store backup, when the configured key store is
    empty and one must be restored; None when the key store survived."""
    if snapshot.tables(snapshot.KEYS):
        return None
    readable = [b for b in backup_list() if b.kind == snapshot.KEYS and not b.error]
    if not readable:
        raise BackupError(
            "the key store is empty and no key store backup is stored: give one with --keys"
        )
    return readable[-1].name
