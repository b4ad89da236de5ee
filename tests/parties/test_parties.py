"""Parties through the services: validation, identifiers, roles, data subjects, audit."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from faker import Faker

from comptoir.audit.models import Action, AuditEvent
from comptoir.ops.demo import fake_siren, fr_vat_from_siren
from comptoir.parties import services
from comptoir.parties.models import Origin, Party, PartyKind
from comptoir.tenancy.models import Membership
from tests.parties.conftest import counts, fake_siret

fr = Faker("fr_FR")


def create(actor, organisation, **fields) -> Party:
    fields.setdefault("kind", PartyKind.COMPANY)
    return services.party_create(actor=actor, organisation=organisation, **fields)


def test_a_company_keeps_its_identifiers_compact_and_in_clear(world, actor):
    siren = fake_siren(fr)
    siret = fake_siret(siren)
    spaced_siret = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    party = create(
        actor,
        world.org_a,
        company_name="  Boulangerie Éclair  ",
        siret=spaced_siret,  # the SIREN comes from the SIRET
        vat_number=fr_vat_from_siren(siren).lower(),
        origin=Origin.PARTNER,
    )
    party.refresh_from_db()
    assert (party.company_name, party.company_name_key) == (
        "Boulangerie Éclair",
        "boulangerie eclair",
    )
    assert party.siren == siren
    assert party.siret == siret
    assert party.vat_number == fr_vat_from_siren(siren)
    assert party.data_subject_id is None  # a company is nobody's person


def test_an_individual_is_its_own_data_subject(world, actor):
    party = create(
        actor,
        world.org_a,
        kind=PartyKind.INDIVIDUAL,
        given_names="Camille",
        family_name="Fontaine",
        email="Camille.Fontaine@Example.test",
        billing_street="12 rue des Lilas",
        billing_postal_code="75011",
        billing_city="Paris",
    )
    fresh = Party.objects.of(world.org_a).get(pk=party.pk)
    assert fresh.data_subject is not None
    assert fresh.data_subject.organisation_id == world.org_a.pk
    assert (fresh.display_name, fresh.billing_city) == ("Camille Fontaine", "Paris")
    assert "Fontaine" not in str(fresh)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"company_name": ""}, "company_name"),
        ({"siren": "123456789"}, "siren"),
        ({"siret": "12345678901234"}, "siret"),
        ({"vat_number": "FR00123456789"}, "vat_number"),
        ({"enterprise_number": "0403.170.701"}, "enterprise_number"),  # French party
        ({"family_name": "Dupont"}, "family_name"),  # a company's people are contacts
        (
            {"client_since": date(2025, 3, 1), "client_ended_on": date(2024, 1, 1)},
            "client_ended_on",
        ),
        ({"origin": "cold_call"}, "origin"),
    ],
)
def test_bad_input_names_its_field_and_writes_nothing(world, actor, fields, field):
    fields = {"company_name": fr.company(), **fields}
    before = counts()
    with pytest.raises(ValidationError) as caught:
        create(actor, world.org_a, **fields)
    assert field in caught.value.message_dict
    assert counts() == before


def test_an_individual_needs_a_family_name_and_a_real_email(world, actor):
    before = counts()
    with pytest.raises(ValidationError) as caught:
        create(actor, world.org_a, kind=PartyKind.INDIVIDUAL, email="not an email")
    assert {"family_name", "email"} <= set(caught.value.message_dict)
    assert counts() == before


def test_belgian_parties_use_the_enterprise_number(world, actor):
    party = create(
        actor,
        world.org_b,
        country="BE",
        company_name="Brouwerij Test",
        enterprise_number="0403.170.701",
        vat_number="BE 0403.170.701",
    )
    assert (party.enterprise_number, party.vat_number) == ("0403170701", "BE0403170701")
    with pytest.raises(ValidationError) as caught:
        create(actor, world.org_b, country="BE", company_name="X", siren=fake_siren(fr))
    assert "siren" in caught.value.message_dict


def test_roles_get_their_start_dates(world, actor):
    party = create(actor, world.org_a, company_name=fr.company(), is_client=True, is_supplier=True)
    assert party.first_contact_on == party.client_since == party.supplier_since
    assert party.client_since is not None
    updated = services.party_update(
        actor=actor, party=party, is_client=False, client_ended_on=date.today()
    )
    assert (updated.is_client, updated.client_ended_on) == (False, date.today())


def test_the_sales_rep_must_belong_to_the_organisation(world, actor):
    other_org_member = Membership.objects.of(world.org_b).get()
    with pytest.raises(ValidationError) as caught:
        create(actor, world.org_a, company_name=fr.company(), sales_rep=other_org_member)
    assert "sales_rep" in caught.value.message_dict
    own = Membership.objects.of(world.org_a).get(user=world.member("sales"))
    assert create(actor, world.org_a, company_name=fr.company(), sales_rep=own).sales_rep == own


def test_kind_never_changes(world, actor, make_company):
    party = make_company()
    with pytest.raises(ValidationError) as caught:
        services.party_update(actor=actor, party=party, kind=PartyKind.INDIVIDUAL)
    assert "kind" in caught.value.message_dict


def test_an_unknown_field_is_a_programming_error(world, actor):
    with pytest.raises(TypeError, match="data_subject"):
        create(actor, world.org_a, company_name=fr.company(), data_subject=None)


def test_audit_records_name_the_fields_never_the_values(world, actor):
    name = fr.company()
    party = create(
        actor,
        world.org_a,
        kind=PartyKind.INDIVIDUAL,
        family_name="Valeurtest",
        email="valeur.test@example.test",
    )
    created = AuditEvent.objects.get(object_type="parties.party", object_id=str(party.pk))
    assert created.action == Action.CREATE
    assert created.fields == sorted(
        ["kind", "family_name", "email", "country", "is_prospect", "first_contact_on"]
    )
    assert created.actor_user_id == world.member("sales").pk
    services.party_update(actor=actor, party=party, email="autre@example.test", phone="")
    update = AuditEvent.objects.filter(object_type="parties.party").latest("seq")
    assert (update.action, update.fields) == (Action.UPDATE, ["email"])  # phone did not change
    journal = repr(list(AuditEvent.objects.values()))
    for value in ("Valeurtest", "valeur.test", "autre@example", name):
        assert value not in journal


def test_an_update_moves_updated_at_and_nothing_else_of_the_row(world, actor, make_company):
    party = make_company()
    before = Party.objects.of(world.org_a).get(pk=party.pk)
    services.party_update(actor=actor, party=party, company_name="Nouveau nom")
    after = Party.objects.of(world.org_a).get(pk=party.pk)
    assert after.updated_at > before.updated_at
    assert after.created_at == before.created_at


def test_an_update_that_changes_nothing_records_nothing(world, actor, make_company):
    party = make_company()
    before = counts()
    services.party_update(actor=actor, party=party, company_name=party.company_name)
    assert counts() == before


def test_a_failed_update_leaves_the_row_and_the_journal_as_they_were(world, actor, make_company):
    party = make_company()
    before = counts()
    with pytest.raises(ValidationError):
        services.party_update(actor=actor, party=party, company_name="New name", siren="111")
    assert counts() == before
    assert Party.objects.of(world.org_a).get(pk=party.pk).company_name == party.company_name
