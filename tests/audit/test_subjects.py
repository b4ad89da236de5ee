"""The data subjects an event names: written with it in one more statement,
covered by its hash only when there are some (the events written before,
and those naming nobody, keep their hash), and any change to them breaks the
chain where the event is."""

from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comptoir.audit.models import Action, AuditEventSubject
from comptoir.audit.services import Actor, _canonical_ip, _iso, _mac, audit_purge, audit_record
from comptoir.privacy.keys import subject_create
from tests.audit.journal import attack, chain_report, on_postgresql, record_five

SUBJECTS = AuditEventSubject._meta.db_table


@pytest.fixture
def people(world):
    return [subject_create(organisation=world.org_a) for _ in range(3)]


@pytest.fixture
def chain(world, people):
    """Five events without subjects, one listing three people, one reading one."""
    events = record_five(world.org_a, world.member("sales"))
    actor = Actor.user(world.member("sales").pk, "192.0.2.10")
    events.append(
        audit_record(
            actor=actor,
            action=Action.LIST,
            organisation_id=world.org_a.pk,
            object_type="parties.party",
            subjects=[p.pk for p in people],
        )
    )
    events.append(
        audit_record(
            actor=actor,
            action=Action.READ,
            organisation_id=world.org_a.pk,
            object_type="parties.party",
            object_id=7,
            subjects=[people[0].pk, people[0].pk],  # twice: stored once
        )
    )
    record_five(world.org_b, world.owner_b)
    return events


def _statements(queries) -> list[str]:
    return [q["sql"] for q in queries if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE"))]


def test_the_subjects_are_stored_once_each_with_their_event(world, chain, people):
    listed, read = chain[5], chain[6]
    rows = AuditEventSubject.objects.filter(event_id=listed.pk)
    assert sorted(rows.values_list("subject_id", flat=True)) == sorted(p.pk for p in people)
    assert set(rows.values_list("organisation_id", flat=True)) == {world.org_a.pk}
    assert list(
        AuditEventSubject.objects.filter(event_id=read.pk).values_list("subject_id", flat=True)
    ) == [people[0].pk]
    assert not AuditEventSubject.objects.filter(event_id__in=[e.pk for e in chain[:5]]).exists()
    assert chain_report(world.org_a.pk).ok
    assert chain_report(world.org_a.pk).checked == 7


def test_subjects_cost_one_insert_and_nothing_without_them(world, people):
    audit_record(actor=Actor.system(), action=Action.READ, organisation_id=world.org_a.pk)
    with CaptureQueriesContext(connection) as without:
        audit_record(actor=Actor.system(), action=Action.READ, organisation_id=world.org_a.pk)
    with CaptureQueriesContext(connection) as fifty:
        audit_record(
            actor=Actor.system(),
            action=Action.LIST,
            organisation_id=world.org_a.pk,
            subjects=range(1, 51),
        )
    assert len(_statements(without)) == 3
    assert len(_statements(fifty)) == 4  # the head, the event, the subjects, the head


def test_an_event_without_subjects_keeps_the_hash_it_was_written_with(world, chain):
    """The payload of the events written before subjects existed, by hand."""
    event = chain[1]
    old = _mac(
        [
            event.chain,
            event.seq,
            event.organisation_id,
            event.actor_kind,
            event.actor_user_id,
            event.actor_token_id,
            event.action,
            event.object_type,
            event.object_id,
            list(event.fields),
            _canonical_ip(event.ip_address),
            _iso(event.created_at),
            event.prev_hash,
        ]
    )
    assert event.hash == old
    assert chain[5].hash != old


def test_subjects_need_an_organisation(world):
    with pytest.raises(ValueError):
        audit_record(actor=Actor.system(), action=Action.READ, organisation_id=None, subjects=[1])


# --- tampering ----------------------------------------------------------------------


def _broken_at(world, seq):
    report = chain_report(world.org_a.pk)
    assert not report.ok
    assert report.broken_seq == seq
    assert chain_report(world.org_b.pk).ok


def test_a_removed_subject_shows(world, chain, people):
    attack(
        f"DELETE FROM {SUBJECTS} WHERE event_id = %s AND subject_id = %s",  # noqa: S608
        [chain[5].pk, people[1].pk],
    )
    _broken_at(world, 6)


def test_removing_all_of_an_events_subjects_shows(world, chain):
    attack(f"DELETE FROM {SUBJECTS} WHERE event_id = %s", [chain[6].pk])  # noqa: S608
    _broken_at(world, 7)


def test_a_changed_subject_shows(world, chain, people):
    attack(
        f"UPDATE {SUBJECTS} SET subject_id = %s WHERE event_id = %s AND subject_id = %s",  # noqa: S608
        [people[2].pk, chain[6].pk, people[0].pk],
    )
    _broken_at(world, 7)


@pytest.mark.parametrize("target", [2, 5], ids=["event-without-subjects", "event-with-subjects"])
def test_an_added_subject_shows(world, chain, people, target):
    attack(
        f"INSERT INTO {SUBJECTS} (event_id, organisation_id, subject_id) VALUES (%s, %s, %s)",  # noqa: S608
        [chain[target].pk, world.org_a.pk, people[0].pk if target == 2 else people[0].pk + 1000],
    )
    _broken_at(world, target + 1)


def test_a_subject_row_copied_twice_shows(world, chain, people):
    attack(
        f"INSERT INTO {SUBJECTS} (event_id, organisation_id, subject_id) VALUES (%s, %s, %s)",  # noqa: S608
        [chain[5].pk, world.org_a.pk, people[1].pk],
    )
    _broken_at(world, 6)


def test_a_subject_moved_to_another_event_shows(world, chain, people):
    attack(
        f"UPDATE {SUBJECTS} SET event_id = %s WHERE event_id = %s AND subject_id = %s",  # noqa: S608
        [chain[6].pk, chain[5].pk, people[2].pk],
    )
    _broken_at(world, 6)


@on_postgresql
@pytest.mark.parametrize(
    "sql",
    [
        f"UPDATE {SUBJECTS} SET subject_id = subject_id + 1",  # noqa: S608
        f"DELETE FROM {SUBJECTS}",  # noqa: S608
        f"TRUNCATE {SUBJECTS}",
    ],
    ids=["update", "delete", "truncate"],
)
def test_postgresql_refuses_to_change_the_subjects(world, chain, sql):
    # Run the deferred foreign-key checks of the inserts now: PostgreSQL
    # refuses a TRUNCATE with pending ones before the trigger could.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert chain_report(world.org_a.pk).ok


def test_a_purge_takes_the_subjects_with_their_events_and_the_chain_verifies(world, chain):
    purged = audit_purge(before=timezone.now() + timedelta(seconds=1))
    assert purged == 12  # events only: seven of A's, five of B's
    assert not AuditEventSubject.objects.exists()
    assert chain_report(world.org_a.pk).ok
