"""Restriction (GDPR art. 18): a restricted person's data is frozen everywhere
(services of every app, the API, imports, exports, prospection), a company stays
editable when one of its contact persons is restricted, and lifting tells the
person first."""

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from faker import Faker

from comptoir.audit.models import Action, AuditEvent
from comptoir.mail.models import Message
from comptoir.parties import services
from comptoir.parties.importing import services as importing
from comptoir.parties.models import ContactPerson, Interaction, Party
from comptoir.privacy import restriction
from comptoir.privacy.declarations import Purpose
from comptoir.privacy.models import DataSubject
from comptoir.sales.models import Opportunity
from comptoir.sales.services import pipeline

fr = Faker("fr_FR")
RESTRICTED = (
    "This person's data is restricted (GDPR art. 18): it cannot be changed until "
    "the restriction is lifted."
)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _restrict(row, dpo):
    restriction.subject_restrict(subject=row.data_subject, actor=dpo, reference="request:7")
    row.data_subject.refresh_from_db()
    return row


def _messages_of(error: ValidationError) -> list[str]:
    return error.messages


def test_restricting_marks_the_person_and_is_journalled(world, make_individual, dpo):
    person = make_individual(email=fr.email())
    _restrict(person, dpo)
    subject = DataSubject.objects.of(world.org_a).get(pk=person.data_subject_id)
    assert subject.is_restricted
    event = AuditEvent.objects.filter(object_type="privacy.datasubject").latest("seq")
    assert (event.action, event.object_id) == (Action.UPDATE, str(subject.uuid))
    assert event.fields == ["reference:request:7", "restricted_at"]
    # Again: nothing changes, nothing journalled.
    count = AuditEvent.objects.count()
    restriction.subject_restrict(subject=subject, actor=dpo)
    assert AuditEvent.objects.count() == count


def test_a_restricted_individual_cannot_be_changed_nor_given_new_rows(
    world, make_individual, actor, dpo
):
    person = _restrict(make_individual(email=fr.email()), dpo)
    name = person.family_name
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.party_update(actor=actor, party=person, family_name=fr.last_name())
    assert _messages_of(refused.value) == [RESTRICTED]
    assert refused.value.code == "restricted"
    with pytest.raises(ValidationError, match="restricted"):
        services.interaction_record(actor=actor, party=person, kind="call", direction="inbound")
    # Another app's rows about the person: an opportunity (sales), the same rule.
    with pytest.raises(ValidationError, match="restricted"):
        pipeline.opportunity_create(actor=actor, party=person, title="Offre", amount="100")
    assert Party.objects.of(world.org_a).get(pk=person.pk).family_name == name
    assert not Interaction.objects.of(world.org_a).exists()
    assert not Opportunity.objects.of(world.org_a).exists()
    assert AuditEvent.objects.count() == events


def test_a_company_stays_editable_when_one_contact_person_is_restricted(
    world, make_company, make_contact, actor, dpo
):
    company = make_company()
    frozen = _restrict(make_contact(company, email=fr.email()), dpo)
    free = make_contact(company)
    with pytest.raises(ValidationError, match="restricted"):
        services.contact_person_update(actor=actor, contact_person=frozen, job_title="Gérante")
    with pytest.raises(ValidationError, match="restricted"):
        services.interaction_record(
            actor=actor, party=company, kind="call", direction="inbound", contact_person=frozen
        )
    services.party_update(actor=actor, party=company, company_name="Nouvelle raison sociale")
    services.contact_person_update(actor=actor, contact_person=free, job_title="Comptable")
    services.interaction_record(actor=actor, party=company, kind="call", direction="inbound")
    services.interaction_record(
        actor=actor, party=company, kind="call", direction="inbound", contact_person=free
    )
    assert ContactPerson.objects.of(world.org_a).get(pk=frozen.pk).job_title == ""
    assert Party.objects.of(world.org_a).get(pk=company.pk).company_name == (
        "Nouvelle raison sociale"
    )
    assert Interaction.objects.of(world.org_a).count() == 2


def test_the_persons_own_instruction_passes_the_freeze(make_company, make_contact, actor, dpo):
    frozen = _restrict(make_contact(make_company()), dpo)
    with restriction.at_the_persons_request():
        services.contact_person_update(actor=actor, contact_person=frozen, contact_status="regular")
    frozen.refresh_from_db()
    assert frozen.contact_status == "regular"


def test_the_api_answers_422_with_the_message_and_shows_the_state(
    world, api_as, make_company, make_contact, make_individual, dpo
):
    company = make_company()
    frozen = _restrict(make_contact(company), dpo)
    individual = _restrict(make_individual(), dpo)
    api = api_as("sales")
    response = api.patch(f"/api/contact-persons/{frozen.pk}", json={"job_title": "Gérant"})
    assert response.status_code == 422
    with translation.override("fr"):  # the API answers in the site's language
        message = str(restriction.RESTRICTED)
    assert response.json()["errors"] == [{"field": "body", "message": message}]
    response = api.patch(f"/api/parties/{individual.pk}", json={"given_names": "Léa"})
    assert response.status_code == 422
    assert api.get(f"/api/contact-persons/{frozen.pk}").json()["restricted"] is True
    assert api.get(f"/api/parties/{individual.pk}").json()["restricted"] is True
    detail = api.get(f"/api/parties/{company.pk}").json()
    assert detail["restricted"] is False  # a company is not a person
    assert [p["restricted"] for p in detail["contact_persons"]] == [True]
    assert api.patch(f"/api/parties/{company.pk}", json={"siret": ""}).status_code == 200


