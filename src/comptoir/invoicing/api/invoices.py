"""Invoices, down-payment invoices and credit notes: drafts and their lines,
the issue, invoices made from an order or from delivery notes, the issued
files (Factur-X PDF, UBL XML) and their sending by email.

Thin: each operation checks the role, turns ids into objects of the caller's
organisation, calls one service or selector and journals its reads. An issued
document is never changed: every write route answers 422 (``status``) for it,
nothing changed; corrections are credit notes.
"""

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from comptoir.api.auth import require
from comptoir.api.errors import ERRORS
from comptoir.audit.reads import record_list_page, record_read, subjects_of
from comptoir.core.http import request_actor
from comptoir.core.modelfields import parse_decimal
from comptoir.invoicing import selectors, services
from comptoir.invoicing.api.schemas import (
    CreditNoteIn,
    DownPaymentIn,
    FromDeliveriesIn,
    FromOrderIn,
    InvoiceFilter,
    InvoiceIn,
    InvoiceLineIn,
    InvoiceLineOut,
    InvoiceLinePatch,
    InvoiceOut,
    InvoicePatch,
    InvoiceSummaryOut,
    SendIn,
    SendingOut,
)
from comptoir.invoicing.einvoice import files
from comptoir.invoicing.models import DocumentFile, FileFormat, Invoice, InvoiceLine
from comptoir.invoicing.services.files import document_file_store, invoice_files_store
from comptoir.invoicing.services.sendings import invoice_send
from comptoir.parties import selectors as party_selectors
from comptoir.parties.api.common import one
from comptoir.sales import selectors as sales_selectors
from comptoir.sales.api import common
from comptoir.sales.api.common import body_names
from comptoir.tenancy.roles import Permission, has_permission

logger = logging.getLogger(__name__)
router = Router(tags=["invoices"])
INVOICE = Invoice._meta.label_lower
FILE = DocumentFile._meta.label_lower


def require_figures(request) -> None:
    """Sales or finance figures: 403 for the other roles (support)."""
    role = request.membership.role
    if not (
        has_permission(role, Permission.SALES_VIEW) or has_permission(role, Permission.FINANCE_VIEW)
    ):
        raise PermissionDenied


def _invoice(request, invoice_id: int) -> Invoice:
    return selectors.invoice_get(organisation=request.organisation, pk=invoice_id)


def files_after_issue(actor, invoice: Invoice) -> None:
    """The files made right after the issue, from the frozen snapshot; if that
    fails the invoice stays issued and its files are made at the first demand."""
    try:
        invoice_files_store(actor=actor, invoice=invoice)
    except Exception:  # the issue is committed: a file is made again on demand
        logger.exception("files of invoice #%s not made at issue", invoice.pk)


@router.get("", response={200: list[InvoiceSummaryOut], **ERRORS})
@paginate
def invoice_list(request, filters: Query[InvoiceFilter]):
    """Invoices, down-payment invoices and credit notes, newest first. Totals
    only for the roles that see sales or finance figures."""
    require(request, Permission.CONTACTS_VIEW)
    party = common.party(request, filters.party_id)
    record_list_page(request, object_type=INVOICE)
    rows = selectors.invoice_list(
        organisation=request.organisation,
        status=filters.status or "",
        kind=filters.kind or "",
        party=party,
    )
    if filters.year is not None:
        rows = rows.filter(issue_date__year=filters.year)
    return rows.prefetch_related("lines").order_by("-issue_date", "-pk")


@router.post("", response={201: InvoiceOut, **ERRORS})
def invoice_create(request, payload: InvoiceIn):
    """A draft (no number until it is issued)."""
    require(request, Permission.SALES_MANAGE)
    values = common.header(request, payload.dict(exclude={"lines"}))
    lines = common.lines(request, payload.lines)
    with body_names():
        invoice = services.invoice_create(
            actor=request_actor(request), organisation=request.organisation, lines=lines, **values
        )
    return Status(201, invoice)


@router.get("/{int:invoice_id}", response={200: InvoiceOut, **ERRORS})
def invoice_detail(request, invoice_id: int):
    require(request, Permission.CONTACTS_VIEW)
    invoice = _invoice(request, invoice_id)
    record_read(request, object_type=INVOICE, object_id=invoice.pk, subjects=subjects_of([invoice]))
    return invoice


