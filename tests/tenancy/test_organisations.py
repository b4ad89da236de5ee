from datetime import date

import pytest
from django.core.exceptions import ValidationError

from comptoir.audit.models import Action, AuditEvent
from comptoir.audit.services import Actor
from comptoir.tenancy.models import Membership, Organisation
from comptoir.tenancy.services import organisation_create, organisation_update
from tests.factories import UserFactory

VALID_SIREN = "732829320"  # check digits valid (Luhn); generated, not a real company's data
VALID_SIRET = "73282932000074"


def create(**overrides):
    fields = dict(
        actor=Actor.system(),
        owner=UserFactory(),
        legal_name="Dupont Négoce",
        country="FR",
        siren=VALID_SIREN,
        privacy_contact_name="Camille Martin",
        privacy_contact_email="dpo@example.test",
        subscription_start=date(2026, 1, 1),
    )
    fields.update(overrides)
    return organisation_create(**fields)


def test_french_organisation_with_owner_and_audit(db):
    organisation = create(siret=VALID_SIRET, vat_number="FR 44 732829320")
    assert organisation.vat_number == "FR44732829320"
    owner = Membership.objects.of(organisation).get()
    assert owner.role == "owner"
    actions = list(
        AuditEvent.objects.filter(organisation_id=organisation.pk)
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [Action.CREATE, Action.PERMISSION_CHANGE]


def _journal(organisation):
    return AuditEvent.objects.filter(
        organisation_id=organisation.pk, object_type="tenancy.Organisation"
    ).order_by("seq")


def test_the_creation_journals_every_field_set_the_dpo_included(db):
    created = _journal(create()).get()
    assert {"privacy_contact_name", "privacy_contact_email", "subscription_start"} <= set(
        created.fields
    )
    assert "Camille Martin" not in repr(created.fields)  # names, never values


def test_an_update_journals_what_changed_and_an_empty_one_nothing(db):
    organisation = create()
    actor = Actor.system()
    organisation_update(actor=actor, organisation=organisation, legal_name="Dupont Négoce")
    organisation_update(actor=actor, organisation=organisation)
    assert _journal(organisation).count() == 1  # the creation only
    updated = organisation_update(
        actor=actor, organisation=organisation, legal_name="Dupont & Fils", country="FR"
    )
    assert updated.legal_name == "Dupont & Fils"
    assert (_journal(organisation).last().action, _journal(organisation).last().fields) == (
        Action.UPDATE,
        ["legal_name"],
    )


def test_belgian_organisation_needs_a_valid_enterprise_number(db):
    organisation = create(
        country="BE", siren="", enterprise_number="0403.170.701", vat_number="BE0403170701"
    )
    assert organisation.enterprise_number == "0403170701"
    with pytest.raises(ValidationError) as error:
        create(country="BE", siren="", enterprise_number="0403.170.702")
    assert set(error.value.message_dict) == {"enterprise_number"}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"siren": "732829321"}, "siren"),
        ({"siren": ""}, "siren"),
        ({"siret": "73282932000075"}, "siret"),
        ({"siret": "55210055400013"}, "siret"),  # valid SIRET of another SIREN
        ({"vat_number": "FR00732829320"}, "vat_number"),
        ({"vat_number": "BE0403170701"}, "vat_number"),
        ({"enterprise_number": "0403170701"}, "enterprise_number"),
        ({"subscription_end": date(2025, 1, 1)}, "subscription_end"),
    ],
)
def test_invalid_identifiers_are_refused_and_nothing_is_created(db, overrides, field):
    with pytest.raises(ValidationError) as error:
        create(**overrides)
    assert field in error.value.message_dict
    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.CREATE, object_type="tenancy.Organisation")
