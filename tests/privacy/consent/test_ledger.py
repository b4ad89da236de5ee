"""The ledger: the state is its latest event, withdrawal asks no more than giving,
email prospection counts only once double opt-in confirmed, events and used
wordings never change, and bad input changes nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comptoir.audit.models import AuditEvent
from comptoir.privacy.consent import selectors, services
from comptoir.privacy.consent.models import (
    ConsentAction,
    ConsentChannel,
    ConsentEvent,
    ConsentPurpose,
    ConsentWording,
)
from comptoir.privacy.consent.selectors import ConsentStatus
from comptoir.privacy.services import subject_shred

EMAIL = ConsentPurpose.PROSPECTION_EMAIL
POST = ConsentPurpose.PROSPECTION_POST
REVIEWS = ConsentPurpose.REVIEWS


def test_the_state_is_the_ledgers_latest_event(actor, make_contact, wording):
    subject = make_contact().data_subject
    reviews = wording(REVIEWS)
    assert selectors.consent_state(subject=subject, purpose=REVIEWS).status == ConsentStatus.NONE
    now = timezone.now()
    services.consent_give(
        actor=actor,
        subject=subject,
        purpose=REVIEWS,
        channel=ConsentChannel.PAPER,
        wording=reviews,
        occurred_at=now - timedelta(days=10),
    )
    assert selectors.consent_state(subject=subject, purpose=REVIEWS).given
    services.consent_withdraw(
        actor=actor,
        subject=subject,
        purpose=REVIEWS,
        channel=ConsentChannel.PHONE,
        occurred_at=now - timedelta(days=5),
    )
    state = selectors.consent_state(subject=subject, purpose=REVIEWS)
    assert state.status == ConsentStatus.WITHDRAWN and not state.given
    # A consent recorded late, about an earlier moment, does not override the later withdrawal.
    services.consent_give(
        actor=actor,
        subject=subject,
        purpose=REVIEWS,
        channel=ConsentChannel.PAPER,
        wording=reviews,
        occurred_at=now - timedelta(days=8),
    )
    assert selectors.consent_state(subject=subject, purpose=REVIEWS).status == "withdrawn"
    services.consent_give(
        actor=actor, subject=subject, purpose=REVIEWS, channel="in_person", wording=reviews
    )
    assert selectors.consent_state(subject=subject, purpose=REVIEWS).given
    # Other purposes are untouched.
    assert selectors.consent_state(subject=subject, purpose=POST).status == ConsentStatus.NONE
    assert selectors.consent_history(subject=subject).count() == 4


def test_consent_states_read_a_whole_list_in_one_query(world, actor, make_contact, wording):
    people = [make_contact().data_subject for _ in range(4)]
    post = wording(POST)
    for subject in people[:3]:
        services.consent_give(
            actor=actor, subject=subject, purpose=POST, channel="paper", wording=post
        )
    services.consent_withdraw(actor=actor, subject=people[1], purpose=POST, channel="phone")
    with CaptureQueriesContext(connection) as queries:
        states = selectors.consent_states(organisation=world.org_a, subjects=people)
    assert len(queries) == 1
    assert [states[s.pk][POST].status for s in people] == [
        "given",
        "withdrawn",
        "given",
        "none",
    ]
    assert all(states[s.pk][REVIEWS].status == "none" for s in people)


def test_withdrawal_asks_no_more_than_giving(actor, make_contact, wording):
    subject = make_contact().data_subject
    post = wording(POST)
    services.consent_give(actor=actor, subject=subject, purpose=POST, channel="phone", wording=post)
    # No wording, no form: a person, a purpose, a channel.
    event = services.consent_withdraw(actor=actor, subject=subject, purpose=POST, channel="phone")
    assert event.action == ConsentAction.WITHDRAWN and event.wording is None
    # Withdrawn twice: one event, the same answer.
    again = services.consent_withdraw(actor=actor, subject=subject, purpose=POST, channel="phone")
    assert again.pk == event.pk
    # A refusal with no consent on file is proof too.
    other = make_contact().data_subject
    services.consent_withdraw(actor=actor, subject=other, purpose=POST, channel="email_reply")
    assert selectors.consent_state(subject=other, purpose=POST).status == "withdrawn"


def test_giving_needs_the_wording_shown(actor, make_contact, wording):
    subject = make_contact().data_subject
    with pytest.raises(ValidationError) as caught:
        services.consent_give(
            actor=actor, subject=subject, purpose=POST, channel="phone", wording=None
        )
    assert "wording" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.consent_give(
            actor=actor, subject=subject, purpose=POST, channel="phone", wording=wording(REVIEWS)
        )
    assert "wording" in caught.value.message_dict
    assert not ConsentEvent.objects.of(subject.organisation_id).exists()


def test_email_prospection_counts_once_double_opt_in_confirmed(actor, make_contact, wording):
    subject = make_contact().data_subject
    email = wording(EMAIL)
    event = services.consent_give(
        actor=actor, subject=subject, purpose=EMAIL, channel="phone", wording=email
    )
    state = selectors.consent_state(subject=subject, purpose=EMAIL)
    assert state.status == ConsentStatus.PENDING and not state.given
    # Confirming fills in the proof, once; nothing else of the event may change.
    event.confirmed_at = timezone.now()
    event.confirmed_via = "email_link"
    event.save(update_fields=["confirmed_at", "confirmed_via"])
    assert selectors.consent_state(subject=subject, purpose=EMAIL).given


def test_the_ledger_is_append_only(actor, make_contact, wording):
    subject = make_contact().data_subject
    event = services.consent_give(
        actor=actor, subject=subject, purpose=POST, channel="paper", wording=wording(POST)
    )
    event.action = ConsentAction.WITHDRAWN
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.save(update_fields=["action"])
    with pytest.raises(ValidationError):
        event.delete()
    event.refresh_from_db()
    assert event.action == ConsentAction.GIVEN


def test_a_used_wording_cannot_be_edited_a_change_is_a_new_version(
    world, actor, make_contact, wording
):
    first = wording(POST)
    assert first.version == 1
    first.text = "Une autre formulation, avant tout usage."
    first.save()  # never shown yet: still a draft of version 1
    services.consent_give(
        actor=actor,
        subject=make_contact().data_subject,
        purpose=POST,
        channel="paper",
        wording=first,
    )
    first.text = "Changée après usage."
    with pytest.raises(ValidationError):
        first.save()
    first.refresh_from_db()
    assert first.text == "Une autre formulation, avant tout usage."
    second = wording(POST)
    assert second.version == 2
    assert wording(REVIEWS).version == 1  # versions count per purpose
    assert wording(POST, organisation=world.org_b).version == 1  # and per organisation
    current = selectors.consent_wording_current(organisation=world.org_a, purpose=POST)
    assert current == second


def test_bad_input_changes_nothing(world, actor, make_contact, wording):
    subject = make_contact().data_subject
    post = wording(POST)
    before = (ConsentEvent.objects.of(world.org_a).count(), AuditEvent.objects.count())
    bad = [
        {"channel": "pigeon"},
        {"purpose": "astrology"},
        {"occurred_at": timezone.now() + timedelta(days=2)},
        {"source_ip": "not an address"},
        {"form": "x" * 500},
        {"wording": wording(POST, organisation=world.org_b)},
    ]
    after_wordings = AuditEvent.objects.count()
    for change in bad:
        values = {"purpose": POST, "channel": "paper", "wording": post, **change}
        with pytest.raises(ValidationError):
            services.consent_give(actor=actor, subject=subject, **values)
    assert ConsentEvent.objects.of(world.org_a).count() == before[0]
    assert AuditEvent.objects.count() == after_wordings
    with pytest.raises(ValidationError):
        services.consent_wording_create(
            actor=actor, organisation=world.org_a, purpose=POST, language="xx", text="Texte"
        )
    with pytest.raises(ValidationError):
        services.consent_wording_create(
            actor=actor, organisation=world.org_a, purpose=POST, language="fr", text="  "
        )
    assert ConsentWording.objects.of(world.org_a).count() == 1


def test_an_erased_person_gets_no_new_consent(actor, make_contact, wording):
    subject = make_contact().data_subject
    subject_shred(subject=subject, actor=actor)
    subject.refresh_from_db()
    with pytest.raises(ValidationError):
        services.consent_give(
            actor=actor, subject=subject, purpose=POST, channel="paper", wording=wording(POST)
        )


def test_who_recorded_it_and_the_journal(world, actor, make_contact, wording):
    subject = make_contact().data_subject
    event = services.consent_give(
        actor=actor, subject=subject, purpose=POST, channel="paper", wording=wording(POST)
    )
    assert event.recorded_by == world.member("sales").pk and not event.by_subject
    journal = AuditEvent.objects.filter(
        object_type="privacy_consent.consentevent", object_id=str(event.pk)
    ).get()
    assert journal.action == "create" and {"purpose", "action", "channel"} <= set(journal.fields)


def test_the_proof_goes_three_years_after_the_withdrawal(world, actor, make_contact, wording):
    post = wording(POST)
    now = timezone.now()
    old, recent, in_force = (make_contact().data_subject for _ in range(3))
    for subject, withdrawn_days_ago in ((old, 3 * 366), (recent, 400), (in_force, None)):
        services.consent_give(
            actor=actor,
            subject=subject,
            purpose=POST,
            channel="paper",
            wording=post,
            occurred_at=now - timedelta(days=5 * 365),
        )
        if withdrawn_days_ago:
            services.consent_withdraw(
                actor=actor,
                subject=subject,
                purpose=POST,
                channel="phone",
                occurred_at=now - timedelta(days=withdrawn_days_ago),
            )
    # The old withdrawal's reviews consent, still in force, keeps its proof.
    services.consent_give(
        actor=actor,
        subject=old,
        purpose=REVIEWS,
        channel="paper",
        wording=wording(REVIEWS),
        occurred_at=now - timedelta(days=5 * 365),
    )
    expired = selectors.consent_proof_expired(organisation=world.org_a)
    assert {(e.data_subject_id, e.purpose, e.action) for e in expired} == {
        (old.pk, POST, "given"),
        (old.pk, POST, "withdrawn"),
    }
    assert not selectors.consent_proof_expired(organisation=world.org_b).exists()
