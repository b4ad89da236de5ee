"""The registry answers, for one person: which rows of which models hold data about
them, in which fields, categories and purposes, without decrypting anything."""

import pytest
from faker import Faker

from comptoir.audit.services import Actor
from comptoir.parties import services
from comptoir.parties.models import ContactPerson, Interaction, Party, PartyKind
from comptoir.privacy import crypto
from comptoir.privacy.declarations import Category, Purpose
from comptoir.privacy.registry import registry
from comptoir.sales import services as sales_services
from comptoir.sales.models import Opportunity

fake = Faker("fr_FR")


@pytest.fixture
def actor(world) -> Actor:
    return Actor.user(world.member("sales").pk)


def _individual(world, actor, **fields) -> Party:
    return services.party_create(
        actor=actor,
        organisation=world.org_a,
        kind=PartyKind.INDIVIDUAL,
        family_name=fake.last_name(),
        **fields,
    )


def _held(subject) -> dict[str, tuple[int, set[str]]]:
    return {
        h.model._meta.label: (h.pk, {f.name for f in h.fields}) for h in registry.holdings(subject)
    }


def test_an_individual_party_and_what_hangs_on_it(world, actor):
    person = _individual(world, actor, email=fake.email(), billing_city=fake.city())
    interaction = services.interaction_record(
        actor=actor, party=person, kind="call", direction="inbound", note=fake.sentence()
    )
    opportunity = sales_services.opportunity_create(
        actor=actor, party=person, title=fake.catch_phrase(), amount="1200.00"
    )
    someone_else = _individual(world, actor)

    held = _held(person.data_subject)
    assert held[Party._meta.label] == (
        person.pk,
        {"family_name", "email", "billing_city", "first_contact_on"},
    )
    assert held[Interaction._meta.label][0] == interaction.pk
    assert "note" in held[Interaction._meta.label][1]
    # About the person (Privacy.subject) but declared with no personal field: nothing held.
    assert opportunity.party_id == person.pk and Opportunity._meta.label not in held
    assert someone_else.pk not in {pk for pk, _names in held.values()}

    (party_holding,) = [h for h in registry.holdings(person.data_subject) if h.model is Party]
    assert Category.IDENTITY in party_holding.categories
    assert Category.LOCATION in party_holding.categories
    assert Purpose.CONTRACT_MANAGEMENT in party_holding.purposes


def test_a_contact_person_is_not_their_company(world, actor, monkeypatch):
    company = services.party_create(
        actor=actor,
        organisation=world.org_a,
        kind=PartyKind.COMPANY,
        company_name=fake.company(),
    )
    contact = services.contact_person_create(
        actor=actor,
        party=company,
        family_name=fake.last_name(),
        email=fake.email(),
        notes=fake.sentence(),
    )

    def no_decryption(*args, **kwargs):
        raise AssertionError("the registry decrypted a value")

    monkeypatch.setattr(crypto, "open_sealed", no_decryption)
    held = _held(contact.data_subject)
    assert set(held) == {ContactPerson._meta.label}
    assert held[ContactPerson._meta.label] == (
        contact.pk,
        {"family_name", "email", "notes", "contact_status"},
    )


def test_another_organisation_s_rows_are_never_counted(world, actor):
    person = _individual(world, actor)
    stranger = Party.objects.of(world.org_a).get(pk=person.pk).data_subject
    stranger.organisation_id = world.org_b.pk  # the same person id, asked as org B
    assert registry.holdings(stranger) == []
