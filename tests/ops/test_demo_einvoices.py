"""The demo's sales and invoicing: every issued e-invoice of the demo data,
its Factur-X (the CII alone and inside the PDF) and, for a Belgian client,
its UBL, passes the official rules
(``validation.validate``) with no fatal finding; the demo holds quotes of
every outcome, paid, partly paid and overdue invoices, a credit note, a
down payment deducted on its final invoice and a received supplier bill."""

import pytest
from django.core.management import call_command

from comptoir.invoicing.einvoice import cii, files, ubl, validation
from comptoir.invoicing.models import Invoice, InvoiceKind, InvoiceStatus
from comptoir.invoicing.models.bills import SupplierBill
from comptoir.invoicing.selectors import invoice_document
from comptoir.sales.models import DeliveryNote, Order, Product, Quote
from comptoir.tenancy.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("demo", "--if-new", "--seed", "11")
    return list(Organisation.objects.order_by("country"))


def test_the_demo_sells_and_invoices_in_both_organisations(demo):
    for organisation in demo:
        assert Product.objects.of(organisation).count() == 5
        assert set(Quote.objects.of(organisation).values_list("status", flat=True)) == {
            "sent",
            "accepted",
            "refused",
        }
        assert Order.objects.of(organisation).count() == 2
        assert DeliveryNote.objects.of(organisation).filter(status="shipped").count() == 1
        issued = Invoice.objects.of(organisation).filter(status=InvoiceStatus.ISSUED)
        kinds = sorted(issued.values_list("kind", flat=True))
        assert kinds.count(InvoiceKind.CREDIT_NOTE) == 1
        assert kinds.count(InvoiceKind.DOWN_PAYMENT) == 1
        down = issued.get(kind=InvoiceKind.DOWN_PAYMENT)
        assert down.deducted_on is not None and down.deducted_on.is_issued
        assert not Invoice.objects.of(organisation).filter(status=InvoiceStatus.DRAFT).exists()
        assert SupplierBill.objects.of(organisation).count() == 1


def test_every_issued_einvoice_of_the_demo_passes_the_official_rules(demo):
    checked = 0
    for organisation in demo:
        for invoice in Invoice.objects.of(organisation).filter(status=InvoiceStatus.ISSUED):
            document = invoice_document(invoice)
            issued = [("CII", cii.build(document)), ("Factur-X", files.facturx_pdf(invoice))]
            if files.wants_ubl(invoice):  # the UBL is issued to Belgian clients
                issued.append(("UBL", ubl.build(document)))
            for kind, data in issued:
                found = validation.fatal(validation.validate(data))
                assert not found, (invoice.number, kind, [(f.id, f.text) for f in found])
                checked += 1
    assert checked == 6 * 2 + 6 * 3  # French clients: CII, Factur-X; Belgian: and UBL
