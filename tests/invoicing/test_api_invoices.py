"""The invoices API: drafts and their lines, the issue, the frozen issued
document on every write route, invoices from an order, roles and amounts."""

from decimal import Decimal

import pytest

from comptoir.audit.models import AuditEvent
from comptoir.invoicing.models import Invoice, InvoiceLine, InvoiceStatus

pytestmark = pytest.mark.django_db

LINE = {"name": "Table de chêne", "quantity": "2", "unit_price": "150.00", "vat_rate": "20"}


def _draft(api, party_id, lines=(LINE,)):
    response = api.post("/api/invoices", json={"party_id": party_id, "lines": list(lines)})
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_draft_is_made_changed_and_deleted_through_the_api(api_as, make_client):
    api = api_as("sales")
    party = make_client()
    body = _draft(api, party.pk)
    assert body["status"] == "draft" and body["number"] == ""
    assert body["totals"]["tax_exclusive"] == "300.00"
    assert body["totals"]["tax_inclusive"] == "360.00"
    path = f"/api/invoices/{body['id']}"

    assert api.patch(path, json={"purchase_order": "BC-77"}).json()["purchase_order"] == "BC-77"
    added = api.post(f"{path}/lines", json={**LINE, "quantity": "1", "unit_price": "10"})
    assert added.status_code == 201
    line_id = added.json()["id"]
    patched = api.patch(f"{path}/lines/{line_id}", json={"quantity": "3"})
    assert patched.json()["quantity"] == "3.000"
    assert api.get(path).json()["totals"]["tax_exclusive"] == "330.00"
    assert api.delete(f"{path}/lines/{line_id}").status_code == 204
    assert len(api.get(path).json()["lines"]) == 1

    assert api.delete(path).status_code == 204
    assert api.get(path).status_code == 404
    assert not Invoice.across_organisations.filter(pk=body["id"]).exists()


def test_bad_lines_are_refused_with_their_field(api_as, make_client):
    api = api_as("sales")
    party = make_client()
    response = api.post(
        "/api/invoices",
        json={"party_id": party.pk, "lines": [{**LINE, "vat_rate": "7"}]},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].startswith("lines.0")
    assert not Invoice.objects.of(party.organisation).exists()


def test_an_issued_invoice_is_refused_by_every_write_route(api_as, make_client):
    api = api_as("sales")
    party = make_client()
    body = _draft(api, party.pk)
    path = f"/api/invoices/{body['id']}"
    issued = api.post(f"{path}/issue")
    assert issued.status_code == 200, issued.json()
    issued = issued.json()
    assert issued["status"] == "issued" and issued["number"]
    line_id = issued["lines"][0]["id"]
    before = (api.get(path).json(), list(InvoiceLine.objects.filter(invoice_id=body["id"])))
    events = AuditEvent.objects.count()

    attempts = [
        api.patch(path, json={"notes": "changed"}),
        api.delete(path),
        api.post(f"{path}/lines", json=LINE),
        api.patch(f"{path}/lines/{line_id}", json={"quantity": "9"}),
        api.delete(f"{path}/lines/{line_id}"),
        api.post(f"{path}/issue"),
    ]
    for response in attempts:
        assert response.status_code in (409, 422), response.content
        body = response.json()
        assert body["errors"][0]["field"] == "status"
        assert "avoir" in body["errors"][0]["message"]  # "correct it with a credit note"

    after = api.get(path).json()
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before[0].items() if k != "updated_at"
    }
    assert list(InvoiceLine.objects.filter(invoice_id=issued["id"])) == before[1]
    # Only the two reads of the detail were journalled, no write.
    assert AuditEvent.objects.count() == events + 1


def test_issue_refuses_a_french_business_client_without_siren(api_as, make_client):
    api = api_as("sales")
    party = make_client(siren="", vat_number="")
    body = _draft(api, party.pk)
    response = api.post(f"/api/invoices/{body['id']}/issue")
    assert response.status_code == 422
    assert "SIREN" in response.json()["errors"][0]["message"]
    assert Invoice.across_organisations.get(pk=body["id"]).status == InvoiceStatus.DRAFT


