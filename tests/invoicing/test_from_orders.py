"""Invoices from orders (whole or partial) and from shipped deliveries:
never more than ordered less what is already invoiced."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from comptoir.invoicing import selectors, services
from comptoir.sales.models import DeliveryLine, DeliveryNote, OrderLine
from tests.invoicing.conftest import line

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(make_order):
    return make_order(
        lines=[
            line("Chaises", quantity="10", price="45"),
            line("Tables", quantity="2", price="300"),
        ],
        purchase_order="BC-981",
        charge_amount=Decimal("25"),
        charge_reason="Livraison",
    )


def _quantities(invoice):
    return {row.order_line_id: row.quantity for row in invoice.lines.all()}


def test_all_that_remains(actor, order):
    invoice = services.invoice_from_order(actor=actor, order=order)
    assert _quantities(invoice) == {row.pk: row.quantity for row in order.lines.all()}
    assert invoice.purchase_order == "BC-981" and invoice.charge_amount == Decimal("25")
    with pytest.raises(ValidationError) as caught:
        services.invoice_from_order(actor=actor, order=order)
    assert "quantities" in caught.value.message_dict


def test_partial_invoicing_never_exceeds_the_order(actor, order):
    chairs, tables = order.lines.all()
    first = services.invoice_from_order(
        actor=actor, order=order, quantities={chairs.pk: Decimal("4")}
    )
    assert _quantities(first) == {chairs.pk: Decimal("4")}
    services.invoice_issue(actor=actor, invoice=first)
    with pytest.raises(ValidationError) as caught:
        services.invoice_from_order(actor=actor, order=order, quantities={chairs.pk: Decimal("7")})
    assert "6" in caught.value.message_dict["quantities"][0]
    second = services.invoice_from_order(actor=actor, order=order)
    assert _quantities(second) == {chairs.pk: Decimal("6"), tables.pk: Decimal("2")}
    assert second.charge_amount == 0  # the charges went on the first invoice
    assert selectors.invoiceable_quantities(order) == {chairs.pk: 0, tables.pk: 0}


def test_issue_rechecks_what_drafts_overlap(actor, order):
    """Two drafts may each hold the rest; the second to issue is refused."""
    a = services.invoice_from_order(actor=actor, order=order)
    b = services.invoice_create(
        actor=actor, organisation=order.organisation, party=order.party, lines=[line()]
    )
    chairs = order.lines.first()
    extra = b.lines.first()
    type(extra).objects.filter(pk=extra.pk).update(order_line=chairs)
    services.invoice_issue(actor=actor, invoice=a)
    with pytest.raises(ValidationError) as caught:
        services.invoice_issue(actor=actor, invoice=b)
    assert "lines" in caught.value.message_dict


def test_from_shipped_deliveries(world, actor, order):
    chairs, tables = order.lines.all()
    delivery = DeliveryNote.objects.create(
        organisation=order.organisation, party=order.party, order=order, status="shipped"
    )
    values = {k: getattr(chairs, k) for k in ("name", "unit_price", "vat_category", "vat_rate")}
    DeliveryLine.objects.create(
        delivery=delivery, order_line=chairs, quantity=Decimal("3"), **values
    )
    invoice = services.invoice_from_deliveries(actor=actor, deliveries=[delivery])
    assert _quantities(invoice) == {chairs.pk: Decimal("3")}
    assert invoice.order_id == order.pk
    with pytest.raises(ValidationError):
        draft = DeliveryNote.objects.create(
            organisation=order.organisation, party=order.party, order=order
        )
        services.invoice_from_deliveries(actor=actor, deliveries=[draft])
    assert isinstance(tables, OrderLine)
