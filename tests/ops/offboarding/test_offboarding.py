"""Tenant offboarding, driven by a fake clock: three months after the
subscription ends, the daily task deletes every row of the organisation in
every table, its files and its keys, journals it in the operator's journal,
and records it for the replay after a restore; the other organisation is
untouched."""

import io
from datetime import datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from comptoir.audit.models import SYSTEM_CHAIN, Action, AuditChainHead, AuditEvent
from comptoir.audit.services import Actor, audit_verify
from comptoir.invoicing import triggers
from comptoir.invoicing.models import IssuedDocument
from comptoir.ops.models import OffboardingRecord
from comptoir.ops.offboarding import export, services
from comptoir.ops.offboarding.deletion import SPECIAL, organisation_row_counts, owned_models
from comptoir.ops.offboarding.tasks import offboardings_daily
from comptoir.privacy import keys
from comptoir.privacy.models import OrganisationKey
from comptoir.privacy.retention import Duration
from comptoir.sales import services as sales
from comptoir.sales.models import Product
from comptoir.tenancy.models import Membership, Organisation
from tests.factories import FrenchOrganisationFactory
from tests.ops.offboarding.conftest import stored_files

pytestmark = pytest.mark.django_db


def check_foreign_keys() -> None:
    """The deferred foreign keys hold now (the test's transaction never commits)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            cursor.execute("PRAGMA foreign_key_check")
            assert cursor.fetchall() == []


# What changes on its own in three months: the export archives go after a
# week (``ORGANISATION_EXPORT``), and their deletion is journalled.
PASSING = ("ops.OrganisationExport", "audit.AuditEvent")


def lasting(counts: dict[str, int]) -> dict[str, int]:
    return {label: count for label, count in counts.items() if label not in PASSING}


def lasting_files(names: set[str]) -> set[str]:
    return {name for name in names if not name.startswith(export.STORE_DIR)}


def noon(day) -> datetime:
    return datetime.combine(day, time(12, 0))


def operator_events(organisation_id: int):
    return AuditEvent.objects.filter(
        chain=SYSTEM_CHAIN,
        organisation_id=None,
        action=Action.DELETE,
        object_type="tenancy.Organisation",
        object_id=str(organisation_id),
    )


def test_three_months_after_the_end_everything_of_the_organisation_goes(
    world, filled, storage, time_machine
):
    org_a, org_b = world.org_a, world.org_b
    end = org_a.subscription_start + timedelta(days=10)
    org_a.subscription_end = end
    org_a.save(update_fields=["subscription_end"])
    deletion = Duration(months=3).after(end)
    assert services.deletion_date(org_a) == deletion
    before_a = organisation_row_counts(org_a.pk)
    before_b = organisation_row_counts(org_b.pk)
    files_b = filled["files_b"]
    assert stored_files(storage) > files_b  # A's files are there too
    # Every kind of data the services make is there for A (a table left
    # empty here would prove nothing).
    empty = {label for label, count in before_a.items() if not count}
    assert len(before_a) - len(empty) >= 40, empty
    assert before_a["privacy.OrganisationKey"] == 2

    # The day before: nothing goes, the data reads and exports.
    time_machine.move_to(noon(deletion - timedelta(days=1)), tick=False)
    outcome = offboardings_daily.call()
    assert outcome["offboarded"] == []
    assert outcome["exports purged"] == 2
    assert lasting(organisation_row_counts(org_a.pk)) == lasting(before_a)
    written = export.archive_write(organisation=org_a, out=io.BytesIO(), actor=_owner(world))
    assert written.rows > 0

    last_link = AuditChainHead.objects.get(chain=f"org:{org_a.pk}").hash
    # The day itself: A is gone, every table, every file, every key.
    time_machine.move_to(noon(deletion), tick=False)
    outcome = offboardings_daily.call()
    assert outcome["offboarded"] == [org_a.pk]
    check_foreign_keys()
    after_a = organisation_row_counts(org_a.pk)
    assert {label: count for label, count in after_a.items() if count} == {}
    assert lasting(organisation_row_counts(org_b.pk)) == lasting(before_b)
    assert stored_files(storage) == lasting_files(files_b)
    assert not OrganisationKey.objects.of(org_a.pk).exists()
    keys.clear_caches()
    with pytest.raises(keys.KeyUnavailable):
        keys.key_version(org_a.pk, 1)
    # The operator's journal says so, with no personal data; chains verify.
    event = operator_events(org_a.pk).get()
    assert {"privacy_organisationkey", "invoicing_issueddocument"} <= set(event.fields)
    assert "audit_chain_broken" not in event.fields
    assert event.ip_address is None
    # The last link of A's chain, as it was, is in the operator's journal.
    assert AuditEvent.objects.filter(
        chain=SYSTEM_CHAIN, object_type="audit.auditchainhead", object_id=last_link
    ).exists()
    assert all(report.ok for report in audit_verify())
    assert OffboardingRecord.objects.filter(organisation_id=org_a.pk).exists()

    # Running it again does nothing.
    journal = AuditEvent.objects.count()
    outcome = offboardings_daily.call()
    assert outcome["offboarded"] == []
    assert AuditEvent.objects.count() == journal
    assert lasting(organisation_row_counts(org_b.pk)) == lasting(before_b)


def _owner(world):
    return Actor.user(world.member("owner").pk)


def test_an_organisation_without_an_end_or_not_yet_due_is_kept(world, time_machine):
    org = world.org_a
    assert services.deletion_date(org) is None
    org.subscription_end = org.subscription_start
    org.save(update_fields=["subscription_end"])
    time_machine.move_to(noon(org.subscription_end + timedelta(days=80)), tick=False)
    assert services.offboardings_run() == []
    assert Organisation.objects.filter(pk=org.pk).exists()


def _product(world, organisation):
    return sales.product_create(
        actor=_owner(world),
        organisation=organisation,
        reference="P-1",
        name="Vis",
        unit_price="2",
        vat_rate="20",
    )


def test_the_replay_deletes_again_an_organisation_a_restore_brought_back(world):
    org_a, org_b = world.org_a, world.org_b
    org_id = org_a.pk
    _product(world, org_a)
    assert services.organisation_offboard(organisation_id=org_id, actor=_owner(world))
    assert not Organisation.objects.filter(pk=org_id).exists()
    # An old backup restored: the organisation and its rows are back.
    restored = FrenchOrganisationFactory(pk=org_id)
    Membership.objects.create(organisation=restored, user=world.member("sales"), role="sales")
    _product(world, restored)
    done = services.offboardings_replay()
    assert [outcome.organisation_id for outcome in done] == [org_id]
    assert done[0].rows["sales.Product"] == 1
    check_foreign_keys()
    assert not Organisation.objects.filter(pk=org_id).exists()
    assert not Product.objects.of(org_id).exists()
    assert Organisation.objects.filter(pk=org_b.pk).exists()
    replayed = operator_events(org_id).order_by("seq").last()
    assert "replayed_after_restore" in replayed.fields
    assert services.offboardings_replay() == []


def test_every_table_naming_an_organisation_is_deleted_or_named_as_special():
    owned, _ = owned_models()
    labels = {item.label for item in owned}
    # Reached through their parents, with no organisation column of their own:
    assert {"invoicing.invoiceline", "sales.quoteline", "sales.deliveryline"} <= labels
    assert "privacy_requests.rightsrequest_subjects" in labels
    assert "privacy.organisationkey" in labels
    assert labels.isdisjoint(SPECIAL)
    depth = {item.label: item.depth for item in owned}
    assert depth["invoicing.invoiceline"] > depth["invoicing.invoice"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's triggers")
def test_the_snapshots_door_is_open_for_its_block_only(world, filled):
    issued = filled["a"]["issued"].issued
    table = connection.ops.quote_name(IssuedDocument._meta.db_table)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        with triggers.purge_door():
            pass
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [issued.pk])  # noqa: S608
    with transaction.atomic(), connection.cursor() as cursor:
        with triggers.purge_door():
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [issued.pk])  # noqa: S608
        transaction.set_rollback(True)
    assert IssuedDocument.objects.of(issued.organisation_id).filter(pk=issued.pk).exists()


def test_the_commands_offboard_what_is_due_and_replay(world):
    org = world.org_a
    org.subscription_start = org.subscription_start - timedelta(days=200)
    org.subscription_end = org.subscription_start + timedelta(days=90)
    org.save(update_fields=["subscription_start", "subscription_end"])
    out = io.StringIO()
    call_command("organisation", "offboard", stdout=out)
    assert f"organisation {org.pk} offboarded" in out.getvalue()
    assert not Organisation.objects.filter(pk=org.pk).exists()
    assert Organisation.objects.filter(pk=world.org_b.pk).exists()
    out = io.StringIO()
    call_command("organisation", "replay", stdout=out)
    assert "0 organisation(s) deleted again" in out.getvalue()
