"""The API's bodies come from the models (a field is written once): the OpenAPI
document declares each field's length, choices and range as the model says, and
the API refuses what the model cannot hold with a 422 naming the field and the
limit, changing nothing, the same on SQLite and PostgreSQL.

Every case is generated from the models' metadata and the document, not listed
by hand: a new model field is covered the day it is added."""

import pytest
from django.core import validators
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations

from comptoir.accounts.models import ApiToken
from comptoir.accounts.services import TOKEN_FIELDS
from comptoir.audit.models import AuditEvent
from comptoir.parties.api.schemas import INTERACTION_FIELDS
from comptoir.parties.models import ContactPerson, Interaction, Party
from comptoir.parties.services.parties import CONTACT_PERSON_FIELDS, PARTY_FIELDS
from comptoir.sales import services as sales_services
from comptoir.sales.models import Opportunity, PipelineStage
from comptoir.sales.pipeline_rules import OPPORTUNITY_FIELDS, STAGE_FIELDS
from comptoir.tenancy.models import Organisation
from comptoir.tenancy.services import ORGANISATION_SELF_FIELDS
from tests.openapi import openapi_document
from tests.parties.conftest import counts

MAX_ID = 2**63 - 1

# Each body of the API built from a model: (component, model, fields it must hold).
BODIES = [
    ("PartyIn", Party, {"kind", *PARTY_FIELDS}),
    ("PartyPatch", Party, PARTY_FIELDS),
    ("ContactPersonIn", ContactPerson, CONTACT_PERSON_FIELDS),
    ("ContactPersonPatch", ContactPerson, CONTACT_PERSON_FIELDS),
    ("StageIn", PipelineStage, STAGE_FIELDS),
    ("StagePatch", PipelineStage, STAGE_FIELDS),
    ("OpportunityIn", Opportunity, {"party", "stage", *OPPORTUNITY_FIELDS}),
    ("OpportunityPatch", Opportunity, OPPORTUNITY_FIELDS),
    ("MoveIn", Opportunity, {"stage", "probability"}),
    ("InteractionIn", Interaction, INTERACTION_FIELDS),
    ("TokenIn", ApiToken, TOKEN_FIELDS),
    ("OrganisationPatch", Organisation, ORGANISATION_SELF_FIELDS),
]


@pytest.fixture(scope="module")
def spec(django_db_blocker):
    with django_db_blocker.unblock():
        return openapi_document()


def _value_schema(prop: dict) -> dict:
    """The schema of a property's value, whether or not it may be null."""
    for branch in prop.get("anyOf", [prop]):
        if branch.get("type") != "null":
            return branch
    raise AssertionError(prop)


def _body_name(field: models.Field) -> str:
    return field.attname if field.is_relation else field.name


def _integer_range(field: models.Field) -> tuple[int, int]:
    low, high = BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()]
    for validator in field.validators:
        if isinstance(validator, validators.MinValueValidator):
            low = max(low, validator.limit_value)
        if isinstance(validator, validators.MaxValueValidator):
            high = min(high, validator.limit_value)
    return low, high


@pytest.mark.parametrize(("component", "model", "names"), BODIES, ids=[b[0] for b in BODIES])
def test_the_document_declares_the_model_s_limits(spec, component, model, names):
    properties = spec["components"]["schemas"][component]["properties"]
    for name in names:
        field = model._meta.get_field(name)
        declared = _value_schema(properties[_body_name(field)])
        where = f"{component}.{_body_name(field)}"
        if field.is_relation:
            assert (declared["type"], declared["minimum"], declared["maximum"]) == (
                "integer",
                1,
                MAX_ID,
            ), where
        elif field.choices:
            expected = {value for value, _label in field.flatchoices}
            assert set(declared["enum"]) - {""} == expected - {""}, where
            assert ("" in declared["enum"]) == field.blank, where
        elif isinstance(field, models.DecimalField):
            assert declared["type"] == "string", where
            assert declared["pattern"] and declared["maxLength"], where
            whole = field.max_digits - field.decimal_places
            assert f"at most {whole} digits" in declared["description"], where
        elif isinstance(field, models.IntegerField):
            low, high = _integer_range(field)
            assert (declared["minimum"], declared["maximum"]) == (low, high), where
        elif field.max_length and not isinstance(field, models.BooleanField):
            assert declared["maxLength"] == field.max_length, where
        if not field.is_relation and field.max_length is None and declared.get("type") == "string":
            assert "maxLength" not in declared or isinstance(field, models.DecimalField), where


