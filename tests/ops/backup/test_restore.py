"""``backup_restore`` into an empty database, on the test database's engine
(SQLite files, or PostgreSQL databases on the real server): the round trip
gives every row back, data and key store; a damaged, foreign or unsuitable
file and a target that is not empty are refused with a clear message and
leave the target as it was; the live key store is kept; a backup of an older
schema migrates forward.

The restore needs a second, empty database: it runs in a process of its own
(``tests.ops.backup.run_restore``) configured for that database, with the
test database's master key. One backup of a populated database serves the
whole module."""

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from faker import Faker

from comptoir.audit.services import Actor
from comptoir.ops.backup.snapshot import DATA, KEYS
from comptoir.ops.demo import demo_create
from comptoir.parties.models import ContactPerson
from comptoir.privacy import keys as privacy_keys
from comptoir.privacy.consent import services as consent
from comptoir.privacy.consent.models import ConsentChannel, ConsentPurpose
from comptoir.tenancy.models import Organisation
from tests.conftest import truncate_allowed
from tests.ops.backup import run_restore
from tests.ops.backup.support import (
    Target,
    all_rows,
    make_backup,
    pg_params,
    schema_version,
)

# Marked so that the test database is set up (pytest-django sets up only the
# databases the collected tests ask for); the module's fixtures write to it.
pytestmark = pytest.mark.django_db
fr = Faker("fr_FR")
EMPTY = {"data": [], "keys": []}
OTHER_ENGINE = {"sqlite": "postgresql", "postgresql": "sqlite"}


@dataclass
class Source:
    folder: Path
    data: Path
    keys: Path
    rows: dict[str, list[str]]
    parties: dict[str, list[str]]
    other_engine: Path  # a data backup whose manifest names the other engine
    newer: Path  # one whose schema has a migration unknown here


def populate() -> None:
    """Two organisations with members, parties, contact persons, quotes,
    orders, issued invoices, payments and a received invoice (the demo), a
    consent given, and the audit events all that wrote."""
    demo_create(seed=14)
    system = Actor.system()
    organisation = Organisation.objects.order_by("pk").first()
    person = ContactPerson.objects.of(organisation).order_by("pk").first()
    wording = consent.consent_wording_create(
        actor=system,
        organisation=organisation,
        purpose=ConsentPurpose.PROSPECTION_EMAIL,
        language="fr",
        text=fr.paragraph(),
    )
    consent.consent_give(
        actor=system,
        subject=person.data_subject,
        purpose=ConsentPurpose.PROSPECTION_EMAIL,
        channel=ConsentChannel.PAPER,
        wording=wording,
    )


@pytest.fixture(scope="module")
def source(django_db_setup, django_db_blocker, tmp_path_factory) -> Source:
    """The test database populated and backed up (data and key store), its
    rows and its parties as the selector shows them; then emptied again."""
    folder = tmp_path_factory.mktemp("backups")
    with django_db_blocker.unblock():
        try:
            populate()
            data = make_backup(DATA, folder / "comptoir-data-20261203T120000Z.cbk")
            keys = make_backup(KEYS, folder / "comptoir-keys-20261203T120000Z.cbk")
            other_engine = make_backup(
                DATA, folder / "other-engine.cbk", database=OTHER_ENGINE[connection.vendor]
            )
            newer = make_backup(
                DATA,
                folder / "newer.cbk",
                schema=dict(schema_version(), parties="0099_from_the_future"),
            )
            return Source(
                folder, data, keys, all_rows(), run_restore.parties(), other_engine, newer
            )
        finally:
            with truncate_allowed():
                call_command("flush", interactive=False, verbosity=0)
            privacy_keys.clear_caches()


@pytest.fixture(scope="module")
def restored(source, targets) -> tuple[Target, dict]:
    """A full restore (data and key store) into an empty database."""
    target = targets.new()
    return target, target.restore(source.data, source.keys, probes=["parties", "journal"])


# The round trip ---------------------------------------------------------------------
def test_the_round_trip_gives_every_row_of_every_table_back(source, restored):
    _target, result = restored
    assert result["ok"], result.get("error")
    rows = result["rows"]  # as the first replay saw them, right after the migration
    assert sorted(rows) == sorted(source.rows)
    for table, expected in source.rows.items():
        assert rows[table] == expected, table
    # Every kind of row the brief names is there, not just empty tables matching.
    for table in (
        "parties_party",
        "parties_contactperson",
        "invoicing_invoice",
        "invoicing_payment",
        "privacy_consent_consentevent",
        "audit_auditevent",
    ):
        assert rows[table], table
    assert any(table.startswith("comptoir_keys.") and rows[table] for table in rows)


