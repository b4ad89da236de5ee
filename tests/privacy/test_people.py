"""A person is found by the email or phone they give, across every declared
model, through blind indexes, within one organisation only."""

from faker import Faker

from comptoir.audit.services import Actor
from comptoir.parties import services
from comptoir.parties.models import PartyKind
from comptoir.privacy.people import people_matching, searchable_columns
from comptoir.privacy.services import subject_shred

fake = Faker("fr_FR")


def _company(world, organisation=None):
    return services.party_create(
        actor=Actor.system(),
        organisation=organisation or world.org_a,
        kind=PartyKind.COMPANY,
        company_name=fake.company(),
        siren="732829320" if (organisation or world.org_a).country == "FR" else "",
        enterprise_number="" if (organisation or world.org_a).country == "FR" else "0403170701",
        allow_duplicate=True,
    )


def test_the_declared_searchable_columns_are_found_from_the_registry():
    emails = {f"{c.model._meta.label}.{c.field.name}" for c in searchable_columns("email")}
    phones = {f"{c.model._meta.label}.{c.field.name}" for c in searchable_columns("phone")}
    assert {"parties.ContactPerson.email", "parties.ContactPerson.email_other"} <= emails
    assert "parties.Party.email" in emails
    assert {"parties.ContactPerson.mobile", "parties.Party.phone"} <= phones


def test_a_contact_person_and_an_individual_with_the_same_email_are_both_found(world):
    email = fake.email()
    person = services.contact_person_create(
        actor=Actor.system(),
        party=_company(world),
        family_name=fake.last_name(),
        email_other=email.upper(),
    )
    individual = services.party_create(
        actor=Actor.system(),
        organisation=world.org_a,
        kind=PartyKind.INDIVIDUAL,
        family_name=fake.last_name(),
        email=email,
    )
    services.party_create(
        actor=Actor.system(),
        organisation=world.org_a,
        kind=PartyKind.INDIVIDUAL,
        family_name=fake.last_name(),
        email=fake.email(),
    )
    match = people_matching(organisation=world.org_a, email=email)
    assert {s.pk for s in match.subjects} == {person.data_subject_id, individual.data_subject_id}
    assert not people_matching(organisation=world.org_b, email=email)


def test_a_phone_in_local_form_finds_the_number_stored(world):
    person = services.contact_person_create(
        actor=Actor.system(),
        party=_company(world),
        family_name=fake.last_name(),
        mobile="+33612345678",
    )
    match = people_matching(organisation=world.org_a, phone="06 12 34 56 78")
    assert [s.pk for s in match.subjects] == [person.data_subject_id]


def test_members_are_matched_and_nonsense_or_shredded_matches_nobody(world):
    member = world.member("sales")
    assert people_matching(organisation=world.org_a, email=member.email).user_ids == [member.pk]
    assert not people_matching(organisation=world.org_b, email=member.email)
    assert not people_matching(organisation=world.org_a, email="not an address", phone="x")

    email = fake.email()
    individual = services.party_create(
        actor=Actor.system(),
        organisation=world.org_a,
        kind=PartyKind.INDIVIDUAL,
        family_name=fake.last_name(),
        email=email,
    )
    subject_shred(subject=individual.data_subject, actor=None)
    assert not people_matching(organisation=world.org_a, email=email)
