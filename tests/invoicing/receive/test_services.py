"""Receiving supplier bills through the service: matching, duplicates, the
unknown supplier's confirmation, findings, the original kept byte for byte."""

import hashlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from comptoir.audit.models import Action, AuditEvent
from comptoir.invoicing import selectors_bills
from comptoir.invoicing.models import BillKind, SupplierBill
from comptoir.invoicing.services.bills import bill_receive
from comptoir.parties.models import Party
from tests.invoicing.receive.conftest import (
    FRENCH,
    belgian_cii,
    example,
    french_cii,
    new_enterprise_number,
    new_siren,
    supplier,
    vat_of,
)
from tests.invoicing.receive.files import facturx_pdf

pytestmark = pytest.mark.django_db


def _refusal(excinfo) -> str:
    return " ".join(excinfo.value.message_dict["file"])


def test_a_known_supplier_s_invoice_becomes_a_bill(actor, organisation):
    party = supplier(actor, organisation, siren="900000001")
    data = example(FRENCH)
    receipt = bill_receive(actor=actor, organisation=organisation, data=data)
    bill = receipt.bill
    assert not receipt.pending and receipt.supplier == party and not receipt.supplier_created
    assert (bill.supplier, bill.number, bill.kind) == (party, "F-2026-00042", BillKind.INVOICE)
    assert (bill.total_excl_vat, bill.total_vat, bill.total_incl_vat, bill.payable) == (
        Decimal("1200.00"),
        Decimal("240.00"),
        Decimal("1440.00"),
        Decimal("1440.00"),
    )
    assert (bill.syntax, bill.type_code, bill.currency) == ("cii", "380", "EUR")
    assert bill.content_type == "application/xml"
    assert not bill.has_fatal
    assert bill.received_by_id == actor.user_id
    # The original, byte for byte, under a generated name, with its hash.
    assert selectors_bills.bill_original(bill=bill) == data
    assert bill.file_sha256 == hashlib.sha256(data).hexdigest() and bill.file_size == len(data)
    assert "F-2026" not in bill.file_name and bill.file_name.startswith("supplier-bills/")
    event = AuditEvent.objects.filter(object_type="invoicing.supplierbill").get()
    assert (event.action, event.object_id) == (Action.CREATE, str(bill.pk))


def test_a_facturx_pdf_is_kept_as_sent(actor, organisation):
    supplier(actor, organisation, siren="900000001")
    pdf = facturx_pdf(example(FRENCH))
    bill = bill_receive(actor=actor, organisation=organisation, data=pdf).bill
    assert bill.content_type == "application/pdf" and bill.file_name.endswith(".pdf")
    assert selectors_bills.bill_original(bill=bill) == pdf
    assert bill.file_sha256 == hashlib.sha256(pdf).hexdigest()
    assert bill.payable == Decimal("1440.00")


@pytest.mark.parametrize("identifier", ["siren", "vat_number", "enterprise_number"])
def test_the_supplier_is_found_by_each_identifier(actor, organisation, identifier):
    if identifier == "enterprise_number":
        number = new_enterprise_number()
        party = supplier(actor, organisation, country="BE", enterprise_number=number)
        data = belgian_cii(enterprise_number=number)
    elif identifier == "siren":
        siren = new_siren()
        party = supplier(actor, organisation, siren=siren)
        data = french_cii(siren=siren, vat="")
    else:
        siren = new_siren()
        party = supplier(actor, organisation, vat_number=vat_of(siren))
        # The file gives only its VAT number (no SIREN, no directory address).
        data = french_cii(siren="", vat=vat_of(siren))
    others = Party.objects.of(organisation).count()
    receipt = bill_receive(actor=actor, organisation=organisation, data=data)
    assert receipt.supplier == party and receipt.bill.supplier == party
    assert Party.objects.of(organisation).count() == others


def test_the_same_number_from_the_same_supplier_is_refused(actor, organisation):
    supplier(actor, organisation, siren="900000001")
    first = bill_receive(actor=actor, organisation=organisation, data=example(FRENCH)).bill
    with pytest.raises(ValidationError) as excinfo:
        bill_receive(actor=actor, organisation=organisation, data=facturx_pdf(example(FRENCH)))
    assert f"already received (bill #{first.pk})" in _refusal(excinfo)
    assert SupplierBill.objects.of(organisation).count() == 1
    # Another number of the same supplier is another bill.
    bill_receive(actor=actor, organisation=organisation, data=french_cii(number="F-2026-00043"))
    assert SupplierBill.objects.of(organisation).count() == 2


def test_an_unknown_supplier_waits_for_confirmation(actor, organisation):
    siren = new_siren()
    data = french_cii(siren=siren, vat=vat_of(siren), name="Menuiserie Confirmée SAS")
    parties = Party.objects.of(organisation).count()
    receipt = bill_receive(actor=actor, organisation=organisation, data=data)
    assert receipt.pending and receipt.bill is None and receipt.supplier is None
    assert receipt.seller.siren == siren and receipt.seller.name == "Menuiserie Confirmée SAS"
    assert Party.objects.of(organisation).count() == parties
    assert not SupplierBill.objects.of(organisation).exists()
    assert not AuditEvent.objects.filter(object_type="invoicing.supplierbill").exists()

    confirmed = bill_receive(
        actor=actor, organisation=organisation, data=data, create_supplier=True
    )
    party = confirmed.supplier
    assert confirmed.supplier_created and confirmed.bill.supplier == party
    assert (party.kind, party.is_supplier, party.is_prospect) == ("company", True, False)
    assert (party.siren, party.vat_number, party.company_name) == (
        siren,
        vat_of(siren),
        "Menuiserie Confirmée SAS",
    )
    assert (party.billing_city, party.billing_postal_code) == ("Paris", "75011")
    types = list(AuditEvent.objects.order_by("pk").values_list("object_type", "action"))[-2:]
    assert types == [("parties.party", Action.CREATE), ("invoicing.supplierbill", Action.CREATE)]
    # Sent again: the supplier is now known, the number already received.
    with pytest.raises(ValidationError, match="already received"):
        bill_receive(actor=actor, organisation=organisation, data=data, create_supplier=True)
    assert Party.objects.of(organisation).count() == parties + 1


