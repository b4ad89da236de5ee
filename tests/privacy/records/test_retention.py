"""The retention sweep: DOMAIN.md §4's rules from real events, the
organisation's overrides, legal holds winning, generic ``retention_start``."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command

from comptoir.audit.models import Action, AuditEvent
from comptoir.invoicing import services as invoicing
from comptoir.invoicing.models import Invoice, IssuedDocument
from comptoir.parties import selectors
from comptoir.parties import services as parties
from comptoir.parties.models import Direction, Party
from comptoir.privacy import keys, retention
from comptoir.privacy.models import DataSubject
from comptoir.privacy.records import services
from comptoir.privacy.records.models import ErasureRecord
from comptoir.privacy.records.retention import effective_rule
from comptoir.privacy.records.sweep import retention_apply, retention_plan
from comptoir.privacy.records.tasks import retention_sweep
from comptoir.privacy.registry import read_declaration
from comptoir.privacy.retention import Duration
from tests.privacy.records.models import IdentityCopy, StartWithoutDuration, WrongStart

NOW = datetime(2027, 6, 15, 9, 0, tzinfo=UTC)  # after the real today: rows made now are past


def years_ago(count: float) -> datetime:
    return NOW - timedelta(days=round(365.25 * count))


def _exists(party) -> bool:
    return Party.objects.of(party.organisation_id).filter(pk=party.pk).exists()


def _name(party) -> str:
    keys.clear_caches()
    return Party.objects.of(party.organisation_id).get(pk=party.pk).family_name


@pytest.fixture
def old_prospect(make_prospect, actor):
    """``old_prospect(inbound=..., outbound=...)``: a prospect collected 4 years ago."""

    def build(*, inbound=None, outbound=None, organisation=None):
        with time_machine.travel(years_ago(4), tick=False):
            party = make_prospect(organisation)
        for direction, when in ((Direction.INBOUND, inbound), (Direction.OUTBOUND, outbound)):
            if when is not None:
                with time_machine.travel(when, tick=False):
                    parties.interaction_record(
                        actor=actor, party=party, kind="email", direction=direction
                    )
        return party

    return build


def _apply(**kwargs):
    with time_machine.travel(NOW, tick=False):
        return retention_apply(**kwargs)


def test_prospects_count_from_their_latest_inbound_contact(world, old_prospect):
    silent = old_prospect()
    replied = old_prospect(inbound=years_ago(1))
    only_written_to = old_prospect(outbound=years_ago(1))  # an email sent is no contact
    recent_reply_before = old_prospect(inbound=years_ago(3.5))

    with time_machine.travel(NOW, tick=False):
        lines = retention_plan(organisation=world.org_a)
    prospects = next(line for line in lines if line.rule.code == "prospect")
    assert prospects.count == 3 and prospects.duration == "3 years"
    assert "inbound" in prospects.start

    outcome = _apply(organisation=world.org_a)
    assert outcome.erased == 3
    assert not _exists(silent) and not _exists(only_written_to)
    assert not _exists(recent_reply_before)
    assert _exists(replied) and _name(replied) == replied.family_name
    # The same rule, one party at a time.
    with time_machine.travel(NOW, tick=False):
        rule = selectors.party_retention(organisation=world.org_a, party=replied)
    assert rule.rule == retention.PROSPECT and rule.start == years_ago(1).date()


def test_clients_count_from_the_end_of_the_relationship(world, make_person, make_draft, actor):
    since = years_ago(8).date()
    ended_long_ago = make_person(client_since=since, client_ended_on=years_ago(3.2).date())
    ended_lately = make_person(client_since=since, client_ended_on=years_ago(1).date())
    current = make_person()
    with time_machine.travel(years_ago(3.5), tick=False):
        invoice = invoicing.invoice_issue(actor=actor, invoice=make_draft(party=ended_long_ago))
    outcome = _apply(organisation=world.org_a)
    assert outcome.erased == 1
    # Named on an issued invoice: anonymised, never deleted; the invoice untouched.
    assert _name(ended_long_ago) == "Anonymised"
    assert Invoice.objects.of(world.org_a).get(pk=invoice.pk).party_id == ended_long_ago.pk
    assert IssuedDocument.objects.of(world.org_a).filter(invoice=invoice).exists()
    assert _name(ended_lately) == ended_lately.family_name
    assert _name(current) == current.family_name


def test_an_override_changes_the_outcome(world, old_prospect, actor):
    prospect = old_prospect()
    theirs = old_prospect(organisation=world.org_b)
    services.retention_override_set(
        actor=actor, organisation=world.org_a, rule_code="prospect", months=60
    )
    assert effective_rule(world.org_a, retention.PROSPECT).duration == Duration(months=60)
    assert effective_rule(world.org_b, retention.PROSPECT) == retention.PROSPECT
    outcome = _apply()
    assert _exists(prospect) and not _exists(theirs)
    assert outcome.erased == 1
    services.retention_override_clear(actor=actor, organisation=world.org_a, rule_code="prospect")
    _apply()
    assert not _exists(prospect)


def test_a_legal_hold_cannot_be_shortened(world, actor):
    with pytest.raises(ValidationError) as refused:
        services.retention_override_set(
            actor=actor, organisation=world.org_a, rule_code="accounting", months=24
        )
    assert "months" in refused.value.message_dict
    longer = services.retention_override_set(
        actor=actor, organisation=world.org_a, rule_code="accounting", months=144
    )
    assert longer.months == 144
    for code, months in (("nope", 12), ("client_contract", 12), ("prospect", -1)):
        with pytest.raises(ValidationError):
            services.retention_override_set(
                actor=actor, organisation=world.org_a, rule_code=code, months=months
            )


def test_rows_with_a_retention_start_are_deleted_generically(world, identity_copies):
    old = IdentityCopy.objects.create(
        organisation=world.org_a, file_name="id-1.pdf", received_at=years_ago(1.1)
    )
    fresh = IdentityCopy.objects.create(
        organisation=world.org_a, file_name="id-2.pdf", received_at=years_ago(0.9)
    )
    with time_machine.travel(NOW, tick=False):
        line = next(
            line for line in retention_plan(organisation=world.org_a) if line.model is IdentityCopy
        )
    assert line.count == 1 and line.start == "received_at"
    outcome = _apply(organisation=world.org_a)
    assert outcome.deleted == {"privacy_tests.IdentityCopy": 1}
    assert list(IdentityCopy.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert old.pk != fresh.pk
    event = AuditEvent.objects.filter(action=Action.DELETE).latest("pk")
    assert event.object_type == "privacy_tests.identitycopy" and event.fields == ["file_name"]


def test_the_daily_task_applies_and_purges_and_is_idempotent(world, old_prospect):
    prospect = old_prospect()
    with time_machine.travel(NOW, tick=False):
        first = retention_sweep.call()
        second = retention_sweep.call()
    assert first["erased"] == 1 and second["erased"] == 0
    assert {"purged outbox", "purged audit journal", "purged import files"} <= set(first)
    assert not _exists(prospect)
    assert ErasureRecord.objects.of(world.org_a).count() == 1
    assert DataSubject.objects.of(world.org_a).get(pk=prospect.data_subject_id).is_shredded


def test_the_command_plans_then_applies(world, old_prospect, capsys):
    prospect = old_prospect()
    with time_machine.travel(NOW, tick=False):
        call_command("retention", "plan", "--organisation", str(world.org_a.pk))
        planned = capsys.readouterr().out
        assert _exists(prospect)
        call_command("retention", "apply", "--organisation", str(world.org_a.pk))
        applied = capsys.readouterr().out
    assert "prospect" in planned and "3 years" in planned
    assert "erased 1 persons" in applied
    assert not _exists(prospect)


def test_a_retention_start_must_be_a_date_under_a_rule_with_a_duration():
    declaration, errors = read_declaration(IdentityCopy)
    assert errors == [] and declaration.retention_start == "received_at"
    _, errors = read_declaration(WrongStart)
    assert any("is not a date or datetime column" in e for e in errors)
    _, errors = read_declaration(StartWithoutDuration)
    assert any("needs a retention rule with a fixed duration" in e for e in errors)
