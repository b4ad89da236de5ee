"""The erasure engine (GDPR art. 17): driven by the declarations, set-based,
legal holds untouched, idempotent."""

from datetime import date

import pytest
from faker import Faker

from comptoir.audit.models import Action, AuditEvent
from comptoir.invoicing import selectors as invoicing_selectors
from comptoir.invoicing import services as invoicing
from comptoir.invoicing.models import Invoice, IssuedDocument
from comptoir.parties import services as parties
from comptoir.parties.models import ContactPerson, Direction, Interaction, Party, PartyKind
from comptoir.privacy import keys
from comptoir.privacy.models import DataSubject
from comptoir.privacy.records import erasure
from comptoir.privacy.records.erasure import erasure_preview, subjects_erase
from comptoir.privacy.records.models import ErasureReason, ErasureRecord

fr = Faker("fr_FR")


def _fresh(model, pk):
    keys.clear_caches()
    return model._base_manager.get(pk=pk)


def _interaction(actor, party, direction=Direction.INBOUND, **more):
    return parties.interaction_record(
        actor=actor, party=party, kind="call", direction=direction, note=fr.sentence(), **more
    )


def test_an_individual_client_with_issued_invoices(world, actor, make_person, make_draft):
    email = f"{fr.user_name()}@example.test"
    person = make_person(email=email, phone="+33612345678", iban="FR7630006000011234567890189")
    _interaction(actor, person)
    issued = invoicing.invoice_issue(actor=actor, invoice=make_draft(party=person))
    snapshot_before = IssuedDocument.objects.of(world.org_a).get(invoice=issued).snapshot
    subject = person.data_subject

    preview = erasure_preview(subject=subject)
    kept = {line.model: line for line in preview.kept}
    assert "invoicing.Invoice" in kept
    assert kept["invoicing.Invoice"].rule.legal_hold
    # 10 years from the close of the financial year the invoice belongs to.
    year = issued.created_at.year
    assert kept["invoicing.Invoice"].until == date(year + 10, 12, 31)
    assert {line.model for line in preview.anonymised} >= {"parties.Party"}
    assert {line.model for line in preview.deleted} >= {"parties.Interaction"}

    outcome = subjects_erase(
        organisation=world.org_a,
        subject_ids=[subject.pk],
        actor=actor,
        reason=ErasureReason.REQUEST,
        reference="42",
    )
    assert outcome.erased == 1

    # The invoice and its snapshot: untouched, and the snapshot still reads.
    invoice = _fresh(Invoice, issued.pk)
    assert invoice.party_id == person.pk and invoice.number == issued.number
    document = IssuedDocument.objects.of(world.org_a).get(invoice=issued)
    assert document.snapshot == snapshot_before
    assert invoicing_selectors.snapshot_document(document).content_hash() == document.content_hash

    # The party: anonymised, readable, found by no search, detached from the shredded key.
    party = _fresh(Party, person.pk)
    assert party.data_subject_id is None
    assert party.family_name == "Anonymised" and party.given_names == "Anonymised"
    assert party.email == "anonymised@anonymised.invalid"
    assert party.phone == "" and party.iban == "" and party.billing_city == ""
    assert party.email_index is None and party.iban_index is None
    assert party.processing_opposed_at is not None
    assert not Interaction.objects.of(world.org_a).filter(party=person).exists()

    assert _fresh(DataSubject, subject.pk).is_shredded
    record = ErasureRecord.objects.of(world.org_a).get(subject_uuid=subject.uuid)
    assert record.reason == ErasureReason.REQUEST and record.reference == "42"
    event = AuditEvent.objects.filter(action=Action.ERASE).latest("pk")
    assert event.object_type == "privacy.datasubject" and event.object_id == str(subject.uuid)
    assert "parties_party" in event.fields and "wrapped_key" in event.fields
    assert "invoicing_invoice" not in event.fields


