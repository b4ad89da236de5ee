"""Exact search on encrypted values through the blind index, never decrypting."""

from unittest import mock

import pytest
from faker import Faker

from comptoir.privacy import blind_index, crypto
from tests.privacy.models import Person

fake = Faker("fr_FR")


def find(organisation, field: str, value: str):
    lookup = blind_index.lookup(Person, field, value, organisation=organisation)
    return list(Person.objects.of(organisation).filter(**lookup))


def test_the_same_normal_form_gives_the_same_index(world):
    a = blind_index.compute(organisation_id=world.org_a.pk, kind="email", value="Élodie@Café.FR")
    b = blind_index.compute(organisation_id=world.org_a.pk, kind="email", value=" élodie@café.fr ")
    c = blind_index.compute(organisation_id=world.org_a.pk, kind="email", value="elodie@cafe.fr")
    assert a == b != c
    assert len(a) == blind_index.INDEX_BYTES


def test_two_organisations_get_unrelated_indexes(world):
    value = fake.email()
    assert blind_index.compute(
        organisation_id=world.org_a.pk, kind="email", value=value
    ) != blind_index.compute(organisation_id=world.org_b.pk, kind="email", value=value)


def test_kinds_are_kept_apart(world):
    assert blind_index.compute(
        organisation_id=world.org_a.pk, kind="name", value="iban"
    ) != blind_index.compute(organisation_id=world.org_a.pk, kind="email", value="iban@x.fr")


@pytest.mark.parametrize(
    ("field", "stored", "searched"),
    [
        ("email", "Camille.Durand@Exemple.TEST", "camille.durand@exemple.test"),
        ("phone", "06 12 34 56 78", "+33612345678"),
        ("iban", "FR76 3000 6000 0112 3456 7890 189", "fr7630006000011234567890189"),
        ("family_name", "Le Guénnec", "LE GUENNEC"),
    ],
)
def test_exact_lookup_finds_the_row_without_decrypting(make_person, world, field, stored, searched):
    values = {"family_name": fake.last_name(), field: stored}
    target = make_person(**values)
    make_person(family_name="Autre", email=fake.email(), phone="+33 1 23 45 67 89")
    with mock.patch.object(crypto, "open_sealed", side_effect=AssertionError("decrypted")):
        found = find(world.org_a, field, searched)
        assert [p.pk for p in found] == [target.pk]
        assert find(world.org_b, field, searched) == []  # the other tenant never matches


def test_a_belgian_organisation_reads_local_numbers_as_belgian(make_person, world):
    person = make_person(world.org_b, family_name="Peeters", phone="0470 12 34 56")
    assert [p.pk for p in find(world.org_b, "phone", "+32 470 12 34 56")] == [person.pk]
    assert find(world.org_b, "phone", "+33 4 70 12 34 56") == []


def test_a_changed_value_is_found_by_its_new_index_only(make_person, world):
    person = make_person(family_name="Martin", email="ancien@exemple.test")
    person.email = "nouveau@exemple.test"
    person.save()
    assert find(world.org_a, "email", "ancien@exemple.test") == []
    assert [p.pk for p in find(world.org_a, "email", "NOUVEAU@exemple.test")] == [person.pk]


def test_an_invalid_search_value_matches_nothing(make_person, world):
    make_person(family_name="Martin", email="", phone="")
    assert find(world.org_a, "phone", "pas un numéro") == []
    assert find(world.org_a, "email", "") == []


def test_a_field_without_index_cannot_be_searched(world):
    with pytest.raises(ValueError, match="no blind index"):
        blind_index.lookup(Person, "note", "x", organisation=world.org_a)


def test_an_invalid_value_is_a_field_error_on_full_clean(world):
    from django.core.exceptions import ValidationError

    person = Person(organisation=world.org_a, family_name="Martin", phone="12", iban="FR00")
    with pytest.raises(ValidationError) as caught:
        person.full_clean()
    assert set(caught.value.message_dict) == {"phone", "iban"}
