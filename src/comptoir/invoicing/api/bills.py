"""Supplier bills: receive an e-invoice (multipart upload), list, read, download
the original.

``POST /api/supplier-bills`` takes the file (Factur-X PDF, CII or UBL XML,
recognised by its content, never by its name) and answers 201 with the bill,
or 202 when its supplier is not among the organisation's parties: nothing is
stored, and the same file sent again with ``create_supplier=true`` creates the
supplier (a company, a supplier) and the bill. A refused file is a 422 on
``file`` and nothing is stored.
"""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from comptoir.api.auth import require
from comptoir.api.errors import ERRORS
from comptoir.api.modelschema import Id, model_schema
from comptoir.audit.reads import record_list_page, record_read, subjects_of
from comptoir.core.http import request_actor
from comptoir.invoicing import selectors_bills as selectors
from comptoir.invoicing.einvoice import reader
from comptoir.invoicing.models import SupplierBill
from comptoir.invoicing.services import bills as services
from comptoir.invoicing.services.bills import RECEIVED_FIELDS
from comptoir.parties.models import Party
from comptoir.tenancy.roles import Permission

router = Router(tags=["supplier bills"])
BILL = SupplierBill._meta.label_lower
# The bill as the list and the detail show it: what the file gave it and when it
# came (the findings and lines are shown apart; the stored name is internal).
SHOWN = {*RECEIVED_FIELDS, "received_at"} - {"file_name", "findings"}


class _BillOutBase(Schema):
    id: int
    supplier_name: str = Field(..., description="the supplier party's name")

    @staticmethod
    def resolve_supplier_name(obj) -> str:
        return obj.supplier.display_name

    # Amounts travel as strings (never JSON numbers), to the cent.
    @staticmethod
    def resolve_total_excl_vat(obj) -> str:
        return str(obj.total_excl_vat)

    @staticmethod
    def resolve_total_vat(obj) -> str:
        return str(obj.total_vat)

    @staticmethod
    def resolve_total_incl_vat(obj) -> str:
        return str(obj.total_incl_vat)

    @staticmethod
    def resolve_payable(obj) -> str:
        return str(obj.payable)


BillOut = model_schema("SupplierBillOut", SupplierBill, SHOWN, mode="out", base=_BillOutBase)


class FindingOut(Schema):
    rules: str
    id: str
    flag: str = Field(..., description='"fatal" or "warning"')
    text: str
    location: str = ""


class LineOut(Schema):
    """A line as the file gives it; numbers in strings, as every amount of the API."""

    number: str
    name: str
    description: str
    quantity: str
    unit: str
    unit_price: str
    vat_category: str
    vat_rate: str
    total: str = Field(..., description="the line's net amount, as the file declares it")


class BillDetailOut(BillOut):
    findings: list[FindingOut]
    lines: list[LineOut]


class SellerOut(Schema):
    name: str
    country: str
    siren: str
    enterprise_number: str
    vat_number: str
    electronic_address: str
    electronic_scheme: str
    street: str
    postal_code: str
    city: str


class PendingOut(Schema):
    detail: str
    number: str = Field(..., description="the supplier's invoice number")
    supplier: SellerOut


class BillFilter(Schema):
    supplier_id: Id | None = None


def _lines(received: reader.Received) -> list[dict]:
    names = [name for name in LineOut.model_fields if name != "total"]
    return [
        {**{name: str(getattr(line, name)) for name in names}, "total": str(total)}
        for line, total in zip(received.document.lines, received.line_totals, strict=True)
    ]


def bill_detail_body(bill: SupplierBill) -> SupplierBill:
    """The bill with its lines, read again from its original."""
    bill.lines = _lines(reader.read(selectors.bill_original(bill=bill)))
    return bill


def _pending(receipt: services.Receipt) -> dict:
    seller = receipt.seller
    return {
        "detail": _(
            "The supplier is not among your parties: send the same file again with "
            "create_supplier=true to create it."
        ),
        "number": receipt.received.document.number,
        "supplier": {
            "name": seller.name,
            "country": seller.country,
            "siren": seller.siren,
            "enterprise_number": seller.enterprise_number,
            "vat_number": seller.vat_number,
            "electronic_address": seller.electronic_address,
            "electronic_scheme": seller.electronic_scheme,
            "street": seller.address.street,
            "postal_code": seller.address.postal_code,
            "city": seller.address.city,
        },
    }


def _data(file: UploadedFile) -> bytes:
    """The upload, read no further than the reader's limit (which then refuses it)."""
    return file.read(reader.MAX_BYTES + 1)


@router.post("", response={201: BillDetailOut, 202: PendingOut, **ERRORS})
def bill_receive(
    request,
    file: File[UploadedFile],
    create_supplier: Form[bool] = False,
):
    """Receive a supplier's e-invoice: a Factur-X PDF, a CII or a UBL XML, at most
    the API's body limit (2 MB by default; 10 MB through the pages and the command line)."""
    require(request, Permission.FINANCE_MANAGE)
    receipt = services.bill_receive(
        actor=request_actor(request),
        organisation=request.organisation,
        data=_data(file),
        create_supplier=create_supplier,
    )
    if receipt.pending:
        return Status(202, _pending(receipt))
    return Status(201, bill_detail_body(receipt.bill))


@router.get("", response={200: list[BillOut], **ERRORS})
@paginate
def bill_list(request, filters: Query[BillFilter]):
    require(request, Permission.FINANCE_VIEW)
    supplier = None
    if filters.supplier_id is not None:
        supplier = Party.objects.of(request.organisation).filter(pk=filters.supplier_id).first()
        if supplier is None:
            return SupplierBill.objects.of(request.organisation).none()
    record_list_page(request, object_type=BILL)
    return selectors.bill_list(organisation=request.organisation, supplier=supplier)


@router.get("/{int:bill_id}", response={200: BillDetailOut, **ERRORS})
def bill_detail(request, bill_id: int):
    """The bill, the findings of the official rules on its file, and its lines."""
    require(request, Permission.FINANCE_VIEW)
    bill = selectors.bill_get(organisation=request.organisation, bill_id=bill_id)
    record_read(request, object_type=BILL, object_id=bill.pk, subjects=subjects_of([bill]))
    return bill_detail_body(bill)


ORIGINAL = {
    "responses": {
        200: {
            "description": "the file as it was received, byte for byte",
            "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                "application/xml": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }
}


@router.get("/{int:bill_id}/original", response=ERRORS, openapi_extra=ORIGINAL)
def bill_original(request, bill_id: int):
    """The original file, unaltered (its SHA-256 is the bill's ``file_sha256``)."""
    require(request, Permission.FINANCE_VIEW)
    bill = selectors.bill_get(organisation=request.organisation, bill_id=bill_id)
    record_read(request, object_type=BILL, object_id=bill.pk, subjects=subjects_of([bill]))
    response = HttpResponse(selectors.bill_original(bill=bill), content_type=bill.content_type)
    suffix = "pdf" if bill.is_pdf else "xml"
    response["Content-Disposition"] = f'attachment; filename="supplier-bill-{bill.pk}.{suffix}"'
    return response
