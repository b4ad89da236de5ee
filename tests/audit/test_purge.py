"""The retention purge: old events go, a sealed checkpoint stays, the chains
still verify, and the purge itself is journalled."""

from datetime import timedelta

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from comptoir.audit import services
from comptoir.audit.models import Action, ActorKind, AuditCheckpoint, AuditEvent, chain_of
from comptoir.audit.services import Actor, BrokenChainError, audit_purge, audit_record
from tests.audit.journal import (
    attack,
    attack_update,
    chain_report,
    on_postgresql,
    record_five,
    reports_by_chain,
)


@pytest.fixture
def aged(world):
    """Org A: five events 400 days old, then five of today. Org B: five of today.
    The system chain: one event 400 days old."""
    long_ago = timezone.now() - timedelta(days=400)
    with time_machine.travel(long_ago, tick=True):
        old_a = record_five(world.org_a, world.member("sales"))
        old_system = audit_record(
            actor=Actor.system(), action=Action.PERMISSION_CHANGE, organisation_id=None
        )
    new_a = record_five(world.org_a, world.member("admin"))
    new_b = record_five(world.org_b, world.owner_b)
    return {"old_a": old_a, "old_system": old_system, "new_a": new_a, "new_b": new_b}


def a_year_ago():
    return timezone.now() - timedelta(days=365)


def test_purge_deletes_only_events_past_retention(world, aged):
    assert audit_purge(before=a_year_ago()) == 6

    remaining = set(AuditEvent.objects.values_list("pk", flat=True))
    assert not {e.pk for e in aged["old_a"]} & remaining
    assert aged["old_system"].pk not in remaining
    assert {e.pk for e in aged["new_a"] + aged["new_b"]} <= remaining


def test_after_a_purge_every_chain_still_verifies(world, aged):
    audit_purge(before=a_year_ago())
    reports = reports_by_chain()
    assert all(r.ok for r in reports.values()), reports
    # The verifier starts after the checkpoint: today's five and the purge's event.
    assert reports[chain_of(world.org_a.pk)].checked == 6


def test_a_purge_leaves_a_checkpoint_per_purged_chain(world, aged):
    audit_purge(before=a_year_ago())
    last_old = aged["old_a"][-1]
    checkpoint = AuditCheckpoint.objects.get(chain=chain_of(world.org_a.pk))
    assert (checkpoint.seq, checkpoint.hash, checkpoint.purged) == (5, last_old.hash, 5)
    assert AuditCheckpoint.objects.filter(chain="system").count() == 1
    # Nothing was old in B's chain: no checkpoint there.
    assert not AuditCheckpoint.objects.filter(chain=chain_of(world.org_b.pk)).exists()


def test_the_purge_is_journalled_in_the_chain_it_purged(world, aged):
    audit_purge(before=a_year_ago())
    checkpoint = AuditCheckpoint.objects.get(chain=chain_of(world.org_a.pk))
    purge = AuditEvent.objects.get(organisation_id=world.org_a.pk, action=Action.PURGE)
    assert purge.actor_kind == ActorKind.SYSTEM
    assert (purge.object_type, purge.object_id) == ("audit.AuditCheckpoint", str(checkpoint.pk))
    assert purge.seq == 11  # after today's five: the chain goes on


def test_the_chain_goes_on_after_a_purge(world, aged):
    audit_purge(before=a_year_ago())
    event = audit_record(actor=Actor.system(), action=Action.READ, organisation_id=world.org_a.pk)
    assert event.seq == 12
    assert chain_report(world.org_a.pk).ok


def test_purging_a_whole_chain_keeps_it_verifiable(world, aged):
    purged = audit_purge(before=timezone.now() + timedelta(days=1))
    assert purged == 16
    assert all(r.ok for r in reports_by_chain().values())
    # What is left of A's chain is the purge's own event, right after the checkpoint.
    assert list(
        AuditEvent.objects.filter(organisation_id=world.org_a.pk).values_list("seq", "action")
    ) == [(11, "purge")]


def test_two_purges_leave_two_checkpoints_and_a_valid_chain(world, aged):
    audit_purge(before=a_year_ago())
    with time_machine.travel(timezone.now() + timedelta(days=400), tick=True):
        audit_purge(before=timezone.now() - timedelta(days=365))
    assert AuditCheckpoint.objects.filter(chain=chain_of(world.org_a.pk)).count() == 2
    assert all(r.ok for r in reports_by_chain().values())