@router.patch("/{int:invoice_id}", response={200: InvoiceOut, **ERRORS})
def invoice_patch(request, invoice_id: int, payload: InvoicePatch):
    """Change a draft (422 for an issued invoice, nothing changed)."""
    require(request, Permission.SALES_MANAGE)
    invoice = _invoice(request, invoice_id)
    changes = common.header(request, payload.dict(exclude_unset=True))
    with body_names():
        return services.invoice_update(actor=request_actor(request), invoice=invoice, **changes)


@router.delete("/{int:invoice_id}", response={204: None, **ERRORS})
def invoice_delete(request, invoice_id: int):
    """Delete a draft (422 for an issued invoice: a credit note corrects it)."""
    require(request, Permission.SALES_MANAGE)
    services.invoice_delete(actor=request_actor(request), invoice=_invoice(request, invoice_id))
    return Status(204, None)


@router.post("/{int:invoice_id}/lines", response={201: InvoiceLineOut, **ERRORS})
def invoice_line_add(request, invoice_id: int, payload: InvoiceLineIn):
    require(request, Permission.SALES_MANAGE)
    invoice = _invoice(request, invoice_id)
    with body_names():
        line = services.invoice_line_add(
            actor=request_actor(request), invoice=invoice, **common.line(request, payload.dict())
        )
    return Status(201, line)


def _line_id(invoice: Invoice, line_id: int) -> int:
    return invoice.lines.get(pk=line_id).pk


@router.patch(
    "/{int:invoice_id}/lines/{int:invoice_line_id}", response={200: InvoiceLineOut, **ERRORS}
)
def invoice_line_patch(request, invoice_id: int, invoice_line_id: int, payload: InvoiceLinePatch):
    require(request, Permission.SALES_MANAGE)
    invoice = _invoice(request, invoice_id)
    line = _line_id(invoice, invoice_line_id)
    changes = common.line(request, payload.dict(exclude_unset=True))
    with body_names():
        row = services.invoice_line_update(
            actor=request_actor(request), invoice=invoice, line=line, **changes
        )
    row.refresh_from_db()  # the values as stored (rounded to the column)
    return row


@router.delete("/{int:invoice_id}/lines/{int:invoice_line_id}", response={204: None, **ERRORS})
def invoice_line_remove(request, invoice_id: int, invoice_line_id: int):
    require(request, Permission.SALES_MANAGE)
    invoice = _invoice(request, invoice_id)
    services.invoice_line_remove(
        actor=request_actor(request), invoice=invoice, line=_line_id(invoice, invoice_line_id)
    )
    return Status(204, None)


@router.post("/{int:invoice_id}/issue", response={200: InvoiceOut, **ERRORS})
def invoice_issue(request, invoice_id: int):
    """Number, freeze and chain a draft; its Factur-X PDF (and UBL for a
    Belgian client) is made and kept at once. 422 with the reason when it
    cannot be issued (a French business client without SIREN...)."""
    require(request, Permission.SALES_MANAGE)
    actor = request_actor(request)
    invoice = services.invoice_issue(actor=actor, invoice=_invoice(request, invoice_id))
    files_after_issue(actor, invoice)
    return invoice


@router.post("/from-order/{int:order_id}", response={201: InvoiceOut, **ERRORS})
def invoice_from_order(request, order_id: int, payload: FromOrderIn):
    """A draft invoice of an order: all that remains to invoice, or the
    quantities given per order line (never beyond what remains)."""
    require(request, Permission.SALES_MANAGE)
    order = sales_selectors.order_get(organisation=request.organisation, order_id=order_id)
    quantities = None
    if payload.lines is not None:
        field = InvoiceLine._meta.get_field("quantity")
        quantities = {
            line.order_line_id: parse_decimal(field, line.quantity) for line in payload.lines
        }
    invoice = services.invoice_from_order(
        actor=request_actor(request), order=order, quantities=quantities
    )
    return Status(201, invoice)


