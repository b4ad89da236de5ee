"""Backups: create, list, verify, prune (issue #14; restore is ``restore.py``).

``backup_create`` writes one archive per kind (``data``, then ``keys``: the
key store is backed up apart, ``snapshot``) to ``storages["backups"]``,
streamed end to end (snapshot -> zstd -> AES-256-GCM -> storage), each under
a name that sorts by time (``policy.backup_name``). ``backup_prune`` applies
the rotation of ``policy`` with the durations of the settings. Creating and
deleting a backup is journalled in the operator's (system) chain: the
backup's name only, no personal data.

None of these holds a database transaction around its work: a backup of a
large database takes minutes, and a snapshot is consistent on its own (the
SQLite backup API, pg_dump's snapshot). Each journal event is written in its
own transaction once the file it names is in place (or gone).
"""

import importlib.metadata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import BinaryIO

from django.conf import settings
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from comptoir.audit.models import Action
from comptoir.audit.services import Actor, audit_record
from comptoir.core.keystore import SCHEMA
from comptoir.ops.backup import policy, snapshot
from comptoir.ops.backup.archive import (
    BackupError,
    Manifest,
    read_header,
    verify_archive,
    write_archive,
)
from comptoir.ops.backup.storage import backup_storage, names_in, write_new

OBJECT_TYPE = "ops.backup"
# progress(what, done, total): bytes; total None when not known ahead (pg_dump).
Progress = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class Backup:
    name: str
    kind: str | None
    created_at: datetime | None
    size: int | None  # bytes of the file
    manifest: Manifest | None = None
    error: str = ""  # why its header cannot be read


@dataclass(frozen=True)
class Verification:
    name: str
    ok: bool
    message: str  # "ok", or the BackupError's message
    manifest: Manifest | None = None


def durations() -> policy.Durations:
    return policy.Durations(
        hourly=timedelta(days=settings.BACKUP_HOURLY_DAYS),
        weekly=timedelta(days=settings.BACKUP_WEEKLY_DAYS),
        keys=timedelta(days=settings.BACKUP_KEYS_DAYS),
    )


def schema_version(alias: str = "default") -> dict[str, str]:
    """Each app's latest applied migration (by name: they are numbered)."""
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connections[alias]).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


def comptoir_version() -> str:
    try:
        return importlib.metadata.version("comptoir")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _estimated_size(kind: str, alias: str) -> int | None:
    """The database's size in bytes, SQLite only (pg_dump's size is not known ahead)."""
    connection = connections[alias]
    if connection.vendor != "sqlite":
        return None
    schema = SCHEMA if kind == snapshot.KEYS else "main"
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA {schema}.page_count")
        pages = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA {schema}.page_size")
        return pages * cursor.fetchone()[0]


class _Tracker:
    """One backup's progress in bytes. On SQLite the database is first copied
    (reported in pages), then the copy compressed and encrypted: each half
    counts as the database's size. pg_dump's size is not known ahead."""

    def __init__(self, kind: str, size: int | None, progress: Progress | None):
        self.kind, self.size, self.progress = kind, size, progress
        self.copied_bytes = self.written_bytes = 0

    def copied(self, done_pages: int, total_pages: int) -> None:
        if self.size and total_pages:
            self.copied_bytes = self.size * done_pages // total_pages
            self._report()

    def written(self, count: int) -> None:
        self.written_bytes += count
        if self.size is not None:
            self.copied_bytes = self.size
        self._report()

    def _report(self) -> None:
        if self.progress is not None:
            total = None if self.size is None else 2 * self.size
            self.progress(self.kind, self.copied_bytes + self.written_bytes, total)


