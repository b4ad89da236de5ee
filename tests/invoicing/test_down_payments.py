"""Down-payment invoices (type 386) at the order's rates pro rata, and the
final invoice that deducts them."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from comptoir.core.documents import Kind
from comptoir.invoicing import selectors, services
from comptoir.invoicing.models import Invoice, IssuedDocument
from tests.invoicing.conftest import line

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(make_order):
    # 1000 at 20 % and 200 at 5.5 %: 1200 excl. VAT.
    return make_order(
        lines=[line("Cuisine", price="1000"), line("Livres", price="200", rate="5.5")]
    )


def _document(invoice):
    issued = IssuedDocument.objects.of(invoice.organisation_id).get(invoice=invoice)
    return selectors.snapshot_document(issued)


def test_a_percentage_at_the_orders_rates(actor, order):
    payment = services.down_payment_create(actor=actor, order=order, percent=Decimal("30"))
    lines = {(row.vat_rate, row.unit_price) for row in payment.lines.all()}
    assert lines == {(Decimal("20.00"), Decimal("300.00")), (Decimal("5.50"), Decimal("60.00"))}
    payment = services.invoice_issue(actor=actor, invoice=payment)
    assert payment.number.startswith("FA-")
    assert payment.total_excl_vat == Decimal("360.00")
    assert payment.total_vat == Decimal("60.00") + Decimal("3.30")
    document = _document(payment)
    assert document.kind == Kind.DOWN_PAYMENT and document.type_code == "386"
    assert document.billing_framework == "B1"  # never B4 on a down payment (BR-FR-CO-08)


def test_an_amount_shares_to_the_cent(actor, order):
    payment = services.down_payment_create(actor=actor, order=order, amount=Decimal("100"))
    assert sum(row.unit_price for row in payment.lines.all()) == Decimal("100.00")


def test_never_more_than_the_order(actor, order):
    services.down_payment_create(actor=actor, order=order, percent=Decimal("80"))
    with pytest.raises(ValidationError) as caught:
        services.down_payment_create(actor=actor, order=order, percent=Decimal("30"))
    assert "percent" in caught.value.message_dict


def test_the_final_invoice_deducts_the_down_payments(actor, order):
    payments = [
        services.invoice_issue(
            actor=actor,
            invoice=services.down_payment_create(actor=actor, order=order, percent=p),
        )
        for p in (Decimal("10"), Decimal("20"))
    ]
    lines = order.lines.all()
    partial = services.invoice_from_order(
        actor=actor, order=order, quantities={lines[0].pk: Decimal("0.5")}
    )
    partial = services.invoice_issue(actor=actor, invoice=partial)
    assert partial.payable == partial.total_incl_vat  # not the final one: nothing deducted
    final = services.invoice_issue(
        actor=actor, invoice=services.invoice_from_order(actor=actor, order=order)
    )
    prepaid = sum(p.total_incl_vat for p in payments)
    assert final.payable == final.total_incl_vat - prepaid
    document = _document(final)
    assert document.prepaid == prepaid
    assert [r.number for r in document.preceding] == [p.number for p in payments]
    assert document.billing_framework == "B4"
    for payment in payments:
        stored = Invoice.objects.of(order.organisation_id).get(pk=payment.pk)
        assert stored.deducted_on_id == final.pk


def test_a_down_payment_on_an_accepted_quote_is_deducted_from_its_order(
    world, actor, make_order, make_client
):
    from comptoir.sales.models import Quote, QuoteLine

    client = make_client()
    quote = Quote.objects.create(organisation=world.org_a, party=client, status="draft")
    QuoteLine.objects.create(quote=quote, position=1, **line("Toiture", price="5000"))
    with pytest.raises(ValidationError) as caught:
        services.down_payment_create(actor=actor, quote=quote, percent=Decimal("30"))
    assert "quote" in caught.value.message_dict
    quote.status = "accepted"
    quote.save()
    payment = services.invoice_issue(
        actor=actor,
        invoice=services.down_payment_create(actor=actor, quote=quote, percent=Decimal("30")),
    )
    assert payment.total_excl_vat == Decimal("1500.00")
    order = make_order(party=client, lines=[line("Toiture", price="5000")], quote=quote)
    final = services.invoice_issue(
        actor=actor, invoice=services.invoice_from_order(actor=actor, order=order)
    )
    assert final.payable == Decimal("6000.00") - Decimal("1800.00")
