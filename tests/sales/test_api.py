"""The sales API: a quote through to its delivery, the roles, and tenant isolation."""

import pytest

from comptoir.audit.models import Action, AuditEvent
from comptoir.sales.models import Order, Product, Quote

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales_api(api_as):
    return api_as("sales")


def _product(api, **fields):
    body = {"reference": "SRV-1", "name": "Audit", "unit_price": "100", "vat_rate": "20", **fields}
    response = api.post("/api/products", json=body)
    assert response.status_code == 201, response.json()
    return response.json()


def _quote(api, party_id, product_id):
    response = api.post(
        "/api/quotes",
        json={
            "party_id": party_id,
            "purchase_order": "PO-88",
            "lines": [
                {"product_id": product_id, "quantity": "3"},
                {"name": "Déplacement", "quantity": "1", "unit_price": "45,50", "vat_rate": "20"},
            ],
        },
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_quote_to_order_to_partial_delivery(world, sales_api, make_client):
    client = make_client()
    product = _product(sales_api)
    quote = _quote(sales_api, client.pk, product["id"])
    assert quote["status"] == "draft" and quote["number"] == ""
    assert [line["name"] for line in quote["lines"]] == ["Audit", "Déplacement"]
    assert quote["totals"]["tax_exclusive"] == "345.50"
    assert quote["totals"]["payable"] == "414.60"

    line = sales_api.post(
        f"/api/quotes/{quote['id']}/lines",
        json={"name": "Option", "quantity": "1", "unit_price": "10", "vat_rate": "10"},
    ).json()
    assert (
        sales_api.patch(
            f"/api/quotes/{quote['id']}/lines/{line['id']}", json={"quantity": "2"}
        ).json()["quantity"]
        == "2.000"
    )
    assert sales_api.delete(f"/api/quotes/{quote['id']}/lines/{line['id']}").status_code == 204

    sent = sales_api.post(f"/api/quotes/{quote['id']}/send").json()
    assert sent["status"] == "sent" and sent["number"].startswith("D-")
    assert sales_api.patch(f"/api/quotes/{quote['id']}", json={"notes": "x"}).status_code == 422
    accepted = sales_api.post(f"/api/quotes/{quote['id']}/accept").json()
    assert accepted["status"] == "accepted"

    response = sales_api.post(f"/api/quotes/{quote['id']}/order")
    assert response.status_code == 201
    order = response.json()
    assert order["purchase_order"] == "PO-88" and order["quote_id"] == quote["id"]
    first, second = order["lines"]
    response = sales_api.post(
        f"/api/orders/{order['id']}/deliveries",
        json={"lines": [{"order_line_id": first["id"], "quantity": "2"}]},
    )
    assert response.status_code == 201, response.json()
    note = response.json()
    assert [(line["order_line_id"], line["quantity"]) for line in note["lines"]] == [
        (first["id"], "2.000")
    ]
    over = sales_api.post(
        f"/api/orders/{order['id']}/deliveries",
        json={"lines": [{"order_line_id": first["id"], "quantity": "1.5"}]},
    )
    assert over.status_code == 422
    assert over.json()["errors"][0]["field"] == f"lines.{first['id']}"
    detail = sales_api.get(f"/api/orders/{order['id']}").json()
    assert [
        (line["quantity"], line["delivered"], line["remaining"]) for line in detail["lines"]
    ] == [
        ("3.000", "2.000", "1.000"),
        ("1.000", "0.000", "1.000"),
    ]
    shipped = sales_api.post(f"/api/deliveries/{note['id']}/ship").json()
    assert shipped["status"] == "shipped" and shipped["number"].startswith("BL-")
    assert sales_api.post(f"/api/orders/{order['id']}/cancel").status_code == 422


def test_bad_bodies_are_422_by_field(world, sales_api, make_client):
    assert (
        sales_api.post(
            "/api/products",
            json={"reference": "A", "name": "B", "unit_price": "1", "vat_rate": "19.6"},
        ).json()["errors"][0]["field"]
        == "vat_rate"
    )
    response = sales_api.post(
        "/api/quotes",
        json={"party_id": make_client().pk, "lines": [{"product_id": 123456789, "quantity": "1"}]},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lines.0.product_id"
    response = sales_api.post("/api/quotes", json={"party_id": 2**62})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "party_id"
    assert Quote.objects.of(world.org_a).count() == 0


def test_an_expired_quote_cannot_be_accepted(world, sales_api, make_client):
    product = _product(sales_api)
    quote = _quote(sales_api, make_client().pk, product["id"])
    sales_api.post(f"/api/quotes/{quote['id']}/send?issue_date=2025-01-02&valid_until=2025-02-01")
    assert sales_api.get(f"/api/quotes/{quote['id']}").json()["status"] == "expired"
    response = sales_api.post(f"/api/quotes/{quote['id']}/accept")
    assert response.status_code == 422
    assert "2025-02-01" in response.json()["errors"][0]["message"]
    listed = sales_api.get("/api/quotes?status=expired").json()
    assert [q["id"] for q in listed["items"]] == [quote["id"]]


def test_org_b_never_sees_org_a_documents(world, sales_api, api_as, make_client):
    product = _product(sales_api)
    quote = _quote(sales_api, make_client().pk, product["id"])
    other = api_as("owner", organisation=world.org_b)
    assert other.get(f"/api/quotes/{quote['id']}").status_code == 404
    assert other.get("/api/quotes").json()["items"] == []
    assert other.get(f"/api/products/{product['id']}").status_code == 404
    assert other.post(f"/api/quotes/{quote['id']}/send").status_code == 404
    assert (
        other.post(
            "/api/quotes",
            json={"party_id": make_client().pk, "lines": []},
        ).status_code
        == 422
    )  # org A's party is not found in org B
    assert (
        other.post(
            "/api/orders",
            json={
                "party_id": make_client(world.org_b).pk,
                "lines": [{"product_id": product["id"], "quantity": "1"}],
            },
        ).status_code
        == 422
    )
    assert Order.objects.of(world.org_b).count() == 0


@pytest.mark.parametrize(
    ("role", "reads", "writes"),
    [
        ("owner", True, True),
        ("admin", True, True),
        ("sales", True, True),
        ("accountant", True, False),
        ("auditor", True, False),
        ("support", False, False),
    ],
)
def test_roles(world, api_as, make_client, role, reads, writes):
    api = api_as(role)
    listing = api.get("/api/quotes")
    assert listing.status_code == (200 if reads else 403)
    assert api.get("/api/products").status_code == (200 if reads else 403)
    created = api.post(
        "/api/products", json={"reference": "R", "name": "N", "unit_price": "1", "vat_rate": "20"}
    )
    assert created.status_code == (201 if writes else 403)
    assert Product.objects.of(world.org_a).count() == (1 if writes else 0)
    settings = api.patch("/api/sales-settings", json={"quote_validity_days": 15})
    assert settings.status_code == (200 if role in ("owner", "admin") else 403)


def test_reads_are_journalled(world, sales_api, make_client):
    product = _product(sales_api)
    quote = _quote(sales_api, make_client().pk, product["id"])
    sales_api.get(f"/api/quotes/{quote['id']}")
    sales_api.get("/api/quotes")
    events = AuditEvent.objects.filter(object_type="sales.quote")
    assert events.filter(action=Action.READ, object_id=str(quote["id"])).exists()
    assert events.filter(action=Action.LIST).exists()


def test_settings_and_number_patterns(world, api_as):
    owner = api_as("owner")
    body = owner.patch(
        "/api/sales-settings",
        json={
            "colour": "#AA3300",
            "iban": "FR76 3000 6000 0112 3456 7890 189",
            "quote_validity_days": 60,
        },
    )
    assert body.status_code == 200, body.json()
    assert body.json()["iban"] == "FR7630006000011234567890189"
    assert owner.patch("/api/sales-settings", json={"colour": "red"}).status_code == 422
    assert owner.patch("/api/sales-settings", json={"quote_validity_days": 999}).status_code == 422
    patterns = owner.request(
        "PUT",
        "/api/sales-settings/number-series",
        json={"series": "quote", "pattern": "DEV{year}-{number:04}"},
    )
    assert patterns.status_code == 200
    assert {p["series"]: p["pattern"] for p in patterns.json()}["quote"] == "DEV{year}-{number:04}"
    for pattern in ("{year}", "F.{year}.{number:05}"):  # a dot: refused by BR-FR-02
        bad = owner.request(
            "PUT", "/api/sales-settings/number-series", json={"series": "quote", "pattern": pattern}
        )
        assert bad.status_code == 422, pattern
    wrong_address = owner.patch("/api/sales-settings", json={"einvoice_address": "0208:123"})
    assert wrong_address.status_code == 422