def backup_create(
    *,
    kinds: tuple[str, ...] = snapshot.KINDS,
    progress: Progress | None = None,
    actor: Actor | None = None,
    now: datetime | None = None,
    alias: str = "default",
) -> list[Backup]:
    """One backup per kind, in ``kinds``' order; a failure raises
    ``BackupError`` and leaves no file under the failed backup's name."""
    storage = backup_storage()
    created = []
    for kind in kinds:
        if kind not in snapshot.KINDS:
            raise BackupError(f"no backup of kind {kind!r}: {' or '.join(snapshot.KINDS)}")
        moment = (now or timezone.now()).astimezone(UTC).replace(microsecond=0)
        manifest = Manifest(
            kind=kind,
            created_at=moment.isoformat(),
            database=snapshot.engine(alias),
            schema=schema_version(alias),
            comptoir_version=comptoir_version(),
        )
        tracker = _Tracker(kind, _estimated_size(kind, alias), progress)

        def writer(stream: BinaryIO, kind=kind, manifest=manifest, tracker=tracker) -> Manifest:
            blocks = snapshot.dump(kind, alias=alias, progress=tracker.copied)
            return write_archive(blocks, stream, manifest, progress=tracker.written)

        name = write_new(storage, policy.backup_name(kind, moment), writer)
        audit_record(
            actor=actor or Actor.system(),
            action=Action.CREATE,
            organisation_id=None,
            object_type=OBJECT_TYPE,
            object_id=name,
        )
        created.append(Backup(name, kind, moment, storage.size(name), manifest))
    return created


def _names() -> list[str]:
    storage = backup_storage()
    return names_in(storage, snapshot.DATA) + names_in(storage, snapshot.KEYS)


def backup_list() -> list[Backup]:
    """Every file of the backup folders, oldest first by name, with its
    header (read without the key); a file that is not a readable backup is
    listed with the reason."""
    storage = backup_storage()
    found = []
    for name in _names():
        parsed = policy.parse_name(name)
        kind, created = parsed if parsed else (None, None)
        manifest, error = None, ""
        try:
            with storage.open(name, "rb") as stream:
                manifest = read_header(stream)[0]
        except BackupError as exc:
            error = str(exc)
        found.append(Backup(name, kind, created, storage.size(name), manifest, error))
    return sorted(found, key=lambda b: (b.created_at or datetime.max.replace(tzinfo=UTC), b.name))


class _Counting:
    """A read-only stream that reports how many bytes were read."""

    def __init__(self, stream, report: Callable[[int], None]):
        self.stream, self.report, self.done = stream, report, 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.done += len(data)
        self.report(self.done)
        return data


def backup_verify(
    *, name: str | None = None, progress: Progress | None = None
) -> list[Verification]:
    """Decrypt and check every backup (or the one named) without restoring
    it: one result per file, ok or the reason it fails."""
    storage = backup_storage()
    if name is not None:
        if name not in _names():  # only a file of the backup folders, never a path
            raise BackupError(f"no backup named {name!r} (see 'comptoir backup list')")
        names = [name]
    else:
        names = [b.name for b in backup_list()]
    results = []
    for each in names:
        total = storage.size(each)
        try:
            with storage.open(each, "rb") as raw:
                stream = _Counting(
                    raw,
                    (lambda done, each=each, total=total: progress(each, done, total))
                    if progress
                    else (lambda done: None),
                )
                manifest = verify_archive(stream)
            results.append(Verification(each, True, "ok", manifest))
        except BackupError as exc:
            results.append(Verification(each, False, str(exc)))
    return results


@dataclass(frozen=True)
class Pruned:
    removed: list[policy.Decision]
    kept: list[policy.Decision]


def backup_prune(*, now: datetime | None = None, dry_run: bool = False) -> Pruned:
    """Delete the backups the rotation no longer keeps (``policy``); with
    ``dry_run``, only say which. Each deletion is journalled."""
    storage = backup_storage()
    decisions = policy.decide(_names(), now=now or timezone.now(), durations=durations())
    removed = [d for d in decisions if not d.keep]
    if not dry_run:
        for decision in removed:
            storage.delete(decision.name)
            audit_record(
                actor=Actor.system(),
                action=Action.DELETE,
                organisation_id=None,
                object_type=OBJECT_TYPE,
                object_id=decision.name,
            )
    return Pruned(removed=removed, kept=[d for d in decisions if d.keep])
