"""A token's name and scope are its model's fields: the service, the page and the
API apply the model's length, choices and text check; nothing is stored otherwise."""

import pytest
from django.core.exceptions import ValidationError

from comptoir.accounts import services
from comptoir.accounts.models import ApiToken
from comptoir.audit.services import Actor

NAME_LENGTH = ApiToken._meta.get_field("name").max_length


def _tokens() -> int:
    return ApiToken.across_organisations.count()


@pytest.mark.parametrize(
    ("name", "scope", "field"),
    [
        ("n" * (NAME_LENGTH + 1), "read", "name"),
        ("CI\x00", "read", "name"),
        ("C\x1bI", "read", "name"),
        ("   ", "read", "name"),
        ("CI", "admin", "scope"),
    ],
)
def test_the_service_refuses_what_the_model_cannot_hold(world, name, scope, field):
    user = world.member("sales")
    before = _tokens()
    with pytest.raises(ValidationError) as raised:
        services.token_create(
            actor=Actor.user(user.pk),
            organisation=world.org_a,
            user=user,
            name=name,
            scope=scope,
            days=30,
        )
    assert list(raised.value.message_dict) == [field]
    assert _tokens() == before


def test_the_page_refuses_a_name_longer_than_the_column(world, ui_as):
    ui = ui_as("sales")
    before = _tokens()
    page = ui.post("/tokens/", {"name": "n" * (NAME_LENGTH + 1), "scope": "read", "days": "30"})
    assert page.status_code == 200
    assert page.context["form"].errors["name"]
    assert _tokens() == before


def test_the_page_refuses_a_control_character_beside_the_name(world, ui_as):
    ui = ui_as("sales")
    before = _tokens()
    page = ui.post("/tokens/", {"name": "Export\x07CRM", "scope": "read", "days": "30"})
    assert page.status_code == 200
    assert "U+0007" in " ".join(page.context["form"].errors["name"])
    assert _tokens() == before


def test_the_api_refuses_a_name_longer_than_the_column_on_every_database(world, api_as):
    api = api_as("sales")
    before = _tokens()
    response = api.post("/api/tokens", json={"name": "n" * 10_000})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert (error["field"], f"at most {NAME_LENGTH} characters" in error["message"]) == (
        "name",
        True,
    )
    assert _tokens() == before
