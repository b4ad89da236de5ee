"""The supplier bills pages: upload, the unknown supplier's confirmation, the
detail with its findings, the download, and who may do what."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from comptoir.audit.models import Action, AuditEvent
from comptoir.invoicing.models import SupplierBill
from tests.invoicing.receive.conftest import (
    FRENCH,
    example,
    french_cii,
    new_siren,
    supplier,
    vat_of,
)

URL = "/invoicing/supplier-bills/"


def post(client, data: bytes, **fields):
    upload = SimpleUploadedFile("scan.bin", data, content_type="application/octet-stream")
    return client.post(URL, {"file": upload, **fields})


def test_a_received_invoice_shows_its_supplier_totals_and_lines(ui_as, actor, organisation):
    party = supplier(actor, organisation, siren="900000001")
    client = ui_as("accountant")
    response = post(client, example(FRENCH))
    bill = SupplierBill.objects.of(organisation).get()
    assert response.status_code == 302 and response["Location"] == f"{URL}{bill.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert party.company_name in page and "F-2026-00042" in page
    assert "1440,00" in page and "Conseil" in page and bill.file_sha256 in page
    assert 'id="findings-none"' in page
    listing = client.get(URL).content.decode()
    assert f'href="{URL}{bill.pk}/"' in listing
    original = client.get(f"{URL}{bill.pk}/original")
    assert original.content == example(FRENCH) and original["Content-Type"] == "application/xml"
    assert (
        AuditEvent.objects.filter(
            object_type="invoicing.supplierbill", action=Action.READ, object_id=str(bill.pk)
        ).count()
        == 2
    )


def test_fatal_findings_are_shown_in_red_and_said_clearly(ui_as, actor, organisation):
    supplier(actor, organisation, siren="900000001")
    client = ui_as("accountant")
    response = post(client, french_cii(total="1500.00"))
    page = client.get(response["Location"]).content.decode()
    assert 'id="fatal-banner"' in page and "BR-CO-15" in page
    assert 'class="finding fatal"' in page


def test_an_unknown_supplier_is_confirmed_with_the_same_file(ui_as, organisation):
    client = ui_as("accountant")
    siren = new_siren()
    data = french_cii(siren=siren, vat=vat_of(siren), name="Vitrerie du Port")
    confirm = post(client, data)
    page = confirm.content.decode()
    assert confirm.status_code == 200 and 'id="unknown-supplier"' in page
    assert "Vitrerie du Port" in page and siren in page
    digest = hashlib.sha256(data).hexdigest()
    assert digest in page
    assert not SupplierBill.objects.of(organisation).exists()
    # Another file than the one shown is refused.
    other = post(client, french_cii(number="X-1"), create_supplier="on", expected_sha256=digest)
    assert other.status_code == 422 and not SupplierBill.objects.of(organisation).exists()
    done = post(client, data, create_supplier="on", expected_sha256=digest)
    assert done.status_code == 302
    assert SupplierBill.objects.of(organisation).get().supplier.company_name == "Vitrerie du Port"


def test_a_refused_file_says_why_on_the_form(ui_as, organisation):
    response = post(ui_as("accountant"), b"<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>")
    assert response.status_code == 422
    assert (
        "document type" in response.content.decode()
        or "type de document" in response.content.decode()
    )


@pytest.mark.parametrize("role", ["sales", "support"])
def test_roles_without_finance_see_nothing(ui_as, role):
    assert ui_as(role).get(URL).status_code == 403


def test_a_finance_viewer_reads_but_does_not_receive(ui_as, actor, organisation):
    client = ui_as("auditor")
    page = client.get(URL).content.decode()
    assert 'id="bill-upload"' not in page
    assert post(client, example(FRENCH)).status_code == 403