def test_a_contact_person_is_anonymised_and_the_company_kept_opposed(world, actor, make_client):
    company = make_client()
    contact = parties.contact_person_create(
        actor=actor,
        party=company,
        given_names=fr.first_name(),
        family_name=fr.last_name(),
        email=f"{fr.user_name()}@example.test",
        mobile="+33698765432",
        job_title="Acheteuse",
    )
    other = parties.contact_person_create(actor=actor, party=company, family_name=fr.last_name())
    _interaction(actor, company, contact_person=contact)

    subjects_erase(
        organisation=world.org_a,
        subject_ids=[contact.data_subject_id],
        actor=actor,
        reason=ErasureReason.REQUEST,
    )
    anonymised = _fresh(ContactPerson, contact.pk)
    assert anonymised.family_name == "Anonymised" and anonymised.mobile == ""
    assert anonymised.job_title == "" and anonymised.data_subject_id is None
    kept = _fresh(Party, company.pk)
    assert kept.company_name == company.company_name
    assert kept.processing_opposed_at is not None
    assert _fresh(ContactPerson, other.pk).family_name == other.family_name
    assert not Interaction.objects.of(world.org_a).filter(contact_person=contact).exists()
    assert AuditEvent.objects.filter(
        action=Action.UPDATE, object_type="parties.party", object_id=str(company.pk)
    ).exists()


def test_erasing_twice_does_nothing_twice(world, actor, make_person):
    person = make_person()
    ids = [person.data_subject_id]
    first = subjects_erase(
        organisation=world.org_a, subject_ids=ids, actor=actor, reason=ErasureReason.STAFF
    )
    events = AuditEvent.objects.count()
    second = subjects_erase(
        organisation=world.org_a, subject_ids=ids, actor=actor, reason=ErasureReason.STAFF
    )
    assert (first.erased, second.erased, second.already) == (1, 0, 1)
    assert AuditEvent.objects.count() == events
    assert ErasureRecord.objects.of(world.org_a).count() == 1


def test_another_organisations_person_is_not_reached(world, actor, make_person):
    theirs = make_person(world.org_b)
    outcome = subjects_erase(
        organisation=world.org_a,
        subject_ids=[theirs.data_subject_id],
        actor=actor,
        reason=ErasureReason.STAFF,
    )
    assert outcome.erased == 0
    assert not _fresh(DataSubject, theirs.data_subject_id).is_shredded
    assert _fresh(Party, theirs.pk).family_name == theirs.family_name


def test_many_persons_in_batches(world, actor, make_prospect):
    people = [make_prospect() for _ in range(7)]
    for person in people:
        _interaction(actor, person)
    batches = []
    outcome = subjects_erase(
        organisation=world.org_a,
        subject_ids=[p.data_subject_id for p in people],
        actor=actor,
        reason=ErasureReason.RETENTION,
        delete_unreferenced=True,
        batch_size=3,
        progress=batches.append,
    )
    assert batches == [3, 3, 1]
    assert outcome.erased == 7 and outcome.deleted["parties.Party"] == 7
    assert not Party.objects.of(world.org_a).filter(pk__in=[p.pk for p in people]).exists()
    # One audit event per batch, not per person.
    assert AuditEvent.objects.filter(action=Action.ERASE).count() == 3


def test_a_referenced_party_is_anonymised_not_deleted(world, actor, make_person, make_draft):
    person = make_person()
    invoicing.invoice_issue(actor=actor, invoice=make_draft(party=person))
    outcome = subjects_erase(
        organisation=world.org_a,
        subject_ids=[person.data_subject_id],
        actor=actor,
        reason=ErasureReason.RETENTION,
        delete_unreferenced=True,
    )
    assert outcome.deleted["parties.Party"] == 0
    assert outcome.anonymised["parties.Party"] == 1
    assert _fresh(Party, person.pk).family_name == "Anonymised"


@pytest.mark.parametrize("kind", ["hold", "delete", "rewrite"])
def test_each_model_plan_follows_its_declaration(kind):
    labels = {plan.label: plan.kind for plan in erasure.plans()}
    expected = {
        "hold": ["invoicing.Invoice", "invoicing.InvoiceLine", "invoicing.DocumentSending"],
        "delete": ["parties.Interaction"],
        "rewrite": ["parties.Party", "parties.ContactPerson", "sales.Quote"],
    }[kind]
    assert all(labels[label] == kind for label in expected), labels
    assert PartyKind.INDIVIDUAL  # the enum the fixtures use is the parties'