@router.post("/from-deliveries", response={201: InvoiceOut, **ERRORS})
def invoice_from_deliveries(request, payload: FromDeliveriesIn):
    """A draft invoice of what shipped delivery notes of one client delivered."""
    require(request, Permission.SALES_MANAGE)
    notes = sales_selectors.delivery_list(organisation=request.organisation)
    deliveries = [
        one(notes, pk, f"delivery_ids.{index}") for index, pk in enumerate(payload.delivery_ids)
    ]
    invoice = services.invoice_from_deliveries(actor=request_actor(request), deliveries=deliveries)
    return Status(201, invoice)


@router.post("/{int:issued_id}/credit-note", response={201: InvoiceOut, **ERRORS})
def credit_note_create(request, issued_id: int, payload: CreditNoteIn):
    """A draft credit note of an issued invoice: whole, or the quantities
    given per invoice line (never beyond what remains to credit)."""
    require(request, Permission.SALES_MANAGE)
    invoice = _invoice(request, issued_id)
    values = payload.dict(exclude_unset=True)
    lines = values.pop("lines", None)
    if lines is not None:
        field = InvoiceLine._meta.get_field("quantity")
        lines = {line["invoice_line_id"]: parse_decimal(field, line["quantity"]) for line in lines}
    note = services.credit_note_create(
        actor=request_actor(request), invoice=invoice, lines=lines, **values
    )
    return Status(201, note)


@router.post("/down-payment/{int:order_id}", response={201: InvoiceOut, **ERRORS})
def down_payment_create(request, order_id: int, payload: DownPaymentIn):
    """A draft down-payment invoice of an order: a percentage of its total
    excl. VAT or an amount, at the order's VAT rates; the final invoice of
    the order deducts it."""
    require(request, Permission.SALES_MANAGE)
    order = sales_selectors.order_get(organisation=request.organisation, order_id=order_id)
    values = {}
    for name in ("percent", "amount"):
        value = getattr(payload, name)
        if value is not None:
            field = Invoice._meta.get_field(
                "discount_percent" if name == "percent" else "charge_amount"
            )
            values[name] = parse_decimal(field, value)
    with body_names():
        invoice = services.down_payment_create(actor=request_actor(request), order=order, **values)
    return Status(201, invoice)


# Files ---------------------------------------------------------------------------
def _file_response(request, invoice_id: int, format: str) -> HttpResponse:
    require(request, Permission.CONTACTS_VIEW)
    require_figures(request)
    invoice = _invoice(request, invoice_id)
    if not invoice.is_issued:
        raise ValidationError(
            {"status": _("A draft has no e-invoice file: issue it first.")}, code="draft"
        )
    row = document_file_store(actor=request_actor(request), invoice=invoice, format=format)
    record_read(request, object_type=FILE, object_id=row.pk, subjects=subjects_of([invoice]))
    response = HttpResponse(files.stored_bytes(row), content_type=files.MEDIA_TYPES[format])
    response["Content-Disposition"] = f'attachment; filename="{row.name}"'
    response["X-Content-SHA256"] = row.sha256
    return response


def _binary(media_type: str) -> dict:
    return {
        "responses": {
            200: {
                "description": "the file as kept since it was first made",
                "content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


@router.get(
    "/{int:issued_id}/facturx.pdf",
    response=ERRORS,
    openapi_extra=_binary("application/pdf"),
)
def invoice_facturx(request, issued_id: int):
    """The Factur-X PDF of an issued document (the CII XML inside)."""
    return _file_response(request, issued_id, FileFormat.FACTURX)


@router.get("/{int:issued_id}/ubl.xml", response=ERRORS, openapi_extra=_binary("application/xml"))
def invoice_ubl(request, issued_id: int):
    """The Peppol BIS Billing 3.0 UBL of an issued document."""
    return _file_response(request, issued_id, FileFormat.UBL)


# Sending -------------------------------------------------------------------------
@router.post("/{int:issued_id}/send", response={201: SendingOut, **ERRORS})
def invoice_email(request, issued_id: int, payload: SendIn):
    """Email an issued document to the client (or one of its contact persons)
    through the outbox: the Factur-X PDF attached, the UBL too for a Belgian client."""
    require(request, Permission.SALES_MANAGE)
    invoice = _invoice(request, issued_id)
    people = party_selectors.contact_person_list(
        organisation=request.organisation, party=invoice.party
    )
    contact = one(people, payload.contact_person_id, "contact_person_id")
    sending = invoice_send(actor=request_actor(request), invoice=invoice, contact_person=contact)
    return Status(201, sending)
