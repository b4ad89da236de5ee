"""The supplier bills API: upload, the unknown supplier's confirmation, list,
detail with findings, the original downloaded byte for byte, permissions."""

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
from tests.invoicing.receive.files import facturx_pdf

URL = "/api/supplier-bills"


def upload(api, data: bytes, name: str = "facture.bin", **form):
    """A multipart upload; the name says nothing (the content is read)."""
    return api.client.post(
        URL,
        {"file": SimpleUploadedFile(name, data, content_type="application/octet-stream"), **form},
        headers=api.headers,
    )


@pytest.fixture
def known(actor, organisation):
    return supplier(actor, organisation, siren="900000001")


def test_an_upload_becomes_a_bill_and_reads_back(api_as, known):
    api = api_as("accountant")
    pdf = facturx_pdf(example(FRENCH))
    response = upload(api, pdf, name="invoice.xml")  # the extension lies: the content decides
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["supplier_id"] == known.pk and body["supplier_name"] == known.company_name
    assert (body["number"], body["kind"], body["payable"]) == ("F-2026-00042", "invoice", "1440.00")
    assert body["content_type"] == "application/pdf"
    assert body["file_sha256"] == hashlib.sha256(pdf).hexdigest()
    assert body["lines"][0]["name"] == "Conseil" and body["lines"][0]["total"] == "1200.00"
    assert body["has_fatal"] is False

    listed = api.get(URL).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == body["id"]
    detail = api.get(f"{URL}/{body['id']}").json()
    assert detail["findings"] == body["findings"]
    original = api.get(f"{URL}/{body['id']}/original")
    assert original.status_code == 200 and original["Content-Type"] == "application/pdf"
    assert original.content == pdf
    reads = AuditEvent.objects.filter(
        object_type="invoicing.supplierbill", action=Action.READ, object_id=str(body["id"])
    )
    assert reads.count() == 2  # the detail and the download


def test_an_altered_file_shows_its_fatal_findings(api_as, known):
    response = upload(api_as("owner"), french_cii(total="1500.00"))
    assert response.status_code == 201
    body = response.json()
    assert body["has_fatal"] is True
    assert any(f["id"] == "BR-CO-15" and f["flag"] == "fatal" for f in body["findings"])


def test_an_unknown_supplier_is_confirmed_by_sending_the_file_again(api_as, organisation):
    api = api_as("owner")
    siren = new_siren()
    data = french_cii(siren=siren, vat=vat_of(siren), name="Serrurerie Nouvelle")
    pending = upload(api, data)
    assert pending.status_code == 202
    body = pending.json()
    assert body["supplier"]["siren"] == siren and body["supplier"]["name"] == "Serrurerie Nouvelle"
    assert "create_supplier" in body["detail"]
    assert not SupplierBill.objects.of(organisation).exists()
    created = upload(api, data, create_supplier="true")
    assert created.status_code == 201
    assert created.json()["supplier_name"] == "Serrurerie Nouvelle"


def test_the_same_invoice_twice_is_a_422_on_the_file(api_as, known):
    api = api_as("owner")
    assert upload(api, example(FRENCH)).status_code == 201
    response = upload(api, example(FRENCH))
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "file" and "already received" in error["message"]


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"<!DOCTYPE x [<!ENTITY a SYSTEM 'file:///etc/passwd'>]><x>&a;</x>", 422),
        (b"not an invoice at all", 422),
        (b"%PDF-1.7 no invoice in here", 422),
        (b"<" + b"a" * (30 * 1024 * 1024), 413),  # refused before it is read
    ],
    ids=["xxe", "text", "pdf", "30MB"],
)
def test_a_hostile_file_is_refused_and_stores_nothing(api_as, known, organisation, data, status):
    response = upload(api_as("owner"), data)
    assert response.status_code == status
    if status == 422:
        assert response.json()["errors"][0]["field"] == "file"
    assert not SupplierBill.objects.of(organisation).exists()


def test_a_missing_file_is_a_422(api_as):
    response = api_as("owner").client.post(URL, {}, headers=api_as("owner").headers)
    assert response.status_code == 422


@pytest.mark.parametrize("role", ["sales", "support", "auditor"])
def test_only_finance_managers_receive(api_as, known, role):
    response = upload(api_as(role), example(FRENCH))
    assert response.status_code == 403


def test_finance_viewers_read_and_others_do_not(api_as, known):
    bill = upload(api_as("owner"), example(FRENCH)).json()
    assert api_as("auditor", scope="read").get(f"{URL}/{bill['id']}").status_code == 200
    for role in ("sales", "support"):
        assert api_as(role).get(URL).status_code == 403
        assert api_as(role).get(f"{URL}/{bill['id']}/original").status_code == 403


def test_another_organisation_s_bill_is_not_found(world, api_as, known):
    bill = upload(api_as("owner"), example(FRENCH)).json()
    other = api_as("owner", organisation=world.org_b)
    assert other.get(f"{URL}/{bill['id']}").status_code == 404
    assert other.get(f"{URL}/{bill['id']}/original").status_code == 404
    assert other.get(URL).json()["count"] == 0


def test_the_list_filters_by_supplier(api_as, actor, organisation, known):
    api = api_as("owner")
    bill = upload(api, example(FRENCH)).json()
    assert [b["id"] for b in api.get(f"{URL}?supplier_id={known.pk}").json()["items"]] == [
        bill["id"]
    ]
    other = supplier(actor, organisation, siren=new_siren())
    assert api.get(f"{URL}?supplier_id={other.pk}").json() == {"items": [], "count": 0}
    assert api.get(f"{URL}?supplier_id={2**63 - 2}").json() == {"items": [], "count": 0}
