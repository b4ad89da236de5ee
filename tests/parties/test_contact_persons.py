"""Contact persons: a company's people, each their own data subject; duplicates by
email or phone are found whatever the spelling."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from comptoir.audit.models import Action, AuditEvent
from comptoir.parties import selectors, services
from comptoir.parties.models import Channel, ContactPerson, ContactStatus, PartyKind
from tests.parties.conftest import counts


def test_a_contact_person_is_a_data_subject_of_the_company_s_organisation(
    world, make_company, make_contact
):
    company = make_company()
    person = make_contact(
        company,
        civility="mrs",
        job_title="Directrice achats",
        email="Jean.Dupont@Example.FR",
        mobile="06 12 34 56 78",
        notes="Préfère être appelée le matin.",
        contact_status=ContactStatus.REGULAR,
        preferred_channel=Channel.PHONE,
    )
    fresh = selectors.contact_person_get(organisation=world.org_a, contact_person_id=person.pk)
    assert fresh.data_subject is not None and fresh.data_subject.organisation_id == world.org_a.pk
    assert fresh.data_subject_id != company.data_subject_id
    assert (fresh.email, fresh.mobile, fresh.notes) == (
        "Jean.Dupont@Example.FR",
        "06 12 34 56 78",
        "Préfère être appelée le matin.",
    )
    with translation.override("en"):  # the warning is translated now, as the forms show it
        assert "sensitive data" in ContactPerson._meta.get_field("notes").help_text


def test_only_a_company_has_contact_persons(world, actor):
    individual = services.party_create(
        actor=actor, organisation=world.org_a, kind=PartyKind.INDIVIDUAL, family_name="Seul"
    )
    before = counts()
    with pytest.raises(ValidationError) as caught:
        services.contact_person_create(actor=actor, party=individual, family_name="Autre")
    assert "party" in caught.value.message_dict
    assert counts() == before


def test_an_occasional_contact_has_no_preferred_channel(world, make_company, make_contact):
    company = make_company()
    before = counts()
    with pytest.raises(ValidationError) as caught:
        make_contact(company, preferred_channel=Channel.EMAIL)
    assert "preferred_channel" in caught.value.message_dict
    assert counts() == before


@pytest.mark.parametrize(
    ("field", "first", "second"),
    [
        ("email", "jean.dupont@example.fr", "Jean.Dupont@Example.FR"),
        ("mobile", "+33 6 12 34 56 78", "06 12 34 56 78"),
        ("phone", "01 23 45 67 89", "+33123456789"),
    ],
)
def test_duplicates_are_found_across_spellings(
    world, make_company, make_contact, field, first, second
):
    company = make_company()
    original = make_contact(company, **{field: first})
    other_company = make_company()
    before = counts()
    with pytest.raises(ValidationError) as caught:
        make_contact(other_company, **{field: second})
    assert field in caught.value.message_dict
    assert str(original.pk) in caught.value.message_dict[field][0]
    assert counts() == before
    kind = "email" if field == "email" else "phone"
    found = selectors.contact_person_duplicates(organisation=world.org_a, **{kind: second})
    assert list(found) == [original]


def test_a_phone_is_a_duplicate_in_any_phone_column(world, make_company, make_contact):
    original = make_contact(make_company(), fax="01 98 76 54 32")
    with pytest.raises(ValidationError) as caught:
        make_contact(make_company(), mobile="+33 1 98 76 54 32", email_other="x@example.test")
    assert set(caught.value.message_dict) == {"mobile"}
    assert list(selectors.contact_person_search(organisation=world.org_a, phone="0198765432")) == [
        original
    ]


def test_the_importer_may_allow_a_duplicate(world, make_company, make_contact, actor):
    make_contact(make_company(), email="jean.dupont@example.fr")
    second = services.contact_person_create(
        actor=actor,
        party=make_company(),
        family_name="Dupont",
        email="JEAN.DUPONT@example.fr",
        allow_duplicate=True,
    )
    assert (
        selectors.contact_person_duplicates(
            organisation=world.org_a, email="jean.dupont@example.fr"
        ).count()
        == 2
    )
    assert second.pk


def test_an_update_is_not_its_own_duplicate_but_is_another_s(
    world, make_company, make_contact, actor
):
    company = make_company()
    first = make_contact(company, email="a.first@example.test")
    second = make_contact(company, email="b.second@example.test")
    services.contact_person_update(
        actor=actor, contact_person=first, email="A.First@Example.test", job_title="Gérant"
    )
    with pytest.raises(ValidationError) as caught:
        services.contact_person_update(
            actor=actor, contact_person=second, email="a.first@example.test"
        )
    assert "email" in caught.value.message_dict
    second.refresh_from_db()
    assert second.email == "b.second@example.test"
    last = AuditEvent.objects.filter(object_type="parties.contactperson").latest("seq")
    assert (last.action, last.object_id, last.fields) == (
        Action.UPDATE,
        str(first.pk),
        ["email", "job_title"],
    )


def test_the_same_email_in_another_organisation_is_no_duplicate(world, make_company, make_contact):
    a = make_contact(make_company(world.org_a), email="jean.dupont@example.fr")
    b = make_contact(make_company(world.org_b), email="jean.dupont@example.fr")
    assert a.email_index != b.email_index  # per-organisation index keys
    assert list(
        selectors.contact_person_search(organisation=world.org_a, email="jean.dupont@example.fr")
    ) == [a]
    assert list(
        selectors.contact_person_search(organisation=world.org_b, email="jean.dupont@example.fr")
    ) == [b]
