"""The payments API and client accounts: roles, tenant isolation, errors, reads journalled."""

from datetime import date, timedelta

import pytest

from comptoir.audit.models import Action, AuditEvent
from comptoir.invoicing.models import Payment, PaymentAllocation


@pytest.fixture
def setup(world, make_client, issued):
    client = make_client()
    first = issued(client, "120.00", due=date.today() - timedelta(days=3))  # overdue
    second = issued(client, "80.00")
    return client, first, second


def test_an_accountant_records_a_payment_over_two_invoices(world, api_as, setup):
    client, first, second = setup
    api = api_as("accountant")
    response = api.post(
        "/api/payments",
        json={
            "party_id": client.pk,
            "amount": "250.00",
            "method": "cheque",
            "reference": "1234567",
            "received_on": "2026-12-01",
            "allocations": [
                {"invoice_id": first.pk, "amount": "120.00"},
                {"invoice_id": second.pk, "amount": "50"},
            ],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["amount"] == "250.00"
    assert (body["amount_allocated"], body["amount_unallocated"]) == ("170.00", "80.00")
    assert [(a["invoice_number"], a["amount"]) for a in body["allocations"]] == [
        (first.number, "120.00"),
        (second.number, "50.00"),
    ]
    assert body["reference"] == "1234567"

    account = api.get(f"/api/client-accounts/{client.pk}").json()
    assert account["balance"] == "-50.00"
    assert account["unallocated_credit"] == "80.00"
    assert [(i["number"], i["amount_left"], i["settlement"]) for i in account["open_items"]] == [
        (second.number, "30.00", "partly_paid")
    ]
    assert account["overdue_items"] == []

    # The credit settles the rest later.
    response = api.post(
        f"/api/payments/{body['id']}/allocations",
        json={"invoice_id": second.pk, "amount": "30.00"},
    )
    assert response.status_code == 201, response.json()
    assert api.get(f"/api/client-accounts/{client.pk}").json()["open_items"] == []


def test_automatic_allocation_and_over_allocation(world, api_as, setup):
    client, first, second = setup
    api = api_as("accountant")
    response = api.post(
        "/api/payments",
        json={"party_id": client.pk, "amount": "130", "method": "transfer", "allocations": "auto"},
    )
    assert response.status_code == 201, response.json()
    payment = response.json()
    assert [a["invoice_id"] for a in payment["allocations"]] == [first.pk, second.pk]
    response = api.post(
        f"/api/payments/{payment['id']}/allocations",
        json={"invoice_id": second.pk, "amount": "70.01"},
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "allocations" and second.number in error["message"]
    before = Payment.across_organisations.count()
    response = api.post(
        "/api/payments",
        json={
            "party_id": client.pk,
            "amount": "10",
            "method": "cash",
            "allocations": [{"invoice_id": second.pk, "amount": "10.01"}],
        },
    )
    assert response.status_code == 422
    assert Payment.across_organisations.count() == before


def test_unallocate_then_delete(world, api_as, setup):
    client, first, _second = setup
    api = api_as("accountant")
    payment = api.post(
        "/api/payments",
        json={"party_id": client.pk, "amount": "20", "method": "card", "allocations": "auto"},
    ).json()
    assert api.delete(f"/api/payments/{payment['id']}").status_code == 422
    allocation = payment["allocations"][0]["id"]
    response = api.delete(f"/api/payments/{payment['id']}/allocations/{allocation}")
    assert response.status_code == 200
    assert response.json()["amount_unallocated"] == "20.00"
    assert api.delete(f"/api/payments/{payment['id']}").status_code == 204
    assert api.get(f"/api/payments/{payment['id']}").status_code == 404


def test_roles(world, api_as, setup):
    client, first, _second = setup
    body = {"party_id": client.pk, "amount": "10", "method": "cash", "allocations": "auto"}
    for role in ("sales", "support", "auditor"):
        assert api_as(role).post("/api/payments", json=body).status_code == 403, role
    assert api_as("accountant").post("/api/payments", json=body).status_code == 201
    for role, status in (("sales", 403), ("support", 403), ("auditor", 200), ("owner", 200)):
        assert api_as(role).get("/api/payments").status_code == status, role
    # Sales see what clients owe (invoice statuses); support sees no amount anywhere.
    assert api_as("sales").get(f"/api/client-accounts/{client.pk}").status_code == 200
    response = api_as("support").get(f"/api/client-accounts/{client.pk}")
    assert response.status_code == 403
    assert "10.00" not in response.content.decode()


def test_another_organisation_sees_nothing(world, api_as, setup, pay):
    client, first, _second = setup
    payment = pay(client, "45.00", allocations="auto", reference="VIR-A")
    theirs = api_as("owner", organisation=world.org_b)
    assert theirs.get("/api/payments").json()["items"] == []
    assert theirs.get(f"/api/payments/{payment.pk}").status_code == 404
    assert theirs.get(f"/api/client-accounts/{client.pk}").status_code == 404
    assert theirs.delete(f"/api/payments/{payment.pk}").status_code == 404
    response = theirs.post(
        "/api/payments",
        json={"party_id": client.pk, "amount": "1", "method": "cash"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "party_id"
    ours = api_as("accountant")
    assert [p["id"] for p in ours.get("/api/payments").json()["items"]] == [payment.pk]


def test_bad_input_is_a_422_naming_the_field(world, api_as, setup):
    client, first, _second = setup
    api = api_as("accountant")
    for body, field in (
        ({"party_id": client.pk, "amount": "-1", "method": "cash"}, "amount"),
        ({"party_id": client.pk, "amount": "1e400", "method": "cash"}, "amount"),
        ({"party_id": client.pk, "amount": "1", "method": "bitcoin"}, "method"),
        (
            {"party_id": client.pk, "amount": "1", "method": "cash", "reference": "x" * 81},
            "reference",
        ),
        (
            {
                "party_id": client.pk,
                "amount": "1",
                "method": "cash",
                "allocations": [{"invoice_id": 2**62, "amount": "1"}],
            },
            "allocations",
        ),
    ):
        response = api.post("/api/payments", json=body)
        assert response.status_code == 422, body
        assert response.json()["errors"][0]["field"].startswith(field), response.json()
    assert not Payment.across_organisations.exists()
    assert not PaymentAllocation.across_organisations.exists()


def test_reads_are_journalled(world, api_as, setup, pay):
    client, _first, _second = setup
    payment = pay(client, "5.00")
    api = api_as("accountant")
    last = AuditEvent.objects.order_by("-pk").first().pk
    api.get("/api/payments")
    api.get(f"/api/payments/{payment.pk}")
    api.get(f"/api/client-accounts/{client.pk}")
    events = AuditEvent.objects.filter(pk__gt=last, action__in=[Action.READ, Action.LIST])
    assert sorted((e.action, e.object_type) for e in events) == sorted(
        [
            (Action.LIST, "invoicing.payment"),
            (Action.READ, "invoicing.payment"),
            (Action.READ, "parties.party"),
        ]
    )
