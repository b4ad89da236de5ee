"""On PostgreSQL the issued snapshots refuse UPDATE, DELETE and TRUNCATE in
the database, raw SQL included; only a re-sealed snapshot (the key rotation)
and the purge's door get through."""

import pytest
from django.db import DatabaseError, connection, transaction

from comptoir.invoicing import selectors, services
from comptoir.invoicing.models import IssuedDocument
from comptoir.privacy import keys
from comptoir.privacy.rotation import organisation_reencrypt

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the triggers are PostgreSQL's (see comptoir.invoicing.triggers)")


@pytest.fixture
def issued(actor, make_draft):
    invoice = services.invoice_issue(actor=actor, invoice=make_draft())
    return IssuedDocument.objects.of(invoice.organisation_id).get(invoice=invoice)


def refused(sql: str, params=()):
    with (
        pytest.raises(DatabaseError, match="frozen"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def test_raw_updates_deletes_and_truncate_are_refused(issued):
    refused("UPDATE invoicing_issueddocument SET number = 'X' WHERE id = %s", [issued.pk])
    refused(
        "UPDATE invoicing_issueddocument SET content_hash = previous_hash WHERE id = %s",
        [issued.pk],
    )
    refused("DELETE FROM invoicing_issueddocument WHERE id = %s", [issued.pk])
    refused("SET CONSTRAINTS ALL IMMEDIATE; TRUNCATE invoicing_issueddocument CASCADE")
    assert (
        IssuedDocument.objects.of(issued.organisation_id).get(pk=issued.pk).number == issued.number
    )


def test_the_purge_door(issued):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL comptoir.invoice_purge = 'on'")
        cursor.execute("DELETE FROM invoicing_issueddocument WHERE id = %s", [issued.pk])
        transaction.set_rollback(True)
    assert IssuedDocument.objects.of(issued.organisation_id).filter(pk=issued.pk).exists()


def test_a_key_rotation_reseals_the_snapshots(world, issued):
    before = selectors.snapshot_document(issued)
    keys.rotate_organisation_key(world.org_a.pk)
    report = organisation_reencrypt(organisation=world.org_a, models=[IssuedDocument])
    assert "invoicing.issueddocument.snapshot" in report.fields
    again = IssuedDocument.objects.of(world.org_a).get(pk=issued.pk)
    assert bytes(again.__dict__["snapshot"]) != bytes(issued.__dict__["snapshot"])
    assert selectors.snapshot_document(again) == before
    assert all(r.ok for r in selectors.chain_verify(organisation_id=world.org_a.pk))
