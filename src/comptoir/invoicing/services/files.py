"""The files of issued documents, made once and kept.

An issued document's Factur-X PDF (and UBL) is made from its frozen snapshot
the first time it is needed (right after the issue by the pages and the API,
else at the first download, sending or export) and stored through
``default_storage`` with its SHA-256; afterwards it is always that file that
is given out: the one the client received, byte for byte (a PDF made again
would differ in its creation date).
"""

import hashlib
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from comptoir.audit.models import Action
from comptoir.audit.services import Actor
from comptoir.audit.writes import audit
from comptoir.invoicing.einvoice import files
from comptoir.invoicing.models import DocumentFile, FileFormat, Invoice

STORE_DIR = "invoicing/issued"


@transaction.atomic
def document_file_store(*, actor: Actor, invoice: Invoice, format: str) -> DocumentFile:
    """The stored file of ``invoice`` in ``format``: made and kept the first
    time (journalled), found afterwards (nothing written)."""
    format = FileFormat(format)
    # The invoice row locked: two first downloads at once make one file.
    locked = Invoice.objects.of(invoice.organisation_id).select_for_update().get(pk=invoice.pk)
    found = DocumentFile.objects.of(locked.organisation_id).filter(invoice=locked, format=format)
    if (stored := found.first()) is not None:
        return stored
    data = files.build(locked, format)
    name = files.file_name(locked, format)
    path = default_storage.save(
        f"{STORE_DIR}/{locked.organisation_id}/{uuid.uuid4().hex}-{name}", ContentFile(data)
    )
    row = DocumentFile.objects.create(
        organisation_id=locked.organisation_id,
        invoice=locked,
        format=format,
        name=name,
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )
    audit(
        actor=actor,
        action=Action.CREATE,
        instance=row,
        fields=["invoice", "format", "name", "path", "sha256", "size"],
    )
    return row


@transaction.atomic
def invoice_files_store(*, actor: Actor, invoice: Invoice) -> list[DocumentFile]:
    """The files an issued document is sent with, made and kept: its Factur-X
    PDF, and its UBL for a Belgian client (each journalled when made)."""
    formats = [FileFormat.FACTURX] + ([FileFormat.UBL] if files.wants_ubl(invoice) else [])
    return [document_file_store(actor=actor, invoice=invoice, format=f) for f in formats]


def export_files(*, actor: Actor, invoice: Invoice) -> tuple[DocumentFile, DocumentFile | None]:
    """The files an export gives of an issued document (``comptoir invoices
    export``, the organisation's export): its Factur-X PDF, and its UBL where
    one was issued or a Belgian client wants one; made now from the frozen
    snapshot if never asked for yet."""
    pdf = document_file_store(actor=actor, invoice=invoice, format=FileFormat.FACTURX)
    ubl = (
        DocumentFile.objects.of(invoice.organisation_id)
        .filter(invoice=invoice, format=FileFormat.UBL)
        .first()
    )
    if ubl is None and files.wants_ubl(invoice):
        ubl = document_file_store(actor=actor, invoice=invoice, format=FileFormat.UBL)
    return pdf, ubl


# The columns of an export's index of issued documents (``comptoir invoices
# export``, the organisation's export), one row per document: ``export_row``.
EXPORT_COLUMNS = [
    "number",
    "kind",
    "issue_date",
    "client",
    "total_excl_vat",
    "total_vat",
    "total_incl_vat",
    "payable",
    "facturx_file",
    "facturx_sha256",
    "ubl_file",
    "ubl_sha256",
]


def export_row(
    *, invoice: Invoice, client: str, facturx: tuple[str, str], ubl: tuple[str, str]
) -> dict:
    """One index row: the document's figures, and where each file was written
    with its SHA-256 (("", "") when there is none)."""
    return {
        "number": invoice.number,
        "kind": invoice.kind,
        "issue_date": invoice.issue_date.isoformat(),
        "client": client,
        "total_excl_vat": invoice.total_excl_vat,
        "total_vat": invoice.total_vat,
        "total_incl_vat": invoice.total_incl_vat,
        "payable": invoice.payable,
        "facturx_file": facturx[0],
        "facturx_sha256": facturx[1],
        "ubl_file": ubl[0],
        "ubl_sha256": ubl[1],
    }
