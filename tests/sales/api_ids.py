"""Real ids of the sales routes' path parameters, for the API sweeps of tests/api."""


def sales_ids(api, party_id: int) -> dict:
    """A product, a draft quote and its line, an order with a draft delivery note
    and still something to deliver; the settings row (made on first use) exists."""
    assert api.get("/api/sales-settings").status_code == 200
    product = api.post(
        "/api/products",
        json={"reference": "H-1", "name": "Vis", "unit_price": "2", "vat_rate": "20"},
    ).json()
    line = {"product_id": product["id"], "quantity": "5"}
    quote = api.post("/api/quotes", json={"party_id": party_id, "lines": [line]}).json()
    order = api.post("/api/orders", json={"party_id": party_id, "lines": [line]}).json()
    delivery = api.post(
        f"/api/orders/{order['id']}/deliveries",
        json={"lines": [{"order_line_id": order["lines"][0]["id"], "quantity": "1"}]},
    ).json()
    return {
        "product_id": product["id"],
        "quote_id": quote["id"],
        "line_id": quote["lines"][0]["id"],
        "order_id": order["id"],
        "delivery_id": delivery["id"],
    }