def test_query_ids_are_bounded(spec):
    """A filter's id in the query: 1 to 2^63-1, as the body's."""
    for path, operation in (("/api/parties", "get"), ("/api/opportunities", "get")):
        for parameter in spec["paths"][path][operation]["parameters"]:
            if parameter["name"].endswith("_id"):
                declared = _value_schema(parameter["schema"])
                assert (declared["minimum"], declared["maximum"]) == (1, MAX_ID), parameter


# What the API refuses --------------------------------------------------------------------
def _text_fields(model, names) -> list[str]:
    return sorted(
        name
        for name in names
        if (field := model._meta.get_field(name)).max_length
        and not field.choices
        and not field.is_relation
    )


@pytest.fixture
def targets(world, make_company, make_contact, actor):
    """Per body: (method, path, a valid body) for each operation taking it."""

    party = make_company()
    person = make_contact(party)
    stage = sales_services.pipeline_stage_create(
        actor=actor, organisation=world.org_a, name="Relance", probability=20
    )
    opportunity = sales_services.opportunity_create(actor=actor, party=party, title="X", amount="1")
    return {
        "PartyIn": ("post", "/api/parties", {"kind": "company", "company_name": "Atelier"}),
        "PartyPatch": ("patch", f"/api/parties/{party.pk}", {}),
        "ContactPersonIn": (
            "post",
            f"/api/parties/{party.pk}/contact-persons",
            {"family_name": "Moreau"},
        ),
        "ContactPersonPatch": ("patch", f"/api/contact-persons/{person.pk}", {}),
        "StageIn": ("post", "/api/pipeline/stages", {"name": "Devis", "probability": 30}),
        "StagePatch": ("patch", f"/api/pipeline/stages/{stage.pk}", {}),
        "OpportunityIn": (
            "post",
            "/api/opportunities",
            {"party_id": party.pk, "title": "Devis", "amount": "10"},
        ),
        "OpportunityPatch": ("patch", f"/api/opportunities/{opportunity.pk}", {}),
        "TokenIn": ("post", "/api/tokens", {"name": "CI"}),
        "OrganisationPatch": ("patch", "/api/organisation", {}),
    }


def _state() -> dict:
    """Every row count and every row's last change a refused call could touch."""
    return {
        **counts(),
        "tokens": ApiToken.objects.model._base_manager.count(),
        "events": AuditEvent.objects.count(),
        "organisations": list(Organisation.objects.values_list("legal_name", "city")),
        "stages": list(PipelineStage._base_manager.values_list("name", "position")),
    }


LENGTH_CASES = [
    (component, model, name)
    for component, model, names in BODIES
    if component not in ("MoveIn", "InteractionIn")
    for name in _text_fields(model, names)
]


@pytest.mark.parametrize(
    ("component", "model", "name"),
    LENGTH_CASES,
    ids=[f"{c}.{n}" for c, _m, n in LENGTH_CASES],
)
def test_a_text_longer_than_its_column_is_a_422_naming_the_limit(
    world, api_as, targets, component, model, name
):
    limit = model._meta.get_field(name).max_length
    method, path, body = targets[component]
    api = api_as("owner")
    before = _state()
    response = getattr(api, method)(path, json={**body, name: "a" * (limit + 1)})
    assert response.status_code == 422, response.json()
    [error] = response.json()["errors"]
    assert error["field"] == name
    assert f"at most {limit} characters" in error["message"]
    assert _state() == before