def test_a_supplier_outside_france_and_belgium_is_not_created(actor, organisation):
    data = example("peppol-ubl-valid.xml")
    assert bill_receive(actor=actor, organisation=organisation, data=data).pending
    with pytest.raises(ValidationError) as excinfo:
        bill_receive(actor=actor, organisation=organisation, data=data, create_supplier=True)
    assert "French and Belgian suppliers only" in _refusal(excinfo) and "GB" in _refusal(excinfo)
    assert not SupplierBill.objects.of(organisation).exists()


@pytest.mark.parametrize("name", ["peppol-ubl-valid.xml", "peppol-ubl-creditnote-valid.xml"])
def test_the_peppol_examples_are_received_from_a_known_supplier(actor, organisation, name):
    # The examples' supplier is British: a party with its (French) VAT number stands in.
    siren = new_siren()
    party = supplier(actor, organisation, vat_number=vat_of(siren))
    data = example(name).replace(b"GB1232434", vat_of(siren).encode())
    bill = bill_receive(actor=actor, organisation=organisation, data=data).bill
    assert bill.supplier == party and bill.number == "Snippet1" and bill.syntax == "ubl"
    assert bill.kind == (BillKind.CREDIT_NOTE if "creditnote" in name else BillKind.INVOICE)
    assert (bill.total_excl_vat, bill.total_vat, bill.payable) == (
        Decimal("1325.00"),
        Decimal("331.25"),
        Decimal("1656.25"),
    )


def test_the_cii_example_is_received_from_a_known_supplier(actor, organisation):
    siren = new_siren()
    party = supplier(actor, organisation, vat_number=vat_of(siren))
    data = example("cii-valid.xml").replace(b"NL8200.98.395.B.01", vat_of(siren).encode())
    bill = bill_receive(actor=actor, organisation=organisation, data=data).bill
    assert (bill.supplier, bill.number, bill.payable) == (party, "12115118", Decimal("250.33"))


def test_an_altered_file_is_kept_with_its_fatal_findings(actor, organisation):
    supplier(actor, organisation, siren="900000001")
    data = french_cii(total="1500.00")  # no longer the sum of its parts
    bill = bill_receive(actor=actor, organisation=organisation, data=data).bill
    assert bill.has_fatal
    assert any(f["flag"] == "fatal" and f["id"] == "BR-CO-15" for f in bill.findings)
    assert {"rules", "id", "flag", "text"} <= set(bill.findings[0])
    assert selectors_bills.bill_original(bill=bill) == data


def test_an_invoice_addressed_to_another_company_is_refused(actor, organisation):
    supplier(actor, organisation, siren="900000001")
    data = example(FRENCH).replace(b"912345675", new_siren().encode())
    with pytest.raises(ValidationError, match="addressed to another company"):
        bill_receive(actor=actor, organisation=organisation, data=data)
    assert not SupplierBill.objects.of(organisation).exists()


def test_a_bill_stays_in_its_organisation(world, actor, organisation):
    party = supplier(actor, organisation, siren="900000001")
    bill = bill_receive(actor=actor, organisation=organisation, data=example(FRENCH)).bill
    # Organisation B does not know the supplier: its own party is created, never A's used.
    other = bill_receive(
        actor=actor, organisation=world.org_b, data=example(FRENCH), create_supplier=True
    )
    assert other.supplier != party and other.supplier.organisation == world.org_b
    assert list(selectors_bills.bill_list(organisation=world.org_b)) == [other.bill]
    with pytest.raises(SupplierBill.DoesNotExist):
        selectors_bills.bill_get(organisation=world.org_b, bill_id=bill.pk)


@pytest.mark.parametrize("data", [b"", b"<a>", b"%PDF-1.4 nothing", b"\xff\xfe\x00"])
def test_an_unreadable_file_stores_nothing(actor, organisation, storage, data):
    with pytest.raises(ValidationError) as excinfo:
        bill_receive(actor=actor, organisation=organisation, data=data)
    assert _refusal(excinfo)
    assert not SupplierBill.across_organisations.exists()
    assert not AuditEvent.objects.filter(object_type="invoicing.supplierbill").exists()
    assert not (storage / "supplier-bills").exists()


def test_no_service_modifies_nor_deletes_the_original(actor, organisation, storage):
    """The bill's file is written once: receiving others, refusals and the
    supplier's later changes leave it as it came."""
    from comptoir.parties import services as party_services

    party = supplier(actor, organisation, siren="900000001")
    data = example(FRENCH)
    bill = bill_receive(actor=actor, organisation=organisation, data=data).bill
    path = storage / bill.file_name
    stat = path.stat()
    with pytest.raises(ValidationError):
        bill_receive(actor=actor, organisation=organisation, data=data)
    bill_receive(actor=actor, organisation=organisation, data=french_cii(number="F-2"))
    party_services.party_update(actor=actor, party=party, company_name="Atelier Renommé")
    assert path.read_bytes() == data and path.stat().st_mtime_ns == stat.st_mtime_ns
    assert default_storage.exists(bill.file_name)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == bill.file_sha256