def test_the_restored_database_works_and_reads_the_personal_data(source, restored):
    _target, result = restored
    # The parties as the selector shows them: individuals' names decrypt
    # under their person keys, read from the restored key store.
    assert result["parties"] == source.parties
    assert sum(map(len, source.parties.values())) > 4
    report = result["report"]
    assert report["key_store"] == "restored"
    assert report["data"]["kind"] == "data" and report["keys"]["kind"] == "keys"
    assert report["data"]["sha256"] and report["data"]["size"] > 0
    assert report["migrations"] == []  # same schema: nothing to migrate
    assert report["replays"] == 2
    assert report["rows"]["parties_party"] == len(source.rows["parties_party"])


def test_the_replays_run_in_order_after_the_load(restored):
    target, result = restored
    assert result["replayed"] == ["rows", "second"]
    assert result["rows"]["parties_party"]  # the first one already saw the data
    assert result["stages"] == ["decrypt", "load", "migrate", "replay"]
    assert list(target.tmp.iterdir()) == []  # the decrypted files are gone


def test_the_restore_is_in_the_operators_journal_without_personal_data(source, restored):
    _target, result = restored
    journal = result["journal"]
    assert journal["verified"]
    last = journal["last"]
    assert last["action"] == "restore"
    assert last["organisation_id"] is None
    assert last["object_type"] == "backup" and last["object_id"] == source.data.name
    created = result["report"]["data"]["created_at"]
    assert f"data.created_at={created}" in last["fields"]
    assert result["report"]["rows"]["audit_auditevent"] == len(source.rows["audit_auditevent"]) + 1


# The key store ----------------------------------------------------------------------
def test_beside_a_surviving_key_store_the_data_alone_is_restored_and_keys_refused(source, restored):
    target, _result = restored
    _drop_data(target)  # the data is lost, the key store survived
    refused = target.restore(source.data, source.keys)
    assert not refused["ok"]
    assert "key store is not empty" in refused["error"]
    assert target.tables()["data"] == []

    result = target.restore(source.data, probes=["parties"])
    assert result["ok"], result.get("error")
    assert result["report"]["key_store"] == "kept" and result["report"]["keys"] is None
    assert result["parties"] == source.parties


def test_an_empty_key_store_needs_the_key_store_backup(source, targets):
    target = targets.new()
    result = target.restore(source.data)
    assert not result["ok"]
    assert "key store is empty" in result["error"]
    assert target.tables() == EMPTY


# Refusals ---------------------------------------------------------------------------
def _flipped(source: Source) -> Path:
    out = source.folder / "flipped.cbk"
    content = bytearray(source.data.read_bytes())
    content[len(content) // 2] ^= 0x01
    out.write_bytes(bytes(content))
    return out


def _truncated(source: Source) -> Path:
    out = source.folder / "truncated.cbk"
    content = source.data.read_bytes()
    out.write_bytes(content[: len(content) - 100])
    return out


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("tampered", "does not authenticate"),
        ("truncated", "truncated"),
        ("wrong master key", "another master key"),
        ("wrong kind", "is a backup of the key store, not of the data"),
        ("wrong engine", "restore it into a database of the same engine"),
        ("newer schema", "made by a newer Comptoir"),
        ("not a backup", "not a Comptoir backup"),
    ],
)
def test_a_bad_file_is_refused_and_the_target_stays_empty(source, targets, case, message):
    key = None
    data = source.data
    if case == "tampered":
        data = _flipped(source)
    elif case == "truncated":
        data = _truncated(source)
    elif case == "wrong master key":
        key = os.urandom(32)
    elif case == "wrong kind":
        data = source.keys
    elif case == "not a backup":
        data = source.folder / "not-a-backup.cbk"
        data.write_bytes(fr.paragraph().encode())
    elif case == "wrong engine":
        data = source.other_engine
    elif case == "newer schema":
        data = source.newer
    target = targets.new()
    result = target.restore(data, source.keys, key=key)
    assert not result["ok"]
    assert message in result["error"]
    assert target.tables() == EMPTY
    assert list(target.tmp.iterdir()) == []  # nothing decrypted is left behind


def test_a_target_that_is_not_empty_is_refused_and_left_as_it_was(source, targets):
    target = targets.new()
    _create_table(target, "kept_here")
    result = target.restore(source.data, source.keys)
    assert not result["ok"]
    assert "not empty" in result["error"]
    assert target.tables() == {"data": ["kept_here"], "keys": []}


def _create_table(target: Target, name: str) -> None:
    if target.sqlite_path is not None:
        db = sqlite3.connect(target.sqlite_path)
        db.execute(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY)")
        db.commit()
        db.close()
        return
    with psycopg.connect(**pg_params(target.pg_name), autocommit=True) as db:
        db.execute(f"CREATE TABLE public.{name} (id integer PRIMARY KEY)")


def _drop_data(target: Target) -> None:
    if target.sqlite_path is not None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target.sqlite_path}{suffix}").unlink(missing_ok=True)
        return
    with psycopg.connect(**pg_params(target.pg_name), autocommit=True) as db:
        db.execute("DROP SCHEMA public CASCADE")
        db.execute("CREATE SCHEMA public")
