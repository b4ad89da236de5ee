"""Invoices issued through the invoicing services: the e-invoice of their
frozen snapshot passes the official rules, French CTC rules included."""

from decimal import Decimal

import pytest

from comptoir.invoicing import selectors, services
from comptoir.invoicing.einvoice import cii, ubl, validation
from comptoir.invoicing.models import IssuedDocument
from tests.invoicing.conftest import line

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not validation.available(), reason="e-invoice rules missing"),
]


def _snapshot(invoice):
    issued = IssuedDocument.objects.of(invoice.organisation_id).get(invoice=invoice)
    return selectors.snapshot_document(issued)


def _fatal(data: bytes, **kwargs) -> list[tuple[str, str]]:
    return [(f.id, f.text[:200]) for f in validation.fatal(validation.validate(data, **kwargs))]


def test_an_issued_french_b2b_invoice_passes_the_french_rules(actor, make_draft):
    issued = services.invoice_issue(actor=actor, invoice=make_draft())
    document = _snapshot(issued)
    assert document.seller.country == document.buyer.country == "FR"
    assert _fatal(cii.build(document)) == []


def test_a_down_payment_its_final_invoice_and_a_credit_note_pass_the_french_rules(
    actor, make_order
):
    order = make_order(
        lines=[line("Cuisine", price="1000"), line("Livres", price="200", rate="5.5")]
    )
    payment = services.invoice_issue(
        actor=actor,
        invoice=services.down_payment_create(actor=actor, order=order, percent=Decimal("30")),
    )
    final = services.invoice_issue(
        actor=actor, invoice=services.invoice_from_order(actor=actor, order=order)
    )
    credit = services.invoice_issue(
        actor=actor, invoice=services.credit_note_create(actor=actor, invoice=final)
    )
    for invoice in (payment, final, credit):
        document = _snapshot(invoice)
        assert _fatal(cii.build(document)) == [], document.type_code


def test_an_issued_belgian_invoice_passes_peppol(world, actor, make_draft):
    issued = services.invoice_issue(actor=actor, invoice=make_draft(world.org_b))
    document = _snapshot(issued)
    assert document.seller.country == document.buyer.country == "BE"
    assert _fatal(ubl.build(document)) == []
    assert _fatal(cii.build(document)) == []


def test_an_issued_b2c_invoice_passes_en16931_outside_the_french_ctc(
    actor, make_person, make_draft
):
    # A sale to a consumer is e-reported, not e-invoiced: the French CTC rules
    # are not its rules (it carries no PMT/PMD/AAB notes, which are B2B).
    issued = services.invoice_issue(actor=actor, invoice=make_draft(party=make_person()))
    document = _snapshot(issued)
    assert not document.buyer.is_business
    assert _fatal(cii.build(document), french=False) == []
