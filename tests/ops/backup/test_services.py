"""create -> list -> verify, tampered copies, what a data backup holds, prune:
on the configured database (SQLite by default, PostgreSQL with
COMPTOIR_DATABASE_URL: pg_dump against the real server)."""

import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from comptoir.audit.models import SYSTEM_CHAIN, Action, AuditEvent
from comptoir.ops.backup import policy, services, snapshot, tasks
from comptoir.ops.backup.archive import MAGIC, BackupError, read_archive
from comptoir.ops.backup.storage import backup_storage
from comptoir.privacy import keys
from comptoir.privacy.models import OrganisationKey
from tests.factories import FrenchOrganisationFactory

pytestmark = pytest.mark.usefixtures("transactional_db")  # pg_dump reads committed rows only


@pytest.fixture
def organisation():
    """An organisation with a data subject: its keys land in the key store."""
    org = FrenchOrganisationFactory()
    keys.subject_create(organisation=org)
    assert OrganisationKey.objects.of(org).exists()
    return org


def test_create_list_verify(backup_folder, organisation):
    progress = []
    created = services.backup_create(progress=lambda *args: progress.append(args))
    assert [b.kind for b in created] == ["data", "keys"]
    for backup in created:
        assert policy.parse_name(backup.name)[0] == backup.kind
        path = backup_folder / backup.name
        assert path.stat().st_mode & 0o777 == 0o600
        assert path.parent.stat().st_mode & 0o777 == 0o700
        manifest = backup.manifest
        assert manifest.database == connection.vendor
        assert manifest.schema["privacy"].startswith("0")
        assert datetime.fromisoformat(manifest.created_at).tzinfo is not None
        assert manifest.size > 0 and len(manifest.sha256) == 64
    assert {kind for kind, _done, _total in progress} == {"data", "keys"}

    listed = services.backup_list()
    assert [b.name for b in listed] == sorted(b.name for b in created)
    assert all(b.manifest and b.manifest.kind == b.kind for b in listed)

    results = services.backup_verify()
    assert [(r.name, r.ok, r.message) for r in results] == [(b.name, True, "ok") for b in listed]
    assert services.backup_verify(name=created[1].name)[0].ok

    journal = AuditEvent.objects.filter(chain=SYSTEM_CHAIN, object_type=services.OBJECT_TYPE)
    assert sorted(journal.filter(action=Action.CREATE).values_list("object_id", flat=True)) == (
        sorted(b.name for b in created)
    )


def _decrypted(path, target):
    with path.open("rb") as stream, target.open("wb") as out:
        manifest, blocks = read_archive(stream)
        for block in blocks:
            out.write(block)
    return manifest


def test_the_data_backup_holds_no_key_store_table(backup_folder, organisation, tmp_path):
    key_tables = set(snapshot.tables(snapshot.KEYS))
    assert "privacy_organisationkey" in key_tables
    data, keys = services.backup_create()
    data_dump, keys_dump = tmp_path / "data.dump", tmp_path / "keys.dump"
    _decrypted(backup_folder / data.name, data_dump)
    _decrypted(backup_folder / keys.name, keys_dump)
    if connection.vendor == "sqlite":
        data_tables = _sqlite_tables(data_dump)
        assert "tenancy_organisation" in data_tables
        assert not data_tables & key_tables
        assert _sqlite_tables(keys_dump) == key_tables
    else:
        data_list, keys_list = _pg_list(data_dump), _pg_list(keys_dump)
        assert "tenancy_organisation" in data_list
        assert snapshot.SCHEMA not in data_list
        assert not any(f" {table} " in data_list for table in key_tables)
        assert all(f"{snapshot.SCHEMA} {table} " in keys_list for table in key_tables)
        assert "tenancy_organisation" not in keys_list


def _sqlite_tables(path) -> set[str]:
    db = sqlite3.connect(path)
    try:
        rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    finally:
        db.close()
    return {name for (name,) in rows if not name.startswith("sqlite_")}


def _pg_list(path) -> str:
    listing = subprocess.run(  # noqa: S603
        ["pg_restore", "--list", str(path)],  # noqa: S607
        capture_output=True,
        check=True,
        text=True,
    )
    return listing.stdout


