"""The rights-request API: privacy managers only, bad input is a 422 with the
field and changes nothing, another organisation's request is not found."""

import pytest
from faker import Faker

from comptoir.mail.models import Message
from comptoir.privacy.requests.models import RequestState, RightsRequest
from tests.privacy.requests.conftest import contact_person, recorded

fake = Faker("fr_FR")


def test_record_read_and_answer_a_request(world, api_as):
    api = api_as("owner")
    address = fake.email()
    contact_person(world.org_a, address)
    created = api.post("/api/rights-requests", json={"kind": "access", "requester_email": address})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["state"] == "open" and body["subject_count"] == 1 and body["due_on"]
    listed = api.get("/api/rights-requests?state=open").json()["items"]
    assert [r["id"] for r in listed] == [body["id"]]
    extended = api.post(
        f"/api/rights-requests/{body['id']}/extend", json={"months": 1, "reason": "Volume."}
    )
    assert extended.status_code == 200 and extended.json()["state"] == "extended"
    answered = api.post(
        f"/api/rights-requests/{body['id']}/answer", json={"answer": "Export envoyé."}
    )
    assert answered.status_code == 200 and answered.json()["state"] == "done"
    again = api.post(f"/api/rights-requests/{body['id']}/refuse", json={"reasons": "Non."})
    assert again.status_code == 422
    assert RightsRequest.objects.of(world.org_a).get().state == RequestState.DONE


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "all", "requester_email": "a@example.test"}, "kind"),
        ({"kind": "access", "requester_email": "nope"}, "requester_email"),
        ({"kind": "access"}, "requester_email"),
        ({"kind": "access", "requester_email": "a@example.test", "message": "x" * 6000}, "message"),
        (
            {
                "kind": "access",
                "requester_email": "a@example.test",
                "received_at": "2999-01-01T00:00:00Z",
            },
            "received_at",
        ),
        (
            {"kind": "access", "requester_email": "a@example.test", "received_at": "hier"},
            "received_at",
        ),
    ],
)
def test_bad_input_is_a_422_naming_the_field(world, api_as, body, field):
    response = api_as("admin").post("/api/rights-requests", json=body)
    assert response.status_code == 422, response.content
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not RightsRequest.objects.of(world.org_a).exists()


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("extend", {"months": 3, "reason": "x"}),
        ("extend", {"months": 1, "reason": ""}),
        ("extend", {"months": "un", "reason": "x"}),
        ("answer", {"answer": ""}),
        ("refuse", {}),
        ("identity-ask", {"note": ""}),
        ("identity-received", None),
    ],
)
def test_bad_actions_are_422_and_change_nothing(world, api_as, action, body):
    request = recorded(world)
    response = api_as("owner").post(f"/api/rights-requests/{request.pk}/{action}", json=body)
    assert response.status_code == 422, response.content
    request.refresh_from_db()
    assert request.state == RequestState.OPEN and request.extension_months == 0
    assert not Message.across_organisations.exists()


@pytest.mark.parametrize("role", ["sales", "accountant", "support", "auditor"])
def test_other_roles_are_refused(world, api_as, role):
    request = recorded(world)
    api = api_as(role)
    assert api.get("/api/rights-requests").status_code == 403
    assert api.get(f"/api/rights-requests/{request.pk}").status_code == 403
    assert (
        api.post(
            "/api/rights-requests", json={"kind": "access", "requester_email": "a@example.test"}
        ).status_code
        == 403
    )


def test_another_organisations_request_is_not_found(world, api_as):
    other = recorded(world, organisation=world.org_b)
    api = api_as("owner")
    assert api.get(f"/api/rights-requests/{other.pk}").status_code == 404
    assert (
        api.post(f"/api/rights-requests/{other.pk}/answer", json={"answer": "x"}).status_code == 404
    )
    assert [r["id"] for r in api.get("/api/rights-requests").json()["items"]] == []
    other.refresh_from_db()
    assert other.state == RequestState.OPEN


def test_reading_a_request_names_the_people_it_matched(world, api_as):
    from comptoir.audit.models import Action, AuditEvent, AuditEventSubject

    address = fake.email()
    person = contact_person(world.org_a, address)
    request = recorded(world, email=address)
    assert api_as("owner").get(f"/api/rights-requests/{request.pk}").status_code == 200
    event = AuditEvent.objects.filter(action=Action.READ, object_id=str(request.pk)).latest("pk")
    named = set(AuditEventSubject.objects.filter(event=event).values_list("subject_id", flat=True))
    assert named == {person.data_subject_id}
