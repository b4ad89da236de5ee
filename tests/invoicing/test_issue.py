"""Issuing: numbered, frozen, chained, checked; a failed issue takes no number."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from comptoir.audit.models import AuditEvent
from comptoir.core.documents import Kind
from comptoir.invoicing import selectors, services
from comptoir.invoicing.models import InvoiceStatus, IssuedDocument
from comptoir.sales.models import NumberCounter

pytestmark = pytest.mark.django_db


def test_issue_numbers_freezes_and_totals(world, actor, make_draft):
    draft = make_draft()
    issued = services.invoice_issue(actor=actor, invoice=draft)
    year = timezone.localdate().year
    assert issued.status == InvoiceStatus.ISSUED
    assert issued.number == f"F-{year}-00001"
    # 100 + 2.5 x 40 = 200 excl. VAT, 40 VAT.
    assert (issued.total_excl_vat, issued.total_vat, issued.total_incl_vat, issued.payable) == (
        Decimal("200.00"),
        Decimal("40.00"),
        Decimal("240.00"),
        Decimal("240.00"),
    )
    assert issued.due_date == issued.issue_date + timedelta(days=30)
    snapshot = IssuedDocument.objects.of(world.org_a).get(invoice=issued)
    document = selectors.snapshot_document(snapshot)
    assert document.kind == Kind.INVOICE and document.number == issued.number
    assert snapshot.content_hash == document.content_hash()
    assert document.seller.name == world.org_a.legal_name
    assert document.buyer.siren == issued.party.siren
    assert [n.subject for n in document.notes] == ["PMT", "PMD", "AAB"]
    assert document.billing_framework == "B1"  # lines are goods unless marked services
    assert document.operation == "goods"
    event = AuditEvent.objects.filter(object_type="invoicing.invoice").order_by("-pk").first()
    assert "number" in event.fields and "status" in event.fields


def test_numbers_follow_and_chain(world, actor, make_draft):
    first = services.invoice_issue(actor=actor, invoice=make_draft())
    second = services.invoice_issue(actor=actor, invoice=make_draft())
    assert first.number.endswith("00001") and second.number.endswith("00002")
    a, b = (IssuedDocument.objects.of(world.org_a).get(invoice=i) for i in (first, second))
    assert b.previous_hash == a.chain_hash
    assert a.previous_hash == "0" * 64


def test_the_snapshot_is_encrypted_at_rest(world, actor, make_draft):
    issued = services.invoice_issue(actor=actor, invoice=make_draft())
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT snapshot FROM invoicing_issueddocument")
        (raw,) = cursor.fetchone()
    assert issued.party.company_name.encode() not in bytes(raw)
    assert b"F-" not in bytes(raw)


def test_a_failed_issue_takes_no_number(world, actor, make_draft, make_client):
    services.invoice_issue(actor=actor, invoice=make_draft())
    bad = make_draft(party=make_client(siren="", vat_number=""))
    with pytest.raises(ValidationError) as caught:
        services.invoice_issue(actor=actor, invoice=bad)
    assert "party" in caught.value.message_dict
    counter = NumberCounter.objects.of(world.org_a).get(series="invoice")
    assert counter.last == 1
    bad.refresh_from_db()
    assert bad.status == InvoiceStatus.DRAFT and bad.number == ""
    assert services.invoice_issue(actor=actor, invoice=make_draft()).number.endswith("00002")


def test_a_failure_after_the_number_rolls_it_back(world, actor, make_draft, monkeypatch):
    """Whatever fails after the number is taken (here the snapshot's write)
    rolls the counter back with it."""
    from comptoir.invoicing.services import issue

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(issue, "chain_hash", broken)
    with pytest.raises(RuntimeError):
        services.invoice_issue(actor=actor, invoice=make_draft())
    assert not NumberCounter.objects.of(world.org_a).filter(series="invoice", last__gt=0).exists()
    assert not IssuedDocument.objects.of(world.org_a).exists()