def _flip(path, offset):
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_tampered_copies_fail_verification_with_a_clear_message(backup_folder, organisation):
    (data,) = services.backup_create(kinds=("data",))
    original = (backup_folder / data.name).read_bytes()
    storage = backup_storage()

    def copy(suffix: str, content: bytes) -> str:
        name = f"data/comptoir-data-20260101T0000{suffix}Z.cbk"
        storage.save(name, ContentFile(content))
        return name

    flipped = copy("01", original[:-200] + bytes([original[-200] ^ 1]) + original[-199:])
    truncated = copy("02", original[: len(original) // 2])
    header = original.replace(b'"database":"', b'"database":"X', 1)
    header = header.replace(
        header[8:12], (int.from_bytes(header[8:12], "big") + 1).to_bytes(4, "big"), 1
    )
    edited = copy("03", header)
    not_ours = copy("04", b"hello")
    results = {r.name: r for r in services.backup_verify()}
    assert results[data.name].ok
    assert "does not authenticate" in results[flipped].message
    assert "truncated" in results[truncated].message
    assert "does not authenticate" in results[edited].message
    assert "not a Comptoir backup" in results[not_ours].message
    assert not any(results[n].ok for n in (flipped, truncated, edited, not_ours))

    with pytest.raises(CommandError, match="4 of 5 backup"):
        call_command("backup", "verify")
    call_command("backup", "verify", data.name)
    for wrong in ("data/nothing.cbk", "../backups/" + data.name, "/etc/hostname"):
        with pytest.raises(CommandError, match="no backup named"):
            call_command("backup", "verify", wrong)


def test_a_failed_backup_leaves_no_file(backup_folder, organisation, monkeypatch):
    def broken(kind, **_kwargs):
        yield b"x" * 100_000
        raise BackupError("pg_dump failed: simulated")

    monkeypatch.setattr(snapshot, "dump", broken)
    with pytest.raises(CommandError, match="backup failed: pg_dump failed: simulated"):
        call_command("backup", "create")
    assert [p for p in backup_folder.rglob("*") if p.is_file()] == []
    assert not AuditEvent.objects.filter(object_type=services.OBJECT_TYPE).exists()


def test_another_storage_gets_the_stream_and_nothing_of_a_failure(
    settings, organisation, monkeypatch
):
    settings.STORAGES = {
        **settings.STORAGES,
        "backups": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    (data,) = services.backup_create(kinds=("data",))
    assert backup_storage().open(data.name).read(len(MAGIC)) == MAGIC
    assert [r.ok for r in services.backup_verify()] == [True]

    def broken(kind, **_kwargs):
        yield b"x" * 100_000
        raise BackupError("simulated")

    monkeypatch.setattr(snapshot, "dump", broken)
    with pytest.raises(BackupError):
        services.backup_create(kinds=("keys",), now=datetime(2026, 2, 2, tzinfo=UTC))
    assert [b.name for b in services.backup_list()] == [data.name]


def test_prune_applies_the_rotation_and_says_why(backup_folder, organisation, capsys):
    now = datetime.now(UTC).replace(microsecond=0)
    old_week = now - timedelta(days=30)
    monday = (old_week - timedelta(days=old_week.weekday())).replace(hour=0, minute=0, second=0)
    moments = {
        "weekly": monday + timedelta(hours=1),
        "hourly_old": monday + timedelta(hours=2),
        "recent": now - timedelta(days=1),
    }
    made = {label: services.backup_create(now=moment) for label, moment in moments.items()}
    stranger = backup_folder / "data" / "notes.txt"
    stranger.write_text("not a backup")

    call_command("backup", "prune", "--dry-run")
    printed = capsys.readouterr().out
    assert "would remove 3 backup(s)" in printed
    assert len(list(backup_folder.rglob("*.cbk"))) == 6

    outcome = services.backup_prune(now=now)
    removed = {d.name for d in outcome.removed}
    weekly_data, weekly_keys = (b.name for b in made["weekly"])
    old_data, old_keys = (b.name for b in made["hourly_old"])
    assert removed == {weekly_keys, old_data, old_keys}
    remaining = {
        p.relative_to(backup_folder).as_posix() for p in backup_folder.rglob("*") if p.is_file()
    }
    assert remaining == {weekly_data, *(b.name for b in made["recent"]), "data/notes.txt"}
    reasons = {d.name: d.reason for d in outcome.removed}
    assert "not the first of ISO week" in reasons[old_data]
    assert "key store backup older than 7 days" in reasons[weekly_keys]
    deleted = AuditEvent.objects.filter(object_type=services.OBJECT_TYPE, action=Action.DELETE)
    assert set(deleted.values_list("object_id", flat=True)) == removed
    assert services.backup_prune(now=now).removed == []


def test_the_scheduled_tasks_create_and_prune(backup_folder, organisation):
    made = tasks.backup_hourly.call()
    assert set(made) == {"data", "keys"}
    assert all((backup_folder / name).is_file() for name in made.values())
    assert tasks.backup_prune_daily.call() == {"removed": 0, "kept": 2}


def test_the_command_creates_lists_and_verifies(backup_folder, organisation, capsys):
    call_command("backup", "create")
    call_command("backup", "list")
    call_command("backup", "verify")
    printed = capsys.readouterr().out
    assert printed.count("created ") == 2
    assert "2 backup(s)\n" in printed and "2 backup(s) verified" in printed
    assert organisation.legal_name not in printed
