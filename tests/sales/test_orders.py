"""Orders: from an accepted quote in one action, or direct; cancelled only
while nothing is delivered or invoiced."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from comptoir.sales import rules, selectors, services
from comptoir.sales.models import Order
from comptoir.sales.models.choices import OrderStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(actor, make_quote):
    def build(organisation=None, **fields):
        quote = make_quote(organisation, purchase_order="PO-4411", discount_percent="5", **fields)
        quote = services.quote_send(actor=actor, quote=quote, issue_date=date(2026, 2, 2))
        return services.quote_accept(actor=actor, quote=quote, on=date(2026, 2, 3))

    return build


def test_an_accepted_quote_becomes_an_order_with_its_lines(world, actor, accepted):
    quote = accepted()
    order = services.order_from_quote(actor=actor, quote=quote)
    assert order.quote == quote and order.party_id == quote.party_id
    assert order.purchase_order == "PO-4411"
    assert order.number.startswith("C-") and order.status == OrderStatus.OPEN
    fields = ("name", "reference", "quantity", "unit", "unit_price", "vat_rate", "product_id")
    assert [tuple(getattr(line, f) for f in fields) for line in order.lines.all()] == [
        tuple(getattr(line, f) for f in fields) for line in quote.lines.all()
    ]
    assert rules.totals_of(order) == rules.totals_of(quote)
    assert list(quote.orders.all()) == [order]


def test_the_client_reference_may_be_given_when_ordering(world, actor, accepted):
    order = services.order_from_quote(actor=actor, quote=accepted(), purchase_order="BC 2026/9")
    assert order.purchase_order == "BC 2026/9"


def test_only_an_accepted_quote_and_only_once(world, actor, make_quote, accepted):
    with pytest.raises(ValidationError):
        services.order_from_quote(actor=actor, quote=make_quote())
    quote = accepted()
    services.order_from_quote(actor=actor, quote=quote)
    with pytest.raises(ValidationError):
        services.order_from_quote(actor=actor, quote=quote)
    assert Order.objects.of(world.org_a).count() == 1


def test_a_direct_order_is_numbered_with_its_lines(world, actor, make_client, make_product):
    product = make_product(unit_price="8")
    order = services.order_create(
        actor=actor,
        organisation=world.org_a,
        party=make_client(),
        purchase_order="PO-1",
        lines=[{"product": product, "quantity": "10"}],
    )
    assert order.quote is None and order.number == f"C-{date.today().year}-00001"
    assert rules.totals_of(order).tax_exclusive == Decimal("80.00")
    with pytest.raises(ValidationError) as caught:
        services.order_create(actor=actor, organisation=world.org_a, party=make_client(), lines=[])
    assert "lines" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.order_create(
            actor=actor,
            organisation=world.org_a,
            party=make_client(),
            lines=[{"name": "x", "quantity": "1", "unit_price": "1", "vat_rate": "19"}],
        )
    assert "lines.0.vat_rate" in caught.value.message_dict
    assert Order.objects.of(world.org_a).count() == 1


def test_cancel_only_while_nothing_is_delivered(world, actor, accepted):
    order = services.order_from_quote(actor=actor, quote=accepted())
    cancelled = services.order_cancel(actor=actor, order=order)
    assert cancelled.status == OrderStatus.CANCELLED
    with pytest.raises(ValidationError):
        services.order_cancel(actor=actor, order=order)
    with pytest.raises(ValidationError):
        services.delivery_from_order(actor=actor, order=order)
    other = services.order_from_quote(actor=actor, quote=accepted())
    services.delivery_from_order(actor=actor, order=other)
    with pytest.raises(ValidationError) as caught:
        services.order_cancel(actor=actor, order=other)
    assert caught.value.code == "delivered"
    assert Order.objects.of(world.org_a).get(pk=other.pk).status == OrderStatus.OPEN


def test_cancel_is_refused_once_invoiced(world, actor, accepted):
    from comptoir.invoicing.models import Invoice, InvoiceLine

    order = services.order_from_quote(actor=actor, quote=accepted())
    line = order.lines.first()
    invoice = Invoice.objects.create(organisation=world.org_a, party=order.party, order=order)
    InvoiceLine.objects.create(
        invoice=invoice,
        order_line=line,
        name=line.name,
        quantity=Decimal("1"),
        unit_price=line.unit_price,
        vat_rate=line.vat_rate,
    )
    with pytest.raises(ValidationError) as caught:
        services.order_cancel(actor=actor, order=order)
    assert caught.value.code == "invoiced"
    progress = selectors.order_progress(order)
    assert [p.invoiced for p in progress] == [Decimal("1"), Decimal("0")]
