"""Credit notes: whole or partial, never more than remains creditable,
referring to the invoice they correct."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from comptoir.core.documents import Kind
from comptoir.invoicing import selectors, services
from comptoir.invoicing.models import IssuedDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(actor, make_draft):
    return services.invoice_issue(actor=actor, invoice=make_draft())


def test_a_whole_credit_note(world, actor, invoice):
    note = services.credit_note_create(actor=actor, invoice=invoice)
    note = services.invoice_issue(actor=actor, invoice=note)
    assert note.number.startswith("AV-") and note.number.endswith("00001")
    assert note.total_incl_vat == invoice.total_incl_vat
    document = selectors.snapshot_document(IssuedDocument.objects.of(world.org_a).get(invoice=note))
    assert document.kind == Kind.CREDIT_NOTE and document.type_code == "381"
    assert [r.number for r in document.preceding] == [invoice.number]
    with pytest.raises(ValidationError):
        services.credit_note_create(actor=actor, invoice=invoice)


def test_partial_credit_notes_up_to_what_remains(actor, invoice):
    first, second = invoice.lines.all()  # 1 x 100 and 2.5 x 40
    note = services.credit_note_create(
        actor=actor, invoice=invoice, lines={second.pk: Decimal("1")}
    )
    note = services.invoice_issue(actor=actor, invoice=note)
    assert note.lines.get().credited_line_id == second.pk
    with pytest.raises(ValidationError) as caught:
        services.credit_note_create(actor=actor, invoice=invoice, lines={second.pk: Decimal("2")})
    assert "1.5" in caught.value.message_dict["lines"][0]
    rest = services.credit_note_create(actor=actor, invoice=invoice)
    assert {row.credited_line_id: row.quantity for row in rest.lines.all()} == {
        first.pk: Decimal("1"),
        second.pk: Decimal("1.5"),
    }
    rest = services.invoice_issue(actor=actor, invoice=rest)
    assert rest.total_incl_vat + note.total_incl_vat == invoice.total_incl_vat


def test_issue_rechecks_a_credit_note_changed_as_a_draft(actor, invoice):
    first = invoice.lines.first()
    note = services.credit_note_create(actor=actor, invoice=invoice, lines={first.pk: Decimal("1")})
    services.invoice_line_update(
        actor=actor, invoice=note, line=note.lines.get(), quantity=Decimal("2")
    )
    with pytest.raises(ValidationError) as caught:
        services.invoice_issue(actor=actor, invoice=note)
    assert "lines" in caught.value.message_dict


def test_only_an_issued_invoice_is_credited(actor, make_draft):
    with pytest.raises(ValidationError) as caught:
        services.credit_note_create(actor=actor, invoice=make_draft())
    assert "credited" in caught.value.message_dict
