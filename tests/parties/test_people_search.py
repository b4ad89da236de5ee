"""Finding people by family name (whole, or its first three letters or more),
without decrypting the organisation's rows."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from faker import Faker

from comptoir.parties import selectors, services
from comptoir.parties.importing import services as import_services
from comptoir.parties.models import ContactPerson, Party, PartyKind
from comptoir.privacy import blind_index, crypto, keys

fr = Faker("fr_FR")


@pytest.fixture
def moreaus(world, make_company, make_contact):
    """Two Moreau, a Moreno and a Morel at two companies of org A; a Moreau at org B."""
    a1 = make_company(world.org_a)
    a2 = make_company(world.org_a)
    people = {
        "Moreau": make_contact(a1, family_name="Moreau"),
        "Moreau-Lefèvre": make_contact(a2, family_name="Moreau-Lefèvre"),
        "Moreno": make_contact(a2, family_name="Moreno"),
        "Morel": make_contact(a1, family_name="Morel"),
        "Émond": make_contact(a1, family_name="Émond"),
    }
    make_contact(make_company(world.org_b), family_name="Moreau")
    return people


def _names(found) -> list[str]:
    return sorted(p.family_name for p in found)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("Moreau", ["Moreau", "Moreau-Lefèvre"]),
        ("MOREAU", ["Moreau", "Moreau-Lefèvre"]),
        ("moreau-lefevre", ["Moreau-Lefèvre"]),
        ("  Moreau-LEFÈVRE ", ["Moreau-Lefèvre"]),
        ("mor", ["Moreau", "Moreau-Lefèvre", "Morel", "Moreno"]),
        ("More", ["Moreau", "Moreau-Lefèvre", "Morel", "Moreno"]),
        ("moren", ["Moreno"]),
        ("emond", ["Émond"]),
        ("EMO", ["Émond"]),
        ("ÉMONDE", []),
        ("reau", []),  # a beginning, not a part
        ("mo", []),  # too short for a beginning, and nobody is called "Mo"
        ("", []),
        ("   ", []),
    ],
)
def test_a_contact_person_is_found_by_family_name_or_its_beginning(world, moreaus, typed, expected):
    found = selectors.contact_person_search_name(organisation=world.org_a, name=typed)
    assert _names(found) == expected


def test_a_short_name_is_found_typed_in_full(world, make_company, make_contact):
    li = make_contact(make_company(), family_name="Lî")
    assert list(selectors.contact_person_search_name(organisation=world.org_a, name="LI")) == [li]


def test_another_organisation_s_people_are_never_found(world, moreaus):
    found = selectors.contact_person_search_name(organisation=world.org_b, name="mor")
    assert [p.organisation_id for p in found] == [world.org_b.pk]


def test_only_the_candidates_sharing_the_first_three_letters_are_decrypted(
    world, moreaus, make_company, make_contact, monkeypatch
):
    company = make_company()
    for _ in range(20):
        make_contact(company, family_name="Zidane" + fr.last_name())
    opened = []
    real = crypto.open_sealed

    def counting(sealed, *, binding, subject=None):
        opened.append(binding)
        return real(sealed, binding=binding, subject=subject)

    monkeypatch.setattr(crypto, "open_sealed", counting)
    ids = selectors._family_name_matches(
        ContactPerson.objects.of(world.org_a), organisation=world.org_a, name="Moreau"
    )
    assert len(ids) == 2
    # Moreau, Moreau-Lefèvre, Moreno and Morel share "mor": at most those four open.
    assert {b.field_name for b in opened} <= {"family_name"}
    assert len(opened) <= 4
    opened.clear()
    selectors._family_name_matches(
        ContactPerson.objects.of(world.org_a), organisation=world.org_a, name="mor"
    )
    selectors._family_name_matches(
        ContactPerson.objects.of(world.org_a), organisation=world.org_a, name="Morel"
    )
    assert len(opened) <= 3  # "Morel" in full: its own index; the three others checked


def test_an_exact_or_three_letter_search_decrypts_nothing(world, moreaus, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a search decrypted a value")

    monkeypatch.setattr(crypto, "open_sealed", refuse)
    for typed in ("mor", "Émond"):
        assert selectors._family_name_matches(
            ContactPerson.objects.of(world.org_a), organisation=world.org_a, name=typed
        )


def test_the_prefix_index_follows_a_changed_name(world, moreaus, actor):
    person = moreaus["Morel"]
    services.contact_person_update(actor=actor, contact_person=person, family_name="Bernard")
    assert _names(selectors.contact_person_search_name(organisation=world.org_a, name="ber")) == [
        "Bernard"
    ]
    assert "Bernard" not in _names(
        selectors.contact_person_search_name(organisation=world.org_a, name="mor")
    )


def test_an_individual_party_is_found_by_family_name(world, actor, make_company):
    make_company(company_name="Moreau Industries")  # a company: not a person
    person = services.party_create(
        actor=actor, organisation=world.org_a, kind=PartyKind.INDIVIDUAL, family_name="Moreau"
    )
    for typed in ("moreau", "MOR", "Morea"):
        assert list(selectors.party_search_name(organisation=world.org_a, name=typed)) == [person]


def test_an_imported_person_is_found_by_name_like_one_made_by_the_service(world):
    data = (
        "Raison sociale;Nom;Prénom\nAtelier Moreau;Moreau;Jeanne\n;Morvan;Paul\n"  # an individual
    ).encode()
    job = import_services.import_job_create(organisation=world.org_a, data=data)
    import_services.import_job_run(job_id=job.pk)
    found = selectors.contact_person_search_name(organisation=world.org_a, name="moreau")
    assert _names(found) == ["Moreau"]
    found = selectors.party_search_name(organisation=world.org_a, name="morv")
    assert [p.family_name for p in found] == ["Morvan"]


def test_the_migration_gives_existing_rows_their_prefix_index(world, moreaus, actor):
    individual = services.party_create(
        actor=actor, organisation=world.org_a, kind=PartyKind.INDIVIDUAL, family_name="Morin"
    )
    before = {
        (model, pk): prefix
        for model in (ContactPerson, Party)
        for pk, prefix in model.across_organisations.filter(
            family_name_index__isnull=False
        ).values_list("pk", "family_name_prefix")
    }
    assert all(before.values())
    for model in (ContactPerson, Party):
        model.across_organisations.update(family_name_prefix=None)
    assert not selectors.contact_person_search_name(organisation=world.org_a, name="mor").exists()
    keys.clear_caches()

    migration = importlib.import_module("comptoir.parties.migrations.0007_family_name_prefix_fill")
    migration.fill(apps, connection.schema_editor())

    after = {
        (model, pk): prefix
        for model in (ContactPerson, Party)
        for pk, prefix in model.across_organisations.filter(
            family_name_index__isnull=False
        ).values_list("pk", "family_name_prefix")
    }
    assert after == before
    assert _names(selectors.contact_person_search_name(organisation=world.org_a, name="mor")) == [
        "Moreau",
        "Moreau-Lefèvre",
        "Morel",
        "Moreno",
    ]
    assert list(selectors.party_search_name(organisation=world.org_a, name="mor")) == [individual]
    assert Party.across_organisations.filter(family_name_prefix__isnull=False).count() == 1
    # The digest is the one a search computes: first three letters, keyed by the organisation.
    assert after[(ContactPerson, moreaus["Morel"].pk)] == blind_index.prefix_of_normal(
        organisation_id=world.org_a.pk, kind="name", normal="morel"
    )
