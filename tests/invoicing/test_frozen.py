"""After issue nothing changes an invoice, its lines or its snapshot: every
service refuses with a field-level message, and below them the models refuse
saves, deletes and queryset updates and deletes."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from comptoir.invoicing import services
from comptoir.invoicing.models import FrozenDocument, Invoice, InvoiceLine, IssuedDocument
from tests.invoicing.conftest import line

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(actor, make_draft):
    return services.invoice_issue(actor=actor, invoice=make_draft())


def _as_stored(invoice):
    return Invoice.objects.of(invoice.organisation_id).get(pk=invoice.pk)


@pytest.mark.parametrize(
    "call",
    [
        lambda a, i: services.invoice_update(actor=a, invoice=i, purchase_order="X"),
        lambda a, i: services.invoice_line_add(actor=a, invoice=i, **line()),
        lambda a, i: services.invoice_line_update(
            actor=a, invoice=i, line=i.lines.first(), quantity=Decimal("9")
        ),
        lambda a, i: services.invoice_line_remove(actor=a, invoice=i, line=i.lines.first()),
        lambda a, i: services.invoice_delete(actor=a, invoice=i),
        lambda a, i: services.invoice_issue(actor=a, invoice=i),
    ],
    ids=["update", "line_add", "line_update", "line_remove", "delete", "issue_again"],
)
def test_every_service_refuses_an_issued_invoice(actor, issued, call):
    before = issued.lines.count()
    with pytest.raises(ValidationError) as caught:
        call(actor, issued)
    assert caught.value.message_dict["status"]
    stored = _as_stored(issued)
    assert stored.purchase_order == issued.purchase_order
    assert stored.lines.count() == before


def test_the_models_refuse_saves_and_deletes(issued):
    stored = _as_stored(issued)
    stored.notes = "changed"
    with pytest.raises(FrozenDocument):
        stored.save()
    with pytest.raises(FrozenDocument):
        stored.delete()
    first = stored.lines.first()
    first.quantity = Decimal("99")
    with pytest.raises(FrozenDocument):
        first.save()
    with pytest.raises(FrozenDocument):
        first.delete()
    with pytest.raises(FrozenDocument):
        InvoiceLine(invoice=stored, **line()).save()


def test_querysets_refuse_updates_and_deletes(issued):
    rows = Invoice.objects.of(issued.organisation_id)
    with pytest.raises(FrozenDocument):
        rows.update(notes="changed")
    with pytest.raises(FrozenDocument):
        rows.filter(pk=issued.pk).delete()
    with pytest.raises(FrozenDocument):
        InvoiceLine.objects.filter(invoice=issued).update(quantity=Decimal("0"))
    with pytest.raises(FrozenDocument):
        issued.lines.all().delete()
    assert _as_stored(issued).lines.count() == 2


def test_the_snapshot_refuses_every_change(issued):
    snapshot = IssuedDocument.objects.of(issued.organisation_id).get(invoice=issued)
    with pytest.raises(FrozenDocument):
        snapshot.save()
    with pytest.raises(FrozenDocument):
        snapshot.delete()
    rows = IssuedDocument.objects.of(issued.organisation_id)
    with pytest.raises(FrozenDocument):
        rows.update(number="F-0000")
    with pytest.raises(FrozenDocument):
        rows.delete()


def test_a_draft_still_changes(actor, make_draft):
    draft = make_draft()
    Invoice.objects.of(draft.organisation_id).filter(pk=draft.pk).update(notes="ok")
    draft.lines.first().delete()
    assert draft.lines.count() == 1
