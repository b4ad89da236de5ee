"""GDPR art. 19: a person's data going to a recipient is recorded when it goes
(an invoice mailed, the invoice export), and a rectification, erasure or
restriction is told to every email recipient through the outbox, read here
from a real SMTP server; the other recipients come back for the DPO."""

import email
from email import policy

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from faker import Faker

from comptoir.audit.models import Action, AuditEvent, AuditEventSubject
from comptoir.invoicing import services as invoicing
from comptoir.invoicing.services.sendings import invoice_send
from comptoir.mail.models import Message
from comptoir.parties import services as parties
from comptoir.parties.models import PartyKind
from comptoir.privacy.keys import subject_create
from comptoir.privacy.records import disclosures
from comptoir.privacy.records.disclosures import (
    STANDING_RECIPIENTS,
    Recipient,
    disclosure_record,
    disclosures_of,
    recipients_notify,
    recipients_to_notify,
)
from comptoir.privacy.records.models import Disclosure, DisclosureKind

fr = Faker("fr_FR")


@pytest.fixture(autouse=True)
def _outbox(settings):
    settings.EMAIL_BACKEND = "comptoir.mail.backend.OutboxBackend"


@pytest.fixture
def individual(world, actor):
    return parties.party_create(
        actor=actor,
        organisation=world.org_a,
        kind=PartyKind.INDIVIDUAL,
        is_client=True,
        given_names=fr.first_name(),
        family_name=fr.last_name(),
        email=fr.email(),
        billing_street=fr.street_address(),
        billing_postal_code=fr.postcode(),
        billing_city=fr.city(),
    )


@pytest.fixture
def issue(actor, make_draft):
    def build(party):
        return invoicing.invoice_issue(
            actor=actor, invoice=make_draft(party.organisation, party=party)
        )

    return build


def _named(event) -> set[int]:
    return set(AuditEventSubject.objects.filter(event=event).values_list("subject_id", flat=True))


# --- recorded when it happens -------------------------------------------------------


def test_mailing_an_invoice_to_an_individual_records_a_disclosure(world, actor, individual, issue):
    invoice = issue(individual)
    invoice_send(actor=actor, invoice=invoice)
    (disclosure,) = disclosures_of(organisation=world.org_a, subject=individual.data_subject)
    assert disclosure.kind == DisclosureKind.EMAIL
    assert disclosure.recipient == individual.email
    assert invoice.number in disclosure.what
    assert disclosure.recorded_by == actor.user_id
    # journalled, naming the person
    event = AuditEvent.objects.filter(
        organisation_id=world.org_a.pk, object_type="privacy_records.disclosure"
    ).get()
    assert event.object_id == str(disclosure.pk)
    assert _named(event) == {individual.data_subject_id}


def test_mailing_to_a_contact_person_records_it_for_that_person(
    world,
    actor,
    make_client,
    issue,
):
    company = make_client()
    person = parties.contact_person_create(
        actor=actor, party=company, family_name=fr.last_name(), email=fr.email()
    )
    other = parties.contact_person_create(
        actor=actor, party=company, family_name=fr.last_name(), email=fr.email()
    )
    invoice_send(actor=actor, invoice=issue(company), contact_person=person)
    (disclosure,) = disclosures_of(organisation=world.org_a, subject=person.data_subject)
    assert disclosure.recipient == person.email
    assert not disclosures_of(organisation=world.org_a, subject=other.data_subject)


def test_the_invoice_export_records_the_individual_clients(
    world,
    actor,
    individual,
    issue,
    make_client,
    tmp_path,
):
    mine = issue(individual)
    issue(make_client())  # a company: no person to record
    call_command("invoices", "export", str(tmp_path), "--organisation", str(world.org_a.pk))
    rows = Disclosure.objects.of(world.org_a).all()
    assert [(d.subject_id, d.kind, d.what) for d in rows] == [
        (individual.data_subject_id, DisclosureKind.EXPORT, mine.number)
    ]
    assert str(tmp_path) in rows[0].recipient


def test_a_disclosure_needs_a_recipient_and_a_known_kind(world, actor, individual):
    subject = individual.data_subject
    for kind, recipient in [("email", ""), ("carrier-pigeon", "x@example.org")]:
        with pytest.raises(ValidationError):
            disclosure_record(
                organisation=world.org_a,
                subject=subject,
                kind=kind,
                recipient=recipient,
                what="F-1",
                actor=actor,
            )
    assert not Disclosure.objects.of(world.org_a).exists()


