"""The e-invoice files of an issued document, made from its frozen snapshot.

``facturx_pdf(invoice)``: the snapshot rendered by ``sales.pdf`` (PDF/A-3b)
with its CII (``cii.build``) embedded (``facturx.embed``). ``ubl_xml(invoice)``:
its Peppol BIS 3.0 UBL (``ubl.build``). Both read only the issued snapshot
(``selectors.invoice_document``), never the rows, so a file made today or in
ten years says what was issued.

These build bytes; the file the client receives is made once and kept
(``services.files.document_file_store``), and every later download, sending
or export reads the stored one.
"""

from django.core.exceptions import ValidationError
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from comptoir.core.documents import Document
from comptoir.invoicing import selectors
from comptoir.invoicing.einvoice import cii, facturx, ubl
from comptoir.invoicing.models import FileFormat, Invoice
from comptoir.sales import pdf, printing

MEDIA_TYPES = {FileFormat.FACTURX: "application/pdf", FileFormat.UBL: "application/xml"}
SUFFIXES = {FileFormat.FACTURX: "pdf", FileFormat.UBL: "xml"}


class NotIssued(ValueError):
    """Only an issued document has e-invoice files."""


def issued_document(invoice: Invoice) -> Document:
    if not invoice.is_issued or selectors.issued_document(invoice) is None:
        raise NotIssued(f"invoice #{invoice.pk} is not issued")
    return selectors.invoice_document(invoice)


def facturx_pdf(invoice: Invoice) -> bytes:
    """The Factur-X PDF (EN 16931 profile) of an issued document."""
    document = issued_document(invoice)
    branding = pdf.branding_of(printing.settings_of(invoice.organisation))
    rendered = pdf.render(document, branding=branding)
    return facturx.embed(rendered, cii.build(document), lang=document.language or None)


NO_UBL = _(
    "This document has no UBL file: its client has no Peppol electronic address "
    "(an enterprise number, a SIREN or an e-invoicing address). Use its Factur-X PDF."
)


def ubl_xml(invoice: Invoice) -> bytes:
    """The Peppol BIS Billing 3.0 UBL of an issued document; ``ValidationError``
    when a party has no Peppol address (an individual client, say)."""
    try:
        return ubl.build(issued_document(invoice))
    except ubl.NoPeppolAddress as exc:
        raise ValidationError(NO_UBL, code="no_peppol_address") from exc


def build(invoice: Invoice, format: str) -> bytes:
    return facturx_pdf(invoice) if format == FileFormat.FACTURX else ubl_xml(invoice)


def wants_ubl(invoice: Invoice) -> bool:
    """Belgian clients get the UBL (Peppol) with the PDF."""
    return issued_document(invoice).buyer.country == "BE"


def file_name(invoice: Invoice, format: str) -> str:
    """``F-2026-00042.pdf``: the number, made safe as a file name."""
    return get_valid_filename(f"{invoice.number}.{SUFFIXES[FileFormat(format)]}")


def stored_bytes(row) -> bytes:
    """The bytes of a stored ``DocumentFile``, as kept."""
    from django.core.files.storage import default_storage

    with default_storage.open(row.path, "rb") as handle:
        return handle.read()