def test_support_sees_no_amounts_and_accountants_only_read(api_as, make_client):
    party = make_client()
    body = _draft(api_as("sales"), party.pk)
    path = f"/api/invoices/{body['id']}"

    support = api_as("support")
    detail = support.get(path).json()
    assert detail["totals"] is None and detail["lines"] is None
    listed = support.get("/api/invoices").json()["items"]
    assert [row["totals"] for row in listed] == [None]
    assert support.post("/api/invoices", json={"party_id": party.pk}).status_code == 403

    accountant = api_as("accountant")
    assert accountant.get(path).json()["totals"]["tax_inclusive"] == "360.00"
    assert accountant.post(f"{path}/issue").status_code == 403
    assert accountant.patch(path, json={"notes": "x"}).status_code == 403


def test_the_list_filters_by_status_kind_client_and_year(api_as, make_client):
    api = api_as("sales")
    first, second = make_client(), make_client()
    one = _draft(api, first.pk)
    _draft(api, second.pk)
    api.post(f"/api/invoices/{one['id']}/issue")

    def ids(query):
        return [row["id"] for row in api.get(f"/api/invoices?{query}").json()["items"]]

    assert ids("status=issued") == [one["id"]]
    assert len(ids("status=draft")) == 1
    assert ids(f"party_id={first.pk}") == [one["id"]]
    year = Invoice.across_organisations.get(pk=one["id"]).issue_date.year
    assert ids(f"year={year}") == [one["id"]]
    assert ids("kind=credit_note") == []
    assert api.get("/api/invoices?status=paid").status_code == 422


def test_an_invoice_is_made_from_an_order_within_what_remains(api_as, make_order):
    api = api_as("sales")
    order = make_order()
    line = order.lines.get()
    too_much = api.post(
        f"/api/invoices/from-order/{order.pk}",
        json={"lines": [{"order_line_id": line.pk, "quantity": "11"}]},
    )
    assert too_much.status_code == 422
    partial = api.post(
        f"/api/invoices/from-order/{order.pk}",
        json={"lines": [{"order_line_id": line.pk, "quantity": "4"}]},
    )
    assert partial.status_code == 201, partial.json()
    assert partial.json()["order_id"] == order.pk
    assert partial.json()["lines"][0]["quantity"] == "4.000"
    rest = api.post(f"/api/invoices/from-order/{order.pk}", json={})
    assert rest.json()["lines"][0]["quantity"] == "6.000"
    assert Decimal(rest.json()["totals"]["tax_exclusive"]) == Decimal("75.00")


def test_another_organisations_invoice_is_not_found(api_as, make_client, world):
    body = _draft(api_as("sales"), make_client().pk)
    other = api_as("owner", organisation=world.org_b)
    assert other.get(f"/api/invoices/{body['id']}").status_code == 404
    assert other.post(f"/api/invoices/{body['id']}/issue").status_code == 404
    assert other.delete(f"/api/invoices/{body['id']}").status_code == 404


def test_a_credit_note_and_a_down_payment_through_the_api(api_as, make_client, make_order):
    api = api_as("sales")
    body = _draft(api, make_client().pk)
    issued = api.post(f"/api/invoices/{body['id']}/issue").json()
    line_id = issued["lines"][0]["id"]
    assert (
        api.post(
            f"/api/invoices/{body['id']}/credit-note",
            json={"lines": [{"invoice_line_id": line_id, "quantity": "3"}]},
        ).status_code
        == 422
    )
    note = api.post(
        f"/api/invoices/{body['id']}/credit-note",
        json={"lines": [{"invoice_line_id": line_id, "quantity": "1"}]},
    )
    assert note.status_code == 201, note.json()
    note = note.json()
    assert note["kind"] == "credit_note" and note["credited_id"] == body["id"]
    assert note["totals"]["tax_inclusive"] == "180.00"
    assert api.post(f"/api/invoices/{note['id']}/issue").status_code == 200
    assert api.get(f"/api/invoices/{body['id']}").json()["credit_note_ids"] == [note["id"]]

    order = make_order()
    both = api.post(f"/api/invoices/down-payment/{order.pk}", json={"percent": "30", "amount": "1"})
    assert both.status_code == 422
    down = api.post(f"/api/invoices/down-payment/{order.pk}", json={"percent": "30"})
    assert down.status_code == 201, down.json()
    assert down.json()["kind"] == "down_payment"
    assert down.json()["totals"]["tax_exclusive"] == "37.50"
