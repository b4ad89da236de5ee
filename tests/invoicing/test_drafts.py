"""Draft invoices: created from fields and lines, changed, their lines
added, changed and removed, deleted; each journalled once; bad input refused
by field."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from comptoir.audit.models import AuditEvent
from comptoir.invoicing import services
from comptoir.invoicing.models import Invoice, InvoiceLine
from comptoir.sales.models import Product
from tests.invoicing.conftest import line

pytestmark = pytest.mark.django_db


def _last_event():
    return AuditEvent.objects.order_by("-pk").first()


def test_create_with_lines_journals_once(world, actor, make_client):
    client = make_client()
    before = AuditEvent.objects.count()
    invoice = services.invoice_create(
        actor=actor,
        organisation=world.org_a,
        party=client,
        purchase_order="PO-77",
        discount_percent=Decimal("5"),
        lines=[line(quantity="3", price="19.99")],
    )
    assert AuditEvent.objects.count() == before + 1
    event = _last_event()
    assert event.object_type == "invoicing.invoice" and event.action == "create"
    assert {"party", "purchase_order", "lines"} <= set(event.fields)
    assert invoice.status == "draft" and invoice.number == ""
    assert invoice.lines.get().quantity == Decimal("3")


def test_a_product_fills_the_line(world, actor, make_client):
    product = Product.objects.create(
        organisation=world.org_a,
        reference="SV-1",
        name="Audit de sécurité",
        is_service=True,
        unit="DAY",
        unit_price=Decimal("650"),
        vat_rate=Decimal("20"),
    )
    invoice = services.invoice_create(
        actor=actor,
        organisation=world.org_a,
        party=make_client(),
        lines=[{"product": product, "quantity": Decimal("2")}],
    )
    made = invoice.lines.get()
    assert (made.name, made.unit_price, made.unit, made.is_service) == (
        "Audit de sécurité",
        Decimal("650"),
        "DAY",
        True,
    )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"vat_category": "S", "vat_rate": Decimal("7")}, "vat_rate"),
        ({"vat_category": "K", "vat_rate": Decimal("20")}, "vat_rate"),
        ({"quantity": Decimal("-1")}, "quantity"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_lines_are_refused_by_field(world, actor, make_client, values, field):
    client = make_client()
    with pytest.raises(ValidationError) as caught:
        services.invoice_create(
            actor=actor, organisation=world.org_a, party=client, lines=[{**line(), **values}]
        )
    assert any(field in message for message in caught.value.message_dict["lines.0"])
    assert not Invoice.objects.of(world.org_a).exists()


def test_a_client_of_another_organisation_is_refused(world, actor, make_client):
    other = make_client(world.org_b)
    with pytest.raises(ValidationError) as caught:
        services.invoice_create(actor=actor, organisation=world.org_a, party=other, lines=[line()])
    assert "party" in caught.value.message_dict


def test_update_and_lines(world, actor, make_draft):
    invoice = make_draft()
    services.invoice_update(actor=actor, invoice=invoice, purchase_order="BC-2026-12")
    assert _last_event().fields == ["purchase_order"]
    added = services.invoice_line_add(actor=actor, invoice=invoice, **line(quantity="4"))
    assert added.position == 3
    assert _last_event().object_type == "invoicing.invoiceline"
    services.invoice_line_update(actor=actor, invoice=invoice, line=added, quantity=Decimal("5"))
    added.refresh_from_db()
    assert added.quantity == Decimal("5") and _last_event().fields == ["quantity"]
    services.invoice_line_remove(actor=actor, invoice=invoice, line=added.pk)
    assert not InvoiceLine.objects.filter(pk=added.pk).exists()
    assert _last_event().action == "delete"


def test_delete_a_draft(world, actor, make_draft):
    invoice = make_draft()
    services.invoice_delete(actor=actor, invoice=invoice)
    assert not Invoice.objects.of(world.org_a).filter(pk=invoice.pk).exists()
    assert _last_event().action == "delete"
