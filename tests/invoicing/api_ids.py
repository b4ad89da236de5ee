"""Real ids of the invoices routes' path parameters, for the API sweeps of
tests/api: a draft invoice and its line, an issued invoice whose client has a
contact person with an email, and a shipped delivery note of the sales order."""


def invoice_ids(api, party_id: int, order_id: int) -> dict:
    person = api.post(
        f"/api/parties/{party_id}/contact-persons",
        json={"family_name": "Moreau", "email": "moreau@example.org"},
    ).json()
    line = {"name": "Vis", "quantity": "2", "unit_price": "10", "vat_rate": "20"}
    issued = api.post("/api/invoices", json={"party_id": party_id, "lines": [line]}).json()
    assert api.post(f"/api/invoices/{issued['id']}/issue").status_code == 200
    draft = api.post("/api/invoices", json={"party_id": party_id, "lines": [line]}).json()
    order = api.get(f"/api/orders/{order_id}").json()
    delivery = api.post(
        f"/api/orders/{order_id}/deliveries",
        json={"lines": [{"order_line_id": order["lines"][0]["id"], "quantity": "1"}]},
    ).json()
    assert api.post(f"/api/deliveries/{delivery['id']}/ship").status_code == 200
    return {
        "invoice_id": draft["id"],
        "invoice_line_id": draft["lines"][0]["id"],
        "issued_id": issued["id"],
        "invoice_contact_person_id": person["id"],
        "shipped_delivery_id": delivery["id"],
    }


def invoice_bodies(ids: dict) -> dict:
    """A valid body for each invoices operation whose body has required fields."""
    return {
        ("POST", "/api/invoices"): {"party_id": ids["party_id"]},
        ("POST", "/api/invoices/{invoice_id}/lines"): {
            "name": "Hostile",
            "quantity": "1",
            "unit_price": "1",
            "vat_rate": "20",
        },
        ("POST", "/api/invoices/from-deliveries"): {"delivery_ids": [ids["shipped_delivery_id"]]},
        ("POST", "/api/invoices/down-payment/{order_id}"): {"percent": "30"},
        ("POST", "/api/invoices/{issued_id}/send"): {
            "contact_person_id": ids["invoice_contact_person_id"]
        },
    }
