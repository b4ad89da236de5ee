"""The PDF of a quote, an order and a delivery note: downloaded from its page
and from the API, with its number and totals in it, journalled as a read."""

import io

import pytest
from pypdf import PdfReader

from comptoir.audit.models import Action, AuditEvent
from comptoir.sales import services

pytestmark = pytest.mark.django_db


def _text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def documents(world, actor, make_quote):
    quote = services.quote_send(actor=actor, quote=make_quote(purchase_order="PO-PDF-1"))
    quote = services.quote_accept(actor=actor, quote=quote)
    order = services.order_from_quote(actor=actor, quote=quote)
    note = services.delivery_ship(
        actor=actor, delivery=services.delivery_from_order(actor=actor, order=order)
    )
    return quote, order, note


def test_each_document_downloads_from_its_page(world, ui_as, documents):
    quote, order, note = documents
    ui = ui_as("accountant")  # sales.view is enough
    for url, document in (
        (f"/sales/quotes/{quote.pk}/pdf/", quote),
        (f"/sales/orders/{order.pk}/pdf/", order),
        (f"/sales/deliveries/{note.pk}/pdf/", note),
    ):
        response = ui.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert f'filename="{document.number.lower()}.pdf"' in response["Content-Disposition"]
        text = _text(response.content)
        assert document.number in text and "PO-PDF-1" in text
    # 3 x 100 + 2 x 45 = 390 excl. VAT, 468 incl. VAT.
    assert "468,00" in _text(ui.get(f"/sales/quotes/{quote.pk}/pdf/").content)
    reads = AuditEvent.objects.filter(action=Action.READ, object_type="sales.quote")
    assert reads.filter(object_id=str(quote.pk)).exists()
    assert ui_as("support").get(f"/sales/quotes/{quote.pk}/pdf/").status_code == 403


def test_each_document_downloads_from_the_api(world, api_as, documents):
    quote, order, note = documents
    api = api_as("sales")
    for path, document in (
        (f"/api/quotes/{quote.pk}/pdf", quote),
        (f"/api/orders/{order.pk}/pdf", order),
        (f"/api/deliveries/{note.pk}/pdf", note),
    ):
        response = api.get(path)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert document.number in _text(response.content)
    other = api_as("owner", organisation=world.org_b)
    assert other.get(f"/api/quotes/{quote.pk}/pdf").status_code == 404
    assert api_as("support").get(f"/api/quotes/{quote.pk}/pdf").status_code == 403
    assert AuditEvent.objects.filter(
        action=Action.READ, object_type="sales.deliverynote", object_id=str(note.pk)
    ).exists()