def test_another_organisations_person_is_refused(world, actor):
    theirs = subject_create(organisation=world.org_b)
    with pytest.raises(ValueError):
        disclosure_record(
            organisation=world.org_a,
            subject=theirs,
            kind="email",
            recipient=fr.email(),
            what="F-1",
            actor=actor,
        )
    with pytest.raises(ValueError):
        disclosures_of(organisation=world.org_a, subject=theirs)
    with pytest.raises(ValueError):
        recipients_notify(organisation=world.org_a, subject=theirs, change="erasure", actor=actor)


# --- whom to notify -----------------------------------------------------------------


@pytest.fixture
def recipients(world, actor, individual):
    """Two invoices mailed to the same address, one to another, one export."""
    subject = individual.data_subject
    accountant = fr.email()
    for what, to in [
        ("F-2026-1", individual.email),
        ("F-2026-2", individual.email),
        ("F-2026-3", accountant),
    ]:
        disclosure_record(
            organisation=world.org_a,
            subject=subject,
            kind=DisclosureKind.EMAIL,
            recipient=to,
            what=what,
            actor=actor,
        )
    disclosure_record(
        organisation=world.org_a,
        subject=subject,
        kind=DisclosureKind.EXPORT,
        recipient="comptoir invoices export to /srv/archive",
        what="F-2026-1",
        actor=actor,
    )
    return {"own": individual.email, "accountant": accountant}


def test_recipients_are_merged_with_everything_each_received(world, individual, recipients):
    found = recipients_to_notify(organisation=world.org_a, subject=individual.data_subject)
    by_address = {r.recipient: r for r in found}
    assert by_address[recipients["own"]].what == ("F-2026-1", "F-2026-2")
    assert by_address[recipients["accountant"]].what == ("F-2026-3",)
    assert len(found) == 3


def test_standing_recipients_are_added_once(world, individual, recipients, monkeypatch):
    processor = Recipient(kind=DisclosureKind.PROCESSOR, recipient="Hébergeur SAS", standing=True)

    def processors(*, organisation, subject):
        assert organisation == world.org_a and subject == individual.data_subject
        return [processor, processor]

    monkeypatch.setattr(disclosures, "STANDING_RECIPIENTS", [*STANDING_RECIPIENTS, processors])
    found = recipients_to_notify(organisation=world.org_a, subject=individual.data_subject)
    assert found.count(processor) == 1


def test_notifying_mails_each_email_recipient_once_with_no_personal_data(
    world,
    actor,
    individual,
    recipients,
    smtp,
    immediate_tasks,
    django_capture_on_commit_callbacks,
):
    smtp.start()
    with django_capture_on_commit_callbacks(execute=True):
        notified = recipients_notify(
            organisation=world.org_a,
            subject=individual.data_subject,
            change="erasure",
            actor=actor,
        )
    assert len(notified) == 2
    assert [r.kind for r in notified.by_hand] == [DisclosureKind.EXPORT]
    (own,) = smtp.inbox.to(recipients["own"])
    (accountant,) = smtp.inbox.to(recipients["accountant"])
    assert len(smtp.inbox.messages) == 2
    text = email.message_from_bytes(own.content, policy=policy.default)
    body = text.get_body(("plain",)).get_content()
    assert "F-2026-1" in body and "F-2026-2" in body and "F-2026-3" not in body
    assert "article 19" in body
    # Nothing about the person beyond the documents' references.
    for value in (individual.family_name, individual.given_names, individual.email):
        assert value not in body and value not in str(text["Subject"])
    assert text["Reply-To"] == world.org_a.privacy_contact_email
    # Each notice journalled, naming the person.
    events = AuditEvent.objects.filter(organisation_id=world.org_a.pk, action=Action.NOTIFY)
    assert sorted(int(e.object_id) for e in events) == sorted(m.pk for m in notified)
    assert all(_named(e) == {individual.data_subject_id} for e in events)
    assert all(e.fields == ["erasure"] for e in events)


def test_a_change_that_is_not_one_is_refused_and_nothing_is_queued(
    world, actor, individual, recipients
):
    with pytest.raises(ValidationError):
        recipients_notify(
            organisation=world.org_a,
            subject=individual.data_subject,
            change="deletion",
            actor=actor,
        )
    assert not Message.across_organisations.exists()


def test_no_recipient_no_mail(world, actor, individual):
    notified = recipients_notify(
        organisation=world.org_a, subject=individual.data_subject, change="restriction", actor=actor
    )
    assert list(notified) == [] and notified.by_hand == []
    assert not Message.across_organisations.exists()
