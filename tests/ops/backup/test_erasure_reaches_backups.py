# ruff: noqa: F811 (the fixtures imported from tests.privacy.access.conftest)
"""An erased person stays erased when an older backup comes back.

A person is backed up, then erased; the older data backup is restored into
an empty database beside the key store of after the erasure (the live one,
or its own newer backup). Before anything is replayed, the person's
encrypted values are already noise: their key is not in the key store. The
erasure journal is then replayed, and nothing about them can be read
through the services or found in the raw database, while the invoice under
legal hold that names them stays readable, as the law requires.

The restore runs in a subprocess against its own empty database (a file for
SQLite, a fresh database on the PostgreSQL server), with the master key of
this test's installation.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from faker import Faker

from comptoir.invoicing.models import IssuedDocument
from comptoir.ops.backup.services import backup_create
from comptoir.parties import services as parties
from comptoir.privacy.masterkey import master_key
from comptoir.privacy.records.erasure import subject_erase
from comptoir.privacy.records.models import ErasureReason
from tests.privacy.access.conftest import actor, issue_invoice, make_individual  # noqa: F401

ROOT = Path(__file__).resolve().parents[3]
fake = Faker("fr_FR")

# Run in the restored installation: restore, then report what can be read.
RESTORE_AND_LOOK = """
import json, os
from pathlib import Path
from comptoir.ops.backup.restore import REPLAYS, backup_restore
from comptoir.parties.models import Interaction, Party
from comptoir.invoicing.models import IssuedDocument
from comptoir.invoicing import selectors as invoicing_selectors
from comptoir.privacy.crypto import DecryptionError

def look(party_pk):
    party = Party.across_organisations.select_related("data_subject").get(pk=party_pk)
    try:
        return {"family_name": party.family_name, "email": party.email}
    except DecryptionError as exc:
        return {"error": type(exc).__name__}

args = json.loads(os.environ["RESTORE_ARGUMENTS"])
# The restore as `comptoir backup restore` runs it, its replays held back
# for a look at what the key store alone does; then the replays themselves.
backup_restore(data=Path(args["data"]), keys=Path(args["keys"]), replays=())
before = look(args["erased"])
for replay in REPLAYS:
    replay()
document = IssuedDocument.across_organisations.get(pk=args["document"])
print(json.dumps({
    "before_replay": before,
    "after_replay": look(args["erased"]),
    "kept": look(args["kept"]),
    "interactions": Interaction.across_organisations.filter(party_id=args["erased"]).count(),
    "invoice_buyer": invoicing_selectors.snapshot_document(document).buyer.name,
}))
"""


def _backup(kind: str, folder: Path) -> Path:
    """A backup made as the hourly task makes it; its file."""
    (made,) = backup_create(kinds=(kind,))
    return folder / made.name


@pytest.fixture
def target(tmp_path):
    """The environment of an empty installation sharing this one's master key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPTOIR_")}
    env.update(
        COMPTOIR_VAR_DIR=str(tmp_path / "restored"),
        COMPTOIR_MASTER_KEY=master_key().hex(),
        COMPTOIR_DEBUG="false",
    )
    if connection.vendor == "sqlite":
        env["COMPTOIR_DATABASE_URL"] = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        yield env, lambda: _sqlite_text(tmp_path / "restored.sqlite3")
        return
    name = f"{connection.settings_dict['NAME']}_restored"
    settings = connection.settings_dict
    base = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT'] or 5432}"
    _psql(settings, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
    env["COMPTOIR_DATABASE_URL"] = f"{base}/{name}"
    yield env, lambda: _pg_text(settings, name)
    _psql(settings, f'DROP DATABASE IF EXISTS "{name}"')


def _psql(settings, *statements):
    for statement in statements:
        subprocess.run(  # noqa: S603
            ["psql", "-q",  # noqa: S607 "-h", settings["HOST"], "-U", settings["USER"], "-d", "postgres",
             "-c", statement],
            check=True, capture_output=True,
        )  # fmt: skip


def _sqlite_text(path: Path) -> bytes:
    """Every byte of the restored data file and its key store (raw)."""
    keys = path.with_name(path.name.replace(".sqlite3", ".keys.sqlite3"))
    return b"".join(p.read_bytes() for p in (path, keys) if p.exists())


def _pg_text(settings, name: str) -> bytes:
    """A plain SQL dump of the restored database (every row, raw)."""
    return subprocess.run(  # noqa: S603
        ["pg_dump", "-h", settings["HOST"], "-U", settings["USER"], "--data-only", name],  # noqa: S607
        check=True, capture_output=True,
    ).stdout  # fmt: skip


def test_an_erased_person_stays_erased_after_an_older_backup_is_restored(
    transactional_db,
    tmp_path,
    backup_folder,
    target,
    actor,
    make_individual,
    issue_invoice,  # noqa: F811
):
    env, raw_text = target
    erased = make_individual()
    note = fake.sentence(nb_words=8)
    parties.interaction_record(
        actor=actor, party=erased, kind="call", direction="inbound", note=note
    )
    invoice = issue_invoice(erased)
    document = IssuedDocument.objects.of(erased.organisation).get(invoice=invoice)
    kept = make_individual()

    data = _backup("data", backup_folder)  # the person is in it
    subject_erase(
        subject=erased.data_subject, actor=actor, reason=ErasureReason.REQUEST, reference="1"
    )
    keys = _backup("keys", backup_folder)  # the key store after the erasure

    arguments = {
        "data": str(data),
        "keys": str(keys),
        "erased": erased.pk,
        "kept": kept.pk,
        "document": document.pk,
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "comptoir.cli", "shell", "-c", RESTORE_AND_LOOK],
        env={**env, "RESTORE_ARGUMENTS": json.dumps(arguments)},
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])

    # The key is gone from the key store: the values were noise from the start.
    assert seen["before_replay"] == {"error": "ValueShredded"}
    # The journal replayed: the person anonymised, their interactions gone.
    assert seen["after_replay"]["family_name"] == "Anonymised"
    assert seen["interactions"] == 0
    # Another person of the same backup reads as before.
    assert seen["kept"] == {"family_name": kept.family_name, "email": kept.email}
    # The invoice under legal hold still names them (10 years, whatever is asked).
    assert erased.family_name in seen["invoice_buyer"]
    # Nothing in the raw database: not the note, not the email, not the street.
    everything = raw_text()
    for value in (note, erased.email, erased.billing_street):
        assert value.encode() not in everything
