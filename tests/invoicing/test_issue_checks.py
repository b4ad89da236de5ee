"""What issue refuses, each with a message on the field to correct, and the
legal mentions and references it adds."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from comptoir.audit.services import Actor
from comptoir.core import payment_reference
from comptoir.invoicing import mentions, selectors, services
from comptoir.invoicing.models import InvoiceStatus, IssuedDocument
from comptoir.sales import printing
from tests.invoicing.conftest import line

pytestmark = pytest.mark.django_db


def _refused(actor, invoice, field, code=None):
    with pytest.raises(ValidationError) as caught:
        services.invoice_issue(actor=actor, invoice=invoice)
    errors = caught.value.error_dict
    assert field in errors, errors
    if code:
        assert code in {e.code for e in errors[field]}
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.DRAFT and invoice.number == ""


def _document(invoice):
    issued = IssuedDocument.objects.of(invoice.organisation_id).get(invoice=invoice)
    return selectors.snapshot_document(issued)


def test_a_french_business_without_siren(actor, make_draft, make_client):
    _refused(actor, make_draft(party=make_client(siren="", vat_number="")), "party", "siren")


def test_an_empty_invoice(actor, make_draft):
    _refused(actor, make_draft(lines=[]), "lines", "empty")


def test_intra_eu_needs_both_vat_numbers(actor, make_draft, make_client):
    german = make_client(country="FR", siren="", vat_number="", billing_country="DE")
    k = [line(category="K", rate="0")]
    _refused(actor, make_draft(party=german, lines=k), "party", "buyer_vat")
    german_vat = make_client(siren="", vat_number="", billing_country="DE")
    german_vat.vat_number = "DE123456789"
    german_vat.save()
    assert services.invoice_issue(actor=actor, invoice=make_draft(party=german_vat, lines=k))


def test_intra_eu_goes_to_another_eu_country(actor, make_draft, make_client):
    k = [line(category="K", rate="0")]
    _refused(actor, make_draft(party=make_client(), lines=k), "party", "intra_eu")


def test_reverse_charge_needs_the_sellers_vat_number(world, actor, make_draft, make_client):
    world.org_a.vat_number = ""
    world.org_a.save()
    _refused(actor, make_draft(lines=[line(category="AE", rate="0")]), "lines", "seller_vat")


def test_export_goes_outside_the_eu(actor, make_draft, make_client):
    g = [line(category="G", rate="0")]
    _refused(actor, make_draft(lines=g), "party", "export")
    swiss = make_client(siren="", vat_number="", billing_country="CH")
    assert services.invoice_issue(actor=actor, invoice=make_draft(party=swiss, lines=g))


def test_the_franchise_issues_only_exempt_lines(world, actor, make_draft):
    settings = printing.settings_of(world.org_a)
    settings.vat_franchise = True
    settings.save()
    _refused(actor, make_draft(), "lines", "franchise")
    issued = services.invoice_issue(
        actor=actor, invoice=make_draft(lines=[line(category="E", rate="0")])
    )
    assert issued.total_vat == 0


def test_no_future_date_and_dates_follow_numbers(actor, make_draft):
    today = timezone.localdate()
    _refused(actor, make_draft(issue_date=today + timedelta(days=1)), "issue_date", "future")
    services.invoice_issue(actor=actor, invoice=make_draft(issue_date=today))
    if today.day > 1:
        _refused(
            actor, make_draft(issue_date=today - timedelta(days=1)), "issue_date", "chronology"
        )


def test_b2b_mentions_and_b2c_none(world, actor, make_draft, make_person):
    settings = printing.settings_of(world.org_a)
    settings.vat_on_debits = True
    settings.early_payment_discount = "2 % d'escompte pour paiement sous 8 jours"
    settings.save()
    b2b = _document(services.invoice_issue(actor=actor, invoice=make_draft()))
    subjects = {n.subject: n.text for n in b2b.notes}
    assert "40,00 EUR" in subjects["PMT"] and "L441-10" in subjects["PMT"]
    assert "12,15 %" in subjects["PMD"]
    assert subjects["AAB"].startswith("2 % d'escompte")
    assert subjects["TXD"] == mentions.VAT_ON_DEBITS and b2b.vat_on_debits
    b2c = _document(services.invoice_issue(actor=actor, invoice=make_draft(party=make_person())))
    assert [n.subject for n in b2c.notes] == ["TXD"]
    assert not b2c.buyer.is_business


def test_a_belgian_seller(world, make_client):
    actor = Actor.user(world.owner_b.pk)
    draft = services.invoice_create(
        actor=actor,
        organisation=world.org_b,
        party=make_client(world.org_b),
        lines=[line(rate="21", is_service=True)],
        notes="Merci pour votre confiance.",
    )
    issued = services.invoice_issue(actor=actor, invoice=draft)
    assert payment_reference.is_valid(issued.payment_reference)
    document = _document(issued)
    assert document.payment.reference == issued.payment_reference
    notes = {n.subject: n.text for n in document.notes}
    assert "2 août 2002" in notes["PMT"] and "10,50 %" in notes["PMD"]
    assert notes["AAB"] == mentions.NO_DISCOUNT
    assert document.notes[0].text == "Merci pour votre confiance."
    assert document.billing_framework == "S1" and document.operation == "services"


def test_mixed_operation_and_framework():
    from comptoir.core.documents import Kind, Line

    goods = Line(quantity=Decimal(1), unit_price=Decimal(1), vat_category="S", vat_rate=Decimal(20))
    service = Line(**{**goods.__dict__, "is_service": True})
    assert mentions.operation([goods, service]) == "mixed"
    assert (
        mentions.billing_framework(
            Kind.INVOICE, mentions.operation([goods, service]), after_down_payments=True
        )
        == "M4"
    )
    assert (
        mentions.billing_framework(
            Kind.CREDIT_NOTE, mentions.operation([service]), after_down_payments=True
        )
        == "S1"
    )


def test_out_of_scope_lines_are_invoiced_alone(actor, make_draft):
    """EN 16931 BR-O-11: an invoice with a category O line has no other category."""
    mixed = [line(category="O", rate="0"), line()]
    _refused(actor, make_draft(lines=mixed), "lines", "out_of_scope_mixed")
    alone = make_draft(lines=[line(category="O", rate="0")])
    assert services.invoice_issue(actor=actor, invoice=alone).total_vat == 0
