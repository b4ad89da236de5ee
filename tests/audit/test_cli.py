"""``comptoir audit verify`` and ``comptoir audit purge``."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from comptoir.audit.models import Action, AuditCheckpoint, AuditEvent, chain_of
from comptoir.audit.services import Actor, audit_record
from tests.audit.journal import attack, attack_update, record_five
from tests.factories import FrenchOrganisationFactory, UserFactory


def audit(*args) -> str:
    out = StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def two_chains(world):
    return record_five(world.org_a, world.member("sales")), record_five(world.org_b, world.owner_b)


def test_verify_says_each_chain_is_ok(world, two_chains):
    output = audit("verify")
    assert f"{chain_of(world.org_a.pk)}: ok (5 events)" in output
    assert f"{chain_of(world.org_b.pk)}: ok (5 events)" in output


def test_verify_fails_on_an_edited_event_and_names_it(world, two_chains):
    events_a, _ = two_chains
    attack_update(events_a[2].pk, object_id="999")
    out = StringIO()
    with pytest.raises(CommandError, match="1 chain"):
        call_command("audit", "verify", stdout=out)
    assert f"{chain_of(world.org_a.pk)}: BROKEN at event 3" in out.getvalue()
    assert f"{chain_of(world.org_b.pk)}: ok (5 events)" in out.getvalue()


def test_verify_fails_on_a_deleted_last_event(world, two_chains):
    _, events_b = two_chains
    attack("DELETE FROM audit_auditevent WHERE id = %s", [events_b[-1].pk])
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("audit", "verify", stdout=out)
    assert f"{chain_of(world.org_b.pk)}: BROKEN at event 5" in out.getvalue()


def test_verify_fails_on_reordered_events(world, two_chains):
    events_a, _ = two_chains
    attack_update(events_a[0].pk, seq=1_000_000)
    attack_update(events_a[1].pk, seq=1)
    attack_update(events_a[0].pk, seq=2)
    with pytest.raises(CommandError):
        audit("verify")


def test_verify_of_one_organisation(world, two_chains):
    events_a, _ = two_chains
    attack_update(events_a[0].pk, fields=["email"])
    output = audit("verify", "--organisation", str(world.org_b.pk))
    assert output.strip() == f"{chain_of(world.org_b.pk)}: ok (5 events)"
    with pytest.raises(CommandError):
        audit("verify", "--organisation", str(world.org_a.pk))


def test_purge_by_days_keeps_the_journal_verifiable(world):
    with time_machine.travel(timezone.now() - timedelta(days=40), tick=True):
        record_five(world.org_a, world.member("sales"))
    record_five(world.org_a, world.member("sales"))

    assert audit("purge", "--days", "30").strip() == "purged 5 events"
    checkpoint = AuditCheckpoint.objects.get(chain=chain_of(world.org_a.pk))
    assert (checkpoint.seq, checkpoint.purged) == (5, 5)
    assert "BROKEN" not in audit("verify")
    assert AuditEvent.objects.filter(organisation_id=world.org_a.pk).count() == 6


def test_purge_fails_on_a_tampered_chain_and_keeps_it(world):
    with time_machine.travel(timezone.now() - timedelta(days=40), tick=True):
        events_a = record_five(world.org_a, world.member("sales"))
        record_five(world.org_b, world.owner_b)
    attack_update(events_a[0].pk, object_id="5")
    out = StringIO()
    with pytest.raises(CommandError, match=f"{chain_of(world.org_a.pk)} broken at event 1"):
        call_command("audit", "purge", "--days", "30", stdout=out)
    assert out.getvalue().strip() == "purged 5 events"  # B's
    assert AuditEvent.objects.filter(organisation_id=world.org_a.pk).count() == 5


def test_purge_refuses_less_than_a_day(world):
    record_five(world.org_a, world.member("sales"))
    with pytest.raises(CommandError, match="at least 1"):
        audit("purge", "--days", "0")
    assert AuditEvent.objects.count() == 5


def test_verify_outside_any_transaction(transactional_db):
    """As cron runs it: outside a transaction (on PostgreSQL, in one snapshot)."""
    organisation = FrenchOrganisationFactory()
    user = UserFactory()
    events = record_five(organisation, user)
    audit_record(actor=Actor.system(), action=Action.LOGIN_FAILED, organisation_id=None)
    assert "BROKEN" not in audit("verify")

    attack_update(events[3].pk, action="read")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("audit", "verify", stdout=out)
    assert f"{chain_of(organisation.pk)}: BROKEN at event 4" in out.getvalue()
