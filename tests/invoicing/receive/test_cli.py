"""``comptoir invoices receive``: findings and result printed, refusals exit 1."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from comptoir.invoicing.models import SupplierBill
from comptoir.parties.models import Party
from tests.invoicing.receive.conftest import (
    FRENCH,
    example,
    french_cii,
    new_siren,
    supplier,
    vat_of,
)
from tests.invoicing.receive.files import facturx_pdf

pytestmark = pytest.mark.django_db


def receive(path, organisation, *more):
    from io import StringIO

    out = StringIO()
    call_command(
        "invoices", "receive", str(path), "--organisation", str(organisation.pk), *more, stdout=out
    )
    return out.getvalue()


def test_a_known_supplier_s_facturx_is_received(tmp_path, actor, organisation):
    party = supplier(actor, organisation, siren="900000001")
    path = tmp_path / "facture.pdf"
    path.write_bytes(facturx_pdf(example(FRENCH)))
    out = receive(path, organisation)
    bill = SupplierBill.objects.of(organisation).get()
    assert bill.supplier == party and bill.received_by is None
    assert f"received: bill {bill.pk}, Invoice F-2026-00042 of {party.company_name}" in out
    assert "1440.00 EUR incl. VAT" in out and "(0 fatal)" in out


def test_the_findings_are_printed_and_the_file_kept_flagged(tmp_path, actor, organisation):
    supplier(actor, organisation, siren="900000001")
    path = tmp_path / "f.xml"
    path.write_bytes(french_cii(total="1500.00"))
    out = receive(path, organisation)
    assert "FATAL" in out and "BR-CO-15" in out and "KEPT BUT FLAGGED" in out
    assert SupplierBill.objects.of(organisation).get().has_fatal


def test_an_unknown_supplier_needs_create_supplier(tmp_path, organisation):
    siren = new_siren()
    path = tmp_path / "f.xml"
    path.write_bytes(french_cii(siren=siren, vat=vat_of(siren), name="Plâtrerie Dupuis"))
    with pytest.raises(
        CommandError, match="unknown supplier: Plâtrerie Dupuis.*--create-supplier"
    ) as excinfo:
        receive(path, organisation)
    assert excinfo.value.returncode == 1
    assert not SupplierBill.objects.of(organisation).exists()
    out = receive(path, organisation, "--create-supplier")
    party = Party.objects.of(organisation).get(siren=siren)
    assert f"supplier created: party {party.pk} (Plâtrerie Dupuis)" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"<broken", "not well formed"), (b"plain text", "neither an XML e-invoice")],
)
def test_a_refusal_exits_1_with_its_reason(tmp_path, organisation, content, message):
    path = tmp_path / "f.xml"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=f"refused: .*{message}") as excinfo:
        receive(path, organisation)
    assert excinfo.value.returncode == 1


def test_the_same_invoice_twice_exits_1(tmp_path, actor, organisation):
    supplier(actor, organisation, siren="900000001")
    path = tmp_path / "f.xml"
    path.write_bytes(example(FRENCH))
    receive(path, organisation)
    with pytest.raises(CommandError, match="already received"):
        receive(path, organisation)


def test_a_missing_file_and_an_unknown_organisation_are_clear(tmp_path, organisation):
    with pytest.raises(CommandError, match="cannot read"):
        receive(tmp_path / "absent.xml", organisation)
    organisation.pk = 987654
    with pytest.raises(CommandError, match="no organisation 987654"):
        receive(tmp_path / "absent.xml", organisation)
