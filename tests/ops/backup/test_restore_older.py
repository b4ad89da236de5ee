"""A backup of an older schema (an app held back at an earlier migration)
restored, then migrated forward: its rows are there and the app reads them."""

from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation
from faker import Faker

from comptoir.audit.services import Actor
from comptoir.ops.backup.archive import read_header
from comptoir.ops.backup.snapshot import DATA, KEYS
from comptoir.parties import services as parties
from comptoir.parties.models import PartyKind
from comptoir.privacy import keys as privacy_keys
from tests.factories import FrenchOrganisationFactory
from tests.ops.backup.support import make_backup

fr = Faker("fr_FR")

OLDER = [("parties", "0011_party_einvoice_address")]


def _migrate(targets=None) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


def test_a_backup_of_an_older_schema_is_migrated_forward_and_works(
    targets, transactional_db, tmp_path
):
    organisation = FrenchOrganisationFactory()
    system = Actor.system()
    names = set()
    for _ in range(2):
        party = parties.party_create(
            actor=system,
            organisation=organisation,
            kind=PartyKind.INDIVIDUAL,
            given_names=fr.first_name(),
            family_name=fr.last_name(),
        )
        # As the restore's process names it: in the site's language.
        with translation.override(settings.LANGUAGE_CODE):
            names.add(str(party))
    try:
        # The parties' app as it was before its last two migrations (the
        # column processing_opposed_at did not exist yet).
        _migrate(OLDER)
        data = make_backup(DATA, tmp_path / "older-data.cbk")
        keys = make_backup(KEYS, tmp_path / "older-keys.cbk")
    finally:
        _migrate()
        privacy_keys.clear_caches()
    assert _manifest_schema(data)["parties"] == OLDER[0][1]

    target = targets.new()
    result = target.restore(data, keys, probes=["parties"])
    assert result["ok"], result.get("error")
    assert "parties.0012_party_processing_opposed_at" in result["report"]["migrations"]
    assert "parties.0013_contact_status_is_stated" in result["report"]["migrations"]
    assert set(result["parties"][str(organisation.pk)]) == names


def _manifest_schema(path: Path) -> dict:
    with path.open("rb") as stream:
        return read_header(stream)[0].schema
