"""One error shape for every 4xx, and nothing in it that should not be there."""

import pytest
from django.test import Client

from comptoir.tenancy.models import Membership
from tests.openapi import openapi_document


def assert_shape(response, status):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    assert all(set(e) == {"field", "message"} for e in body["errors"])
    text = response.content.decode()
    assert "Traceback" not in text and 'File "' not in text
    return body


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer cpt_not-a-real-token"}, {"Authorization": "Basic abc"}],
)
def test_401_without_a_valid_token(db, headers):
    assert_shape(Client().get("/api/organisation", headers=headers), 401)


def test_404_for_unknown_route_and_object(world, api_as):
    api = api_as("owner")
    assert_shape(api.get("/api/nothing-here"), 404)
    assert_shape(api.get("/api/members/999999"), 404)


def test_405_for_wrong_method(world, api_as):
    body = assert_shape(api_as("owner").request("PUT", "/api/organisation", json={}), 405)
    assert body["detail"] == "Method not allowed."


def test_422_for_malformed_json(world, api_as):
    api = api_as("owner")
    response = api.client.patch(
        f"/api/members/{world_membership(world, 'sales')}",
        data="{not json",
        content_type="application/json",
        headers=api.headers,
    )
    body = assert_shape(response, 422)
    assert body["errors"] == [{"field": "body", "message": "The body is not valid JSON."}]


def test_422_names_the_invalid_field_and_changes_nothing(world, api_as):
    api = api_as("owner")
    member_id = world_membership(world, "sales")
    body = assert_shape(api.patch(f"/api/members/{member_id}", json={"role": "emperor"}), 422)
    assert [e["field"] for e in body["errors"]] == ["role"]
    assert Membership.objects.of(world.org_a).get(pk=member_id).role == "sales"


def test_422_from_a_business_rule_names_the_field(world, api_as):
    api = api_as("owner")
    body = assert_shape(api.patch("/api/organisation", json={"vat_number": "FR00123"}), 422)
    assert [e["field"] for e in body["errors"]] == ["vat_number"]
    world.org_a.refresh_from_db()
    assert world.org_a.vat_number != "FR00123"


def test_413_for_an_oversized_body(world, api_as, settings):
    api = api_as("owner")
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = api.client.post(
        "/api/tokens", data=big, content_type="application/json", headers=api.headers
    )
    assert_shape(response, 413)


def test_403_when_the_role_lacks_the_permission(world, api_as):
    body = assert_shape(api_as("sales").get("/api/audit/events"), 403)
    assert "permission" in body["detail"]


def test_read_token_cannot_write(world, api_as):
    api = api_as("owner", scope="read")
    assert_shape(api.post("/api/tokens", json={"name": "x"}), 403)


def test_errors_never_echo_personal_data(world, api_as):
    api = api_as("owner")
    email = world.member("sales").email
    response = api.patch("/api/organisation", json={"privacy_contact_email": email + "@@"})
    assert_shape(response, 422)
    assert email not in response.content.decode()


def world_membership(world, role) -> int:
    return Membership.objects.of(world.org_a).get(user=world.member(role)).pk


def test_openapi_declares_the_error_responses(db):
    spec = openapi_document()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            declared = set(operation["responses"])
            assert {"401", "404", "422"} <= declared, (method, path, declared)


def test_docs_page_is_served(db):
    assert Client().get("/api/docs").status_code == 200