def _import(world, rows: list[dict]):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    names = list(rows[0])
    writer.writerow(names)
    writer.writerows([row[name] for name in names] for row in rows)
    job = importing.import_job_create(
        organisation=world.org_a,
        data=out.getvalue().encode(),
        mapping={name: name for name in names},
    )
    return importing.import_job_run(job_id=job.pk)


@pytest.fixture
def _memory_storage(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


@pytest.mark.usefixtures("_memory_storage")
def test_an_import_refuses_rows_matching_a_restricted_person(
    world, make_company, make_contact, make_individual, dpo
):
    individual_email, contact_email, free_email = fr.email(), fr.email(), fr.email()
    _restrict(make_individual(email=individual_email), dpo)
    company = make_company()
    _restrict(make_contact(company, email=contact_email), dpo)
    make_individual(email=free_email)
    job = _import(
        world,
        [
            {"company_name": "", "family_name": fr.last_name(), "email": individual_email},
            {"company_name": company.company_name, "family_name": "X", "email": contact_email},
            {"company_name": "", "family_name": fr.last_name(), "email": free_email},
            {"company_name": "", "family_name": fr.last_name(), "email": fr.email()},
        ],
    )
    assert sorted(job.rejections) == [[2, "", RESTRICTED], [3, "", RESTRICTED]]
    assert (job.duplicates, job.parties_created, job.rejected) == (1, 1, 2)


def _outbox(organisation) -> list[Message]:
    return list(Message.objects.of(organisation).order_by("pk"))


def test_lifting_mails_the_person_first_in_the_same_transaction(
    world, make_company, make_contact, dpo
):
    email, other = fr.email(), fr.email()
    person = _restrict(make_contact(make_company(), email=email, email_other=other), dpo)
    restriction.subject_restriction_lift(subject=person.data_subject, actor=dpo)
    person.data_subject.refresh_from_db()
    assert not person.data_subject.is_restricted
    [message] = _outbox(world.org_a)
    assert sorted(json.loads(message.recipients)["to"]) == sorted([email.lower(), other.lower()])
    # In the organisation's language (French by default), naming the controller.
    assert "RGPD art. 18" in message.body and world.org_a.legal_name in message.body
    event = AuditEvent.objects.filter(object_type="privacy.datasubject").latest("seq")
    assert event.fields == ["notice:email", "restricted_at"]


def test_lifting_with_no_address_needs_how_the_person_was_told(
    world, make_company, make_contact, dpo
):
    person = _restrict(make_contact(make_company()), dpo)
    with pytest.raises(ValidationError) as refused:
        restriction.subject_restriction_lift(subject=person.data_subject, actor=dpo, told_by="  ")
    assert list(refused.value.error_dict) == ["told_by"]
    person.data_subject.refresh_from_db()
    assert person.data_subject.is_restricted and not _outbox(world.org_a)
    told = "Lettre recommandée du 2 décembre"
    restriction.subject_restriction_lift(subject=person.data_subject, actor=dpo, told_by=told)
    person.data_subject.refresh_from_db()
    assert not person.data_subject.is_restricted
    [proof] = _outbox(world.org_a)
    assert json.loads(proof.recipients)["to"] == [world.org_a.privacy_contact_email]
    assert told in proof.body and str(person.data_subject.uuid) in proof.body


def test_prospection_and_exports_skip_a_restricted_person(
    world, make_company, make_contact, make_individual, dpo
):
    company = make_company()
    frozen = _restrict(make_contact(company), dpo)
    free = make_contact(company)
    individual = _restrict(make_individual(), dpo)
    assert restriction.restriction_veto(frozen.data_subject, Purpose.PROSPECTION_CONSENT)
    assert restriction.restriction_veto(free.data_subject, Purpose.PROSPECTION_CONSENT) is None
    people = restriction.unrestricted(ContactPerson.objects.of(world.org_a))
    assert list(people) == [free]
    parties = restriction.unrestricted(Party.objects.of(world.org_a))
    assert individual not in parties and company in parties
    with pytest.raises(ValidationError, match="exported"):
        restriction.refuse_export(subjects=[free.data_subject, frozen.data_subject])
    restriction.refuse_export(subjects=[free.data_subject])


def test_the_addresses_of_a_person_come_from_every_declared_field(
    make_company, make_contact, make_individual
):
    email, phone = fr.email(), "06 12 34 56 78"
    person = make_contact(make_company(), email=email.upper(), mobile=phone, fax="01 23 45 67 89")
    assert restriction.subject_addresses(person.data_subject, "email") == [email.lower()]
    assert sorted(restriction.subject_addresses(person.data_subject, "phone")) == [
        "+33123456789",
        "+33612345678",
    ]
