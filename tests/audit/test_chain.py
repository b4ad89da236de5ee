"""The hash chain: what an event holds, and that editing, deleting or
reordering rows shows at the first broken link (``audit_verify``)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comptoir.audit.models import Action, ActorKind, AuditChainHead, AuditEvent, chain_of
from comptoir.audit.services import Actor, audit_record, audit_verify
from tests.audit.journal import (
    attack,
    attack_update,
    chain_report,
    content_of,
    record_five,
    reports_by_chain,
)


@pytest.fixture
def five(world):
    """Five events in organisation A's chain, one in B's: B must stay intact."""
    events = record_five(world.org_a, world.member("sales"))
    record_five(world.org_b, world.owner_b)
    return events


# --- what an event holds ------------------------------------------------------


def test_events_are_appended_to_their_organisation_chain_in_order(world, five):
    assert [e.chain for e in five] == [chain_of(world.org_a.pk)] * 5
    assert [e.seq for e in five] == [1, 2, 3, 4, 5]
    assert five[0].prev_hash == "0" * 64
    for before, after in zip(five, five[1:], strict=False):
        assert after.prev_hash == before.hash
    assert len({e.hash for e in five}) == 5
    head = AuditChainHead.objects.get(chain=chain_of(world.org_a.pk))
    assert (head.seq, head.hash) == (5, five[-1].hash)
    # B's chain has its own numbering.
    b_seqs = AuditEvent.objects.filter(organisation_id=world.org_b.pk).values_list("seq", flat=True)
    assert sorted(b_seqs) == [1, 2, 3, 4, 5]


def test_a_fresh_journal_verifies(world, five):
    reports = reports_by_chain()
    assert reports[chain_of(world.org_a.pk)].ok
    assert reports[chain_of(world.org_a.pk)].checked == 5
    assert reports[chain_of(world.org_b.pk)].ok
    assert all(r.ok for r in reports.values())


def test_an_event_records_who_what_which_fields_from_where(world):
    user = world.member("sales")
    event = audit_record(
        actor=Actor.user(user.pk, "198.51.100.4"),
        action=Action.UPDATE,
        organisation_id=world.org_a.pk,
        object_type="parties.Person",
        object_id=42,
        fields=["phone", "email", "email"],
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.organisation_id == world.org_a.pk
    assert (stored.actor_kind, stored.actor_user_id, stored.actor_token_id) == (
        ActorKind.USER,
        user.pk,
        None,
    )
    assert (stored.action, stored.object_type, stored.object_id) == (
        "update",
        "parties.Person",
        "42",
    )
    assert stored.fields == ["email", "phone"]  # names, sorted, once each
    assert stored.ip_address == "198.51.100.4"
    assert abs(stored.created_at - timezone.now()) < timedelta(minutes=5)


def test_one_field_name_given_as_a_string_is_one_name(world):
    event = audit_record(
        actor=Actor.system(), action=Action.UPDATE, organisation_id=world.org_a.pk, fields="email"
    )
    assert AuditEvent.objects.get(pk=event.pk).fields == ["email"]


def test_no_object_id_is_stored_as_empty_not_as_none(world):
    event = audit_record(
        actor=Actor.system(), action=Action.EXPORT, organisation_id=world.org_a.pk, object_id=None
    )
    assert AuditEvent.objects.get(pk=event.pk).object_id == ""


def test_events_without_organisation_go_to_the_system_chain(world):
    event = audit_record(actor=Actor.system(), action=Action.PURGE, organisation_id=None)
    assert event.chain == "system"
    assert chain_report(None).ok


def test_connection_events_go_to_a_connection_chain_beside_the_other(world):
    """Logins, failed logins, lockouts and logouts are kept 6 months, the
    rest a year: each kind has its own chain, so each can be cut at its start."""
    failed = audit_record(
        actor=Actor(kind=ActorKind.USER, ip_address="203.0.113.9"),
        action=Action.LOGIN_FAILED,
        organisation_id=None,
    )
    member = world.member("sales")
    login = audit_record(
        actor=Actor.user(member.pk), action=Action.LOGIN, organisation_id=world.org_a.pk
    )
    update = audit_record(
        actor=Actor.user(member.pk), action=Action.UPDATE, organisation_id=world.org_a.pk
    )
    assert (failed.chain, failed.seq) == ("conn:system", 1)
    assert (login.chain, login.seq) == (f"conn:{chain_of(world.org_a.pk)}", 1)
    assert (update.chain, update.seq) == (chain_of(world.org_a.pk), 1)
    assert [r.chain for r in audit_verify(organisation_id=world.org_a.pk, all_chains=False)] == [
        chain_of(world.org_a.pk),
        f"conn:{chain_of(world.org_a.pk)}",
    ]
    assert all(r.ok for r in audit_verify())


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("2001:DB8:0:0::1", "2001:db8::1"),  # stored compressed and lowercased
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
        ("fe80::1%eth0", "fe80::1"),  # the scope is not part of the address
        (" 192.0.2.1 ", "192.0.2.1"),
        ("unknown", None),  # a proxy's junk must not fail the change it comes with
        ("", None),
    ],
)
def test_any_spelling_of_an_address_keeps_the_chain_valid(world, given, stored):
    event = audit_record(
        actor=Actor.user(world.member("sales").pk, given),
        action=Action.READ,
        organisation_id=world.org_a.pk,
    )
    assert AuditEvent.objects.get(pk=event.pk).ip_address == stored
    assert chain_report(world.org_a.pk).ok


def test_appending_costs_three_queries_besides_savepoints(world, five):
    with CaptureQueriesContext(connection) as queries:
        audit_record(actor=Actor.system(), action=Action.READ, organisation_id=world.org_a.pk)
    statements = [
        q["sql"] for q in queries if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE"))
    ]
    assert len(statements) == 3, statements  # lock the head, insert, move the head


# --- an edited row --------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"action": "read"},
        {"actor_user_id": 999_999},
        {"actor_kind": "system"},
        {"object_type": "parties.Company"},
        {"object_id": "202"},
        {"fields": ["email"]},
        {"fields": []},
        {"ip_address": "192.0.2.99"},
        {"ip_address": None},
        {"created_at": "shifted"},
        {"organisation_id": "org_b"},
        {"chain": "org:0"},
    ],
    ids=lambda change: next(iter(change)),
)
def test_an_edited_event_breaks_the_chain_where_it_is(world, five, change):
    target = five[2]
    if change.get("created_at") == "shifted":
        change = {"created_at": target.created_at - timedelta(seconds=1)}
    if change.get("organisation_id") == "org_b":
        change = {"organisation_id": world.org_b.pk}
    attack_update(target.pk, **change)

    report = chain_report(world.org_a.pk)
    assert not report.ok
    assert report.broken_seq == 3
    assert report.checked == 2
    assert chain_report(world.org_b.pk).ok


def test_an_edited_event_with_a_recomputed_plain_hash_still_shows(world, five):
    """Without the master key, a hash that matches the new content cannot be made."""
    import hashlib

    target = five[1]
    forged = hashlib.sha256(b"read parties.Person 999").hexdigest()
    attack_update(target.pk, object_id="999", hash=forged)
    attack_update(five[2].pk, prev_hash=forged)

    report = chain_report(world.org_a.pk)
    assert (report.ok, report.broken_seq) == (False, 2)


def test_a_changed_link_shows(world, five):
    attack_update(five[3].pk, prev_hash=five[1].hash)
    report = chain_report(world.org_a.pk)
    assert (report.ok, report.broken_seq) == (False, 4)
    assert "follow" in report.reason


# --- a deleted row ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "seq"), [(0, 1), (2, 3), (4, 5)], ids=["first", "middle", "last"]
)
def test_a_deleted_event_shows(world, five, index, seq):
    assert attack("DELETE FROM audit_auditevent WHERE id = %s", [five[index].pk]) == 1
    report = chain_report(world.org_a.pk)
    assert not report.ok
    assert report.broken_seq == seq
    assert "missing" in report.reason
    assert report.checked == index
    assert chain_report(world.org_b.pk).ok


def test_deleting_the_last_events_and_rewinding_the_head_shows(world, five):
    attack("DELETE FROM audit_auditevent WHERE id IN (%s, %s)", [five[3].pk, five[4].pk])
    attack(
        "UPDATE audit_auditchainhead SET seq = %s, hash = %s WHERE chain = %s",
        [3, five[2].hash, chain_of(world.org_a.pk)],
    )
    report = chain_report(world.org_a.pk)
    assert not report.ok
    assert "head" in report.reason


def test_deleting_the_last_event_and_the_head_shows(world, five):
    attack("DELETE FROM audit_auditevent WHERE id = %s", [five[4].pk])
    attack("DELETE FROM audit_auditchainhead WHERE chain = %s", [chain_of(world.org_a.pk)])
    report = chain_report(world.org_a.pk)
    assert not report.ok
    assert "head is missing" in report.reason


def test_deleting_a_whole_chain_but_its_head_shows(world, five):
    attack("DELETE FROM audit_auditevent WHERE organisation_id = %s", [world.org_a.pk])
    report = reports_by_chain()[chain_of(world.org_a.pk)]
    assert (report.ok, report.broken_seq) == (False, 1)


# --- reordered rows ---------------------------------------------------------------


def test_swapping_the_places_of_two_events_shows(world, five):
    second, fourth = five[1], five[3]
    attack_update(second.pk, seq=1_000_000)  # (chain, seq) is unique: go round
    attack_update(fourth.pk, seq=2)
    attack_update(second.pk, seq=4)
    report = chain_report(world.org_a.pk)
    assert (report.ok, report.broken_seq, report.checked) == (False, 2, 1)


def test_swapping_the_contents_of_two_events_shows(world, five):
    second, fourth = five[1], five[3]
    attack_update(second.pk, **content_of(fourth, with_hashes=False))
    attack_update(fourth.pk, **content_of(second, with_hashes=False))
    assert AuditEvent.objects.get(pk=second.pk).action == Action.EXPORT
    report = chain_report(world.org_a.pk)
    assert (report.ok, report.broken_seq, report.checked) == (False, 2, 1)


def test_swapping_the_contents_and_hashes_but_keeping_the_places_shows(world, five):
    """Rows moved whole but for their seq: each now claims a place it was not made for."""
    second, third = five[1], five[2]
    content_second = content_of(second, with_hashes=True)
    content_third = content_of(third, with_hashes=True)
    attack_update(second.pk, **content_third)
    attack_update(third.pk, **content_second)
    report = chain_report(world.org_a.pk)
    assert (report.ok, report.broken_seq) == (False, 2)


# --- rows that were never appended ------------------------------------------------


def test_an_event_inserted_past_the_head_shows(world, five):
    columns = [
        connection.ops.quote_name(f.column)
        for f in AuditEvent._meta.concrete_fields
        if f.name not in ("id", "seq")
    ]
    listed = ", ".join(columns)
    attack(
        f"INSERT INTO audit_auditevent ({listed}, seq) "  # noqa: S608 (column names)
        f"SELECT {listed}, seq + 1 FROM audit_auditevent WHERE id = %s",
        [five[4].pk],
    )
    report = chain_report(world.org_a.pk)
    assert (report.ok, report.broken_seq) == (False, 6)
    assert "beyond" in report.reason


def test_a_forged_checkpoint_does_not_hide_an_edited_event(world, five):
    """A checkpoint says where a purged chain starts; a forged one must not let
    the verifier skip the events before it."""
    attack_update(five[1].pk, object_id="777")
    attack(
        "INSERT INTO audit_auditcheckpoint (chain, seq, hash, purged, created_at, mac) "
        "VALUES (%s, %s, %s, %s, %s, %s)",
        [
            chain_of(world.org_a.pk),
            5,
            five[4].hash,
            0,
            connection.ops.adapt_datetimefield_value(timezone.now()),
            "0" * 64,
        ],
    )
    report = chain_report(world.org_a.pk)
    assert not report.ok
    assert "checkpoint" in report.reason


def test_a_forged_purge_of_the_oldest_events_shows(world, five):
    """Deleting the oldest events and leaving a checkpoint as the purge would."""
    attack("DELETE FROM audit_auditevent WHERE id IN (%s, %s)", [five[0].pk, five[1].pk])
    attack(
        "INSERT INTO audit_auditcheckpoint (chain, seq, hash, purged, created_at, mac) "
        "VALUES (%s, %s, %s, %s, %s, %s)",
        [
            chain_of(world.org_a.pk),
            2,
            five[1].hash,
            2,
            connection.ops.adapt_datetimefield_value(timezone.now()),
            "",
        ],
    )
    report = chain_report(world.org_a.pk)
    assert (report.ok, report.broken_seq) == (False, 3)


def test_verify_lists_every_chain_and_reports_only_the_broken_one(world, five):
    audit_record(actor=Actor.system(), action=Action.PURGE, organisation_id=None)
    attack_update(five[0].pk, fields=["first_name"])
    reports = reports_by_chain()
    assert set(reports) >= {chain_of(world.org_a.pk), chain_of(world.org_b.pk), "system"}
    assert [chain for chain, r in reports.items() if not r.ok] == [chain_of(world.org_a.pk)]
    assert reports[chain_of(world.org_a.pk)].broken_seq == 1


def test_verify_of_one_organisation_checks_only_its_chain(world, five):
    attack_update(five[0].pk, fields=["first_name"])
    assert chain_report(world.org_b.pk).ok
    assert [r.chain for r in audit_verify(organisation_id=world.org_b.pk, all_chains=False)] == [
        chain_of(world.org_b.pk)
    ]