def test_a_ten_thousand_character_token_name_is_refused(world, api_as):
    api = api_as("sales")
    before = _state()
    response = api.post("/api/tokens", json={"name": "n" * 10_000})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "name", "message": "String should have at most 100 characters"}
    ]
    assert _state() == before


AMOUNTS = ["1e309", "9" * 40, "1" + "0" * 12, "NaN", "Infinity", "-Infinity", "-5"]


@pytest.mark.parametrize("amount", AMOUNTS)
@pytest.mark.parametrize("component", ["OpportunityIn", "OpportunityPatch"])
def test_an_amount_the_column_cannot_hold_is_a_422_naming_the_limit(
    world, api_as, targets, component, amount
):
    method, path, body = targets[component]
    api = api_as("sales")
    before = _state()
    response = getattr(api, method)(path, json={**body, "amount": amount})
    assert response.status_code == 422, response.json()
    [error] = response.json()["errors"]
    assert error["field"] == "amount"
    if amount != "-5":
        assert "12" in error["message"], error
    assert _state() == before


@pytest.mark.parametrize("component", ["OpportunityIn", "OpportunityPatch"])
def test_the_largest_amount_the_column_holds_is_stored(world, api_as, targets, component):
    method, path, body = targets[component]
    response = getattr(api_as("sales"), method)(path, json={**body, "amount": "999999999999.99"})
    assert response.status_code in (200, 201), response.json()
    assert response.json()["amount"] == "999999999999.99"


@pytest.mark.parametrize(
    ("component", "name"),
    [("OpportunityIn", "party_id"), ("OpportunityIn", "owner_id"), ("PartyPatch", "sales_rep_id")],
)
@pytest.mark.parametrize("value", [0, 2**63, -1])
def test_an_id_out_of_range_is_a_422(world, api_as, targets, component, name, value):
    method, path, body = targets[component]
    api = api_as("owner")
    before = _state()
    response = getattr(api, method)(path, json={**body, name: value})
    assert response.status_code == 422, response.json()
    assert [e["field"] for e in response.json()["errors"]] == [name]
    assert _state() == before


@pytest.mark.parametrize("path", ["/api/parties", "/api/opportunities"])
@pytest.mark.parametrize("value", [0, 2**63])
def test_a_filter_id_out_of_range_is_a_422(world, api_as, path, value):
    name = "sales_rep_id" if path == "/api/parties" else "owner_id"
    response = api_as("owner").get(f"{path}?{name}={value}")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [name]


@pytest.mark.parametrize(("field", "value"), [("position", 32768), ("probability", 101)])
def test_an_integer_out_of_its_range_is_a_422(world, api_as, targets, field, value):
    method, path, body = targets["StageIn"]
    api = api_as("owner")
    before = _state()
    response = getattr(api, method)(path, json={**body, field: value})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert _state() == before


def test_a_party_s_origin_may_still_be_null(world, api_as):
    """As documented before the bodies were derived: null means no origin."""
    response = api_as("sales").post(
        "/api/parties", json={"kind": "company", "company_name": "Atelier", "origin": None}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["origin"] == ""


@pytest.mark.parametrize("value", [12, 1.5, "12", "1700000000", "lundi", True])
def test_a_date_time_is_an_iso_string_never_a_number(world, api_as, make_company, value):
    """pydantic's lax mode reads a number, or a string of digits, as seconds since
    1970: the document says an ISO 8601 string, and the API holds to it."""
    party = make_company()
    path = f"/api/parties/{party.pk}/interactions"
    body = {"kind": "call", "direction": "inbound"}
    api = api_as("sales")
    before = _state()
    response = api.post(path, json={**body, "occurred_at": value})
    assert response.status_code == 422, response.json()
    [error] = response.json()["errors"]
    assert error["field"] == "occurred_at"
    assert "ISO 8601" in error["message"]
    assert _state() == before
    stored = api.post(path, json={**body, "occurred_at": "2026-12-01T18:19:00Z"})
    assert stored.status_code == 201, stored.json()
    assert stored.json()["occurred_at"].startswith("2026-12-01T18:19:00")