def test_nothing_past_retention_purges_nothing(world):
    record_five(world.org_a, world.member("sales"))
    assert audit_purge(before=a_year_ago()) == 0
    assert not AuditCheckpoint.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.PURGE).exists()


def test_a_changed_checkpoint_shows(world, aged):
    audit_purge(before=a_year_ago())
    attack(
        "UPDATE audit_auditcheckpoint SET seq = seq + 1 WHERE chain = %s",
        [chain_of(world.org_a.pk)],
    )
    report = chain_report(world.org_a.pk)
    assert not report.ok
    assert "checkpoint" in report.reason


def test_a_deleted_checkpoint_shows(world, aged):
    audit_purge(before=a_year_ago())
    attack("DELETE FROM audit_auditcheckpoint WHERE chain = %s", [chain_of(world.org_a.pk)])
    report = chain_report(world.org_a.pk)
    assert (report.ok, report.broken_seq) == (False, 1)


def test_deleting_the_first_event_after_a_checkpoint_shows(world, aged):
    audit_purge(before=a_year_ago())
    attack("DELETE FROM audit_auditevent WHERE id = %s", [aged["new_a"][0].pk])
    report = chain_report(world.org_a.pk)
    assert (report.ok, report.broken_seq) == (False, 6)


def test_editing_an_event_kept_by_the_purge_shows(world, aged):
    audit_purge(before=a_year_ago())
    attack_update(aged["new_a"][2].pk, fields=["email"])
    report = chain_report(world.org_a.pk)
    assert (report.ok, report.broken_seq) == (False, 8)


def test_a_purge_that_fails_midway_keeps_the_failed_chain_whole(world, aged, monkeypatch):
    """One transaction per chain: A's chain is purged, the system chain's
    failure leaves its events and no checkpoint, and everything verifies."""
    sealed = services.checkpoint_mac

    def fail_on_system(checkpoint):
        if checkpoint.chain == "system":
            raise RuntimeError("disk full")
        return sealed(checkpoint)

    monkeypatch.setattr(services, "checkpoint_mac", fail_on_system)
    with pytest.raises(RuntimeError):
        audit_purge(before=a_year_ago())

    assert AuditCheckpoint.objects.filter(chain=chain_of(world.org_a.pk)).exists()
    assert not AuditCheckpoint.objects.filter(chain="system").exists()
    assert AuditEvent.objects.filter(pk=aged["old_system"].pk).exists()
    assert all(r.ok for r in reports_by_chain().values())


def test_a_purge_keeps_a_tampered_chain_whole_as_evidence(world, aged):
    """Purging the edited events would launder the chain: the purge keeps that
    chain whole, purges the others, and says which chain it kept."""
    attack_update(aged["old_a"][1].pk, fields=["iban"])
    with pytest.raises(BrokenChainError) as raised:
        audit_purge(before=a_year_ago())
    (report,) = raised.value.reports
    assert (report.chain, report.broken_seq) == (chain_of(world.org_a.pk), 2)
    assert raised.value.purged == 1  # the system chain's old event

    assert AuditEvent.objects.filter(organisation_id=world.org_a.pk).count() == 10
    assert not AuditCheckpoint.objects.filter(chain=chain_of(world.org_a.pk)).exists()
    assert AuditCheckpoint.objects.filter(chain="system").exists()
    assert chain_report(world.org_a.pk).broken_seq == 2
    assert chain_report(None).ok


def test_a_purge_keeps_a_chain_whose_head_was_deleted(world, aged):
    attack("DELETE FROM audit_auditchainhead WHERE chain = %s", [chain_of(world.org_a.pk)])
    with pytest.raises(BrokenChainError):
        audit_purge(before=a_year_ago())
    assert AuditEvent.objects.filter(organisation_id=world.org_a.pk).count() == 10


def assert_delete_refused(event_id: int) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event_id])


@on_postgresql
def test_the_purge_closes_the_triggers_door_behind_it(world, aged):
    """``SET LOCAL`` lasts until the end of the outermost transaction: a purge
    run inside one must not leave deletes allowed after it."""
    audit_purge(before=a_year_ago())
    assert_delete_refused(aged["new_b"][0].pk)
    assert AuditEvent.objects.filter(pk=aged["new_b"][0].pk).exists()


@on_postgresql
def test_a_failed_purge_leaves_the_door_closed(world, aged, monkeypatch):
    def fail(checkpoint):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "checkpoint_mac", fail)
    with pytest.raises(RuntimeError):
        audit_purge(before=a_year_ago())
    assert_delete_refused(aged["new_b"][0].pk)
