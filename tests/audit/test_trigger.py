"""On PostgreSQL the journal refuses UPDATE, DELETE and TRUNCATE, whoever asks
(raw SQL or the ORM); only the purge's door lets a DELETE through."""

import pytest
from django.db import DatabaseError, connection, transaction

from comptoir.audit.models import AuditEvent
from comptoir.audit.services import Actor, audit_record, audit_verify
from tests.audit.journal import on_postgresql, record_five

pytestmark = on_postgresql


@pytest.fixture
def five(world):
    return record_five(world.org_a, world.member("sales"))


def refused(sql: str, params=()):
    """Run SQL that the trigger must refuse, in a savepoint so the test goes on."""
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def unchanged(events) -> bool:
    stored = {e.pk: (e.seq, e.action, e.hash) for e in AuditEvent.objects.all()}
    return all(stored.get(e.pk) == (e.seq, e.action, e.hash) for e in events)


def test_update_is_refused(five):
    refused("UPDATE audit_auditevent SET action = 'read' WHERE id = %s", [five[2].pk])
    assert unchanged(five)


def test_delete_is_refused(five):
    refused("DELETE FROM audit_auditevent WHERE id = %s", [five[4].pk])
    assert unchanged(five)


def test_truncate_is_refused(five):
    refused("TRUNCATE audit_auditevent")
    assert unchanged(five)


def test_the_orm_is_refused_too(five):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=five[0].pk).update(object_id="1")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=five[0].pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event = AuditEvent.objects.get(pk=five[1].pk)
        event.fields = ["email"]
        event.save()
    assert unchanged(five)
    assert all(r.ok for r in audit_verify())


def test_the_purge_door_lets_a_delete_through_and_nothing_else(five):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL comptoir.audit_purge = 'on'")
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [five[0].pk])
        assert cursor.rowcount == 1
        refused("UPDATE audit_auditevent SET action = 'read' WHERE id = %s", [five[2].pk])
        refused("TRUNCATE audit_auditevent")
    assert unchanged(five[1:])


def test_inserting_is_still_allowed(five):
    """Append-only, not read-only: the chain goes on."""
    event = audit_record(
        actor=Actor.system(), action="read", organisation_id=five[0].organisation_id
    )
    assert event.seq == 6
    assert all(r.ok for r in audit_verify())
