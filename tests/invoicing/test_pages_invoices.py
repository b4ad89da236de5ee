"""The invoice pages: list, detail, draft form, lines (htmx), issue, credit
note, download, sending; amounts hidden from support; French by default."""

import pytest

from comptoir.invoicing import services
from comptoir.invoicing.models import Invoice, InvoiceStatus

pytestmark = pytest.mark.django_db


def _fresh(invoice) -> Invoice:
    return Invoice.across_organisations.get(pk=invoice.pk)


def test_a_draft_is_made_filled_and_issued_from_the_pages(ui_as, make_client):
    client = make_client()
    ui = ui_as("sales")
    response = ui.post(
        "/invoicing/invoices/new/",
        {"party": client.pk, "discount_percent": "0", "charge_amount": "0"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    invoice = Invoice.objects.of(client.organisation).get()
    detail = f"/invoicing/invoices/{invoice.pk}/"
    added = ui.post(
        f"{detail}lines/",
        {
            "name": "Étagère",
            "quantity": "3",
            "unit": "C62",
            "unit_price": "40",
            "vat_category": "S",
            "vat_rate": "20",
        },
        headers={"HX-Request": "true"},
    )
    assert added.status_code == 200
    assert "Étagère" in added.content.decode() and "144,00" in added.content.decode()
    bad = ui.post(
        f"{detail}lines/",
        {
            "name": "X",
            "quantity": "1",
            "unit": "C62",
            "unit_price": "1",
            "vat_category": "S",
            "vat_rate": "7",
        },
        headers={"HX-Request": "true"},
    )
    assert "form-errors" in bad.content.decode()
    assert invoice.lines.count() == 1

    page = ui.get(detail).content.decode()
    assert "Émettre" in page and "hx-confirm" in page
    assert ui.post(f"{detail}issue/").status_code == 302
    invoice = _fresh(invoice)
    assert invoice.status == InvoiceStatus.ISSUED
    page = ui.get(detail).content.decode()
    assert invoice.number in page and "download-pdf" in page and "issue/" not in page
    pdf = ui.get(f"{detail}file/facturx/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    # Issued: the edit page and every write answer without changing it.
    ui.post(f"{detail}delete/")
    ui.post(
        f"{detail}lines/",
        {
            "name": "Y",
            "quantity": "1",
            "unit": "C62",
            "unit_price": "1",
            "vat_category": "S",
            "vat_rate": "20",
        },
    )
    ui.post(f"{detail}edit/", {"party": client.pk, "notes": "changed"})
    assert _fresh(invoice).notes == "" and invoice.lines.count() == 1

    made = ui.post(f"{detail}credit/")
    note = Invoice.objects.of(client.organisation).get(kind="credit_note")
    assert made["Location"] == f"/invoicing/invoices/{note.pk}/"


def test_the_list_shows_figures_to_sales_and_none_to_support(ui_as, make_draft):
    draft = make_draft()
    listed = ui_as("sales").get("/invoicing/invoices/").content.decode()
    assert "Factures" in listed and "TTC" in listed
    support = ui_as("support")
    listed = support.get("/invoicing/invoices/").content.decode()
    assert str(draft.party.display_name) in listed and "TTC" not in listed
    assert support.get(f"/invoicing/invoices/{draft.pk}/").status_code == 200
    assert support.post(f"/invoicing/invoices/{draft.pk}/issue/").status_code == 403


def test_an_invoice_is_made_from_an_order(ui_as, make_order):
    order = make_order()
    response = ui_as("sales").post(f"/invoicing/invoices/from-order/{order.pk}/")
    invoice = Invoice.objects.of(order.organisation).get()
    assert response["Location"] == f"/invoicing/invoices/{invoice.pk}/"
    assert invoice.order_id == order.pk and invoice.lines.get().quantity == 10


def test_the_pages_speak_english_too(ui_as, make_draft):
    draft = make_draft()
    ui = ui_as("sales")
    ui.cookies["django_language"] = "en"
    page = ui.get(f"/invoicing/invoices/{draft.pk}/", headers={"Accept-Language": "en"})
    assert "Issue" in page.content.decode()


def test_the_list_shows_paid_and_overdue(ui_as, actor, make_draft):
    from datetime import timedelta

    from django.utils import timezone

    from comptoir.invoicing.services.payments import payment_record

    today = timezone.localdate()
    late = make_draft(issue_date=today - timedelta(days=40), due_date=today - timedelta(days=10))
    late = services.invoice_issue(actor=actor, invoice=late)
    paid = services.invoice_issue(actor=actor, invoice=make_draft())
    payment_record(
        actor=actor,
        party=paid.party,
        amount=paid.total_incl_vat,
        method="transfer",
        received_on=today,
        allocations=[(paid, paid.total_incl_vat)],
    )
    listed = ui_as("accountant").get("/invoicing/invoices/").content.decode()
    assert 'class="settlement overdue"' in listed and 'class="settlement paid"' in listed
