"""The breach register's services: the 72-hour countdown, the decisions and
their required reasons, the timeline, the audit events."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from comptoir.audit.models import Action, AuditEvent
from comptoir.privacy.breaches import rules, selectors, services
from comptoir.privacy.breaches.models import (
    AuthorityStatus,
    Breach,
    BreachUpdate,
    PeopleStatus,
    UpdateKind,
)
from tests.privacy.breaches.conftest import NOW, facts


def test_recording_gives_a_reference_the_dpo_and_a_first_timeline_entry(world, record):
    breach = record()
    other = record()
    assert (breach.reference, other.reference) == ("2026-001", "2026-002")
    assert world.org_a.privacy_contact_email in breach.dpo_contact
    assert breach.recorded_by == world.member("owner").pk
    [entry] = selectors.breach_timeline(breach=breach)
    assert entry.kind == UpdateKind.RECORDED
    assert {"description", "aware_at", "people_count"} <= set(entry.changed)


def test_the_facts_are_encrypted_under_the_organisation_key(world, record):
    breach = record()
    stored = (
        Breach.objects.of(world.org_a)
        .filter(pk=breach.pk)
        .values_list("description", "consequences", "dpo_contact")[0]
    )
    for value in stored:
        assert bytes(value)[:4] != b"Un o" and breach.description.encode() not in bytes(value)
    assert breach.data_subject_id is None
    assert Breach.objects.of(world.org_a).get(pk=breach.pk).description == breach.description


def test_the_countdown_runs_72_hours_from_awareness(record, time_machine):
    breach = record()
    countdown = rules.countdown(breach)
    assert countdown.deadline == breach.aware_at + timedelta(hours=72)
    assert countdown.hours_left == 71 and not countdown.late and not countdown.done
    time_machine.move_to(breach.aware_at + timedelta(hours=71, minutes=59), tick=False)
    assert rules.countdown(breach).hours_left == 0 and not rules.countdown(breach).late
    time_machine.move_to(breach.aware_at + timedelta(hours=72, minutes=1), tick=False)
    late = rules.countdown(breach)
    assert late.late and late.hours_left == -1


def test_a_notification_in_time_stops_the_countdown(owner, record, time_machine):
    breach = record()
    services.breach_assess_risk(actor=owner, breach=breach, risk="risk", reasons="Coordonnées.")
    breach = services.breach_notify_authority(
        actor=owner, breach=breach, notified_at=NOW, reference="CNIL-123"
    )
    time_machine.move_to(NOW + timedelta(days=30), tick=False)
    countdown = rules.countdown(breach)
    assert countdown.done and not countdown.late
    assert breach.authority_status == AuthorityStatus.NOTIFIED


def test_a_late_notification_requires_the_reasons_for_the_delay(owner, record, time_machine):
    breach = record()
    late = breach.aware_at + timedelta(hours=73)
    time_machine.move_to(late + timedelta(minutes=5), tick=False)
    with pytest.raises(ValidationError) as refused:
        services.breach_notify_authority(actor=owner, breach=breach, notified_at=late)
    assert "delay_reasons" in refused.value.message_dict
    breach.refresh_from_db()
    assert breach.authority_status == "" and breach.authority_notified_at is None
    assert selectors.breach_timeline(breach=breach).count() == 1
    done = services.breach_notify_authority(
        actor=owner, breach=breach, notified_at=late, delay_reasons="Week-end, DPO absent."
    )
    countdown = rules.countdown(done)
    assert countdown.done and countdown.late
    # Just in time needs no reason.
    other = record()
    time_machine.move_to(other.aware_at + timedelta(hours=72), tick=False)
    services.breach_notify_authority(
        actor=owner, breach=other, notified_at=other.aware_at + timedelta(hours=72)
    )


def test_the_notification_moment_is_checked(owner, record):
    breach = record()
    for moment in (breach.aware_at - timedelta(minutes=1), NOW + timedelta(hours=1), None):
        with pytest.raises(ValidationError) as refused:
            services.breach_notify_authority(actor=owner, breach=breach, notified_at=moment)
        assert "notified_at" in refused.value.message_dict


def test_the_authority_goes_unnotified_only_without_risk_and_with_a_reason(owner, record):
    breach = record()
    with pytest.raises(ValidationError) as refused:
        services.breach_waive_authority(actor=owner, breach=breach, reason="Pas de risque.")
    assert "reason" in refused.value.message_dict  # not assessed yet
    services.breach_assess_risk(
        actor=owner, breach=breach, risk="none", reasons="Données publiques."
    )
    with pytest.raises(ValidationError):
        services.breach_waive_authority(actor=owner, breach=breach, reason="  ")
    breach = services.breach_waive_authority(
        actor=owner, breach=breach, reason="Données déjà publiques."
    )
    assert breach.authority_status == AuthorityStatus.NOT_NOTIFIED
    assert rules.countdown(breach).done and not rules.countdown(breach).late


def test_not_telling_the_people_requires_a_reason(owner, record):
    breach = record()
    services.breach_assess_risk(actor=owner, breach=breach, risk="high", reasons="Mots de passe.")
    with pytest.raises(ValidationError) as refused:
        services.breach_waive_people(actor=owner, breach=breach, reason="", details="")
    assert {"reason", "details"} <= set(refused.value.message_dict)
    with pytest.raises(ValidationError) as refused:  # a high risk is a high risk
        services.breach_waive_people(
            actor=owner, breach=breach, reason="no_high_risk", details="Pas grave."
        )
    assert "reason" in refused.value.message_dict
    breach = services.breach_waive_people(
        actor=owner,
        breach=breach,
        reason="encrypted",
        details="Disque chiffré (AES-256), clé conservée hors du portable.",
    )
    assert breach.people_status == PeopleStatus.NOT_TOLD
    assert breach.people_not_reason == "encrypted"


def test_telling_the_people_records_when_and_how(owner, record):
    breach = record()
    with pytest.raises(ValidationError) as refused:
        services.breach_tell_people(actor=owner, breach=breach, told_at=NOW, how="")
    assert "how" in refused.value.message_dict
    breach = services.breach_tell_people(
        actor=owner, breach=breach, told_at=NOW, how="Courriel individuel à chaque client."
    )
    assert breach.people_status == PeopleStatus.TOLD and breach.people_told_at == NOW


def test_an_update_appends_to_the_timeline_and_never_rewrites_it(owner, record):
    breach = record()
    services.breach_update(actor=owner, breach=breach, people_count=1400, note="Recomptés.")
    services.breach_update(actor=owner, breach=breach, note="Plainte déposée.")
    entries = list(selectors.breach_timeline(breach=breach))
    assert [e.kind for e in entries] == ["recorded", "updated", "updated"]
    assert entries[1].changed == ["people_count"] and entries[1].note == "Recomptés."
    assert entries[2].changed == [] and entries[2].note == "Plainte déposée."
    with pytest.raises(ValidationError) as refused:
        services.breach_update(actor=owner, breach=breach, people_count=1400)
    assert "note" in refused.value.message_dict
    entries[0].note = "réécrit"
    with pytest.raises(ValueError):
        entries[0].save()


def test_bad_facts_are_refused_and_nothing_is_written(world, owner, record):
    record()  # travels to NOW
    cases = {
        "aware_at": facts(aware_at=NOW - timedelta(days=3)),  # before it began
        "occurred_from": facts(occurred_from=NOW + timedelta(hours=1), aware_at=NOW),
        "occurred_until": facts(occurred_until=NOW - timedelta(days=3)),
        "people_count": facts(people_count=-1),
        "records_count": facts(records_count=10**11),
        "natures": facts(natures=["gossip"]),
        "data_categories": facts(data_categories=["shoe_size"]),
        "description": facts(description="facts\x00with a NUL"),
    }
    future = facts(aware_at=NOW + timedelta(minutes=5))
    before = Breach.objects.of(world.org_a).count()
    events = AuditEvent.objects.count()
    for field, values in [*cases.items(), ("aware_at", future)]:
        with pytest.raises(ValidationError) as refused:
            services.breach_record(actor=owner, organisation=world.org_a, **values)
        assert field in refused.value.message_dict, field
    assert Breach.objects.of(world.org_a).count() == before
    assert BreachUpdate.objects.of(world.org_a).count() == before
    assert AuditEvent.objects.count() == events


def test_closing_needs_every_decision_then_freezes_the_breach(owner, record):
    breach = record()
    with pytest.raises(ValidationError):
        services.breach_close(actor=owner, breach=breach)
    services.breach_assess_risk(actor=owner, breach=breach, risk="high", reasons="Identité.")
    services.breach_notify_authority(actor=owner, breach=breach, notified_at=NOW)
    with pytest.raises(ValidationError):  # high risk: the people's decision is missing
        services.breach_close(actor=owner, breach=breach)
    services.breach_tell_people(actor=owner, breach=breach, told_at=NOW, how="Par courrier.")
    closed = services.breach_close(actor=owner, breach=breach, note="Clos.")
    assert closed.closed_at == NOW
    with pytest.raises(ValidationError):
        services.breach_update(actor=owner, breach=closed, note="Trop tard.")


def test_each_service_writes_one_audit_event_without_values(world, owner, record):
    breach = record()
    description = breach.description
    first = AuditEvent.objects.filter(object_type="privacy_breaches.breach").order_by("pk")
    created = first.get()
    assert created.action == Action.CREATE and created.object_id == str(breach.pk)
    assert {"description", "aware_at", "updates"} <= set(created.fields)
    services.breach_assess_risk(actor=owner, breach=breach, risk="risk", reasons="Noms.")
    services.breach_notify_authority(actor=owner, breach=breach, notified_at=NOW)
    events = list(first)
    assert [e.action for e in events] == [Action.CREATE, Action.UPDATE, Action.UPDATE]
    assert set(events[1].fields) == {"risk", "risk_reasons", "updates"}
    assert {"authority_status", "authority_notified_at"} <= set(events[2].fields)
    for event in events:
        assert event.organisation_id == world.org_a.pk
        assert description not in str(event.fields)


def test_the_authority_is_the_organisations(world):
    assert rules.authority_of(world.org_a.country).name.startswith("CNIL")
    assert rules.authority_of(world.org_b.country).name.startswith("APD/GBA")
