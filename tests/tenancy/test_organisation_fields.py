"""The organisation's fields are its model's: the service and the API apply the
model's lengths and text check, and the API takes the fields its members may
change (``ORGANISATION_SELF_FIELDS``) as the model declares them."""

import pytest
from django.core.exceptions import ValidationError

from comptoir.audit.models import AuditEvent
from comptoir.audit.services import Actor
from comptoir.tenancy.models import Organisation
from comptoir.tenancy.services import ORGANISATION_SELF_FIELDS, organisation_update


def _state(organisation) -> tuple:
    fresh = Organisation.objects.get(pk=organisation.pk)
    return (
        [getattr(fresh, name) for name in sorted(ORGANISATION_SELF_FIELDS)],
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize("name", sorted(ORGANISATION_SELF_FIELDS))
def test_the_service_refuses_a_control_character_in_any_text(world, name):
    organisation = world.org_a
    before = _state(organisation)
    value = "dpo\x00@example.test" if name.endswith("email") else "Du\x1bpont"
    with pytest.raises(ValidationError) as raised:
        organisation_update(actor=Actor.system(), organisation=organisation, **{name: value})
    assert name in raised.value.message_dict
    assert _state(organisation) == before


@pytest.mark.parametrize("name", sorted(ORGANISATION_SELF_FIELDS))
def test_the_api_refuses_null_and_over_long_values(world, api_as, name):
    api = api_as("owner")
    limit = Organisation._meta.get_field(name).max_length
    before = _state(world.org_a)
    for value in (None, "a" * (limit + 1)):
        response = api.patch("/api/organisation", json={name: value})
        assert response.status_code == 422, (value, response.json())
        assert [e["field"] for e in response.json()["errors"]] == [name]
    assert _state(world.org_a) == before


def test_the_api_does_not_take_what_is_set_at_creation(world, api_as):
    """The registration numbers and the subscription are not the members' to change."""
    spec = api_as("owner").get("/api/openapi.json").json()
    patch = spec["components"]["schemas"]["OrganisationPatch"]["properties"]
    assert set(patch) == ORGANISATION_SELF_FIELDS
    assert not {"siren", "country", "subscription_end"} & set(patch)
