"""``comptoir invoices export DIR [--organisation ID] [--year Y]``: every
issued document's e-invoice files, for the accountant and for the archive.

For each issued invoice, down-payment invoice and credit note: its Factur-X
PDF, and its UBL where one was issued (a Belgian client's, or one made on
request), as kept since they were first made (``document_file_store``; made
now from the frozen snapshot if never asked for yet), under
``DIR/<organisation>/<year>/``; and ``DIR/index.csv``: number, kind, date,
client, totals, file names and their SHA-256. Each document of an individual
client is recorded as a disclosure of their data (GDPR art. 19).
"""

import csv
from pathlib import Path

from django.core.management.base import CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from comptoir.audit.services import Actor
from comptoir.invoicing import selectors
from comptoir.invoicing.einvoice import files
from comptoir.invoicing.models import DocumentFile, Invoice, InvoiceStatus
from comptoir.invoicing.services.files import EXPORT_COLUMNS, export_files, export_row
from comptoir.privacy.records.disclosures import disclosure_record
from comptoir.privacy.records.models import DisclosureKind

EXPORT_RECIPIENT = "comptoir invoices export to"
HELP = "write every issued document's Factur-X PDF (and UBL) with a CSV index into DIR"
COLUMNS = ["organisation", *EXPORT_COLUMNS]


def add_arguments(parser) -> None:
    parser.add_argument("directory", help="where to write the files (created if needed)")
    parser.add_argument("--organisation", type=int, help="only this organisation's documents")
    parser.add_argument("--year", type=int, help="only the documents issued this year")


def issued(organisation: int | None, year: int | None):
    # Maintenance across organisations (the operator's archive), read only.
    rows = Invoice.across_organisations.filter(status=InvoiceStatus.ISSUED)
    if organisation is not None:
        rows = rows.filter(organisation_id=organisation)
    if year is not None:
        rows = rows.filter(issue_date__year=year)
    return rows.select_related("organisation", "party__data_subject").order_by(
        "organisation_id", "issue_date", "pk"
    )


def _write(directory: Path, invoice: Invoice, row: DocumentFile) -> str:
    relative = Path(str(invoice.organisation_id)) / str(invoice.issue_date.year) / row.name
    target = directory / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(files.stored_bytes(row))
    return relative.as_posix()


def run(
    command, *, directory: str, organisation: int | None = None, year: int | None = None, **_
) -> None:
    root = Path(directory)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandError(f"cannot create {root}: {exc.strerror}") from None
    actor = Actor.system()
    invoices = list(issued(organisation, year))
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with (root / "index.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        with Progress(*columns, console=None, transient=False) as progress:
            task = progress.add_task("Issued documents", total=len(invoices))
            for invoice in invoices:
                document = selectors.invoice_document(invoice)
                pdf, ubl = export_files(actor=actor, invoice=invoice)
                row = export_row(
                    invoice=invoice,
                    client=document.buyer.name,
                    facturx=(_write(root, invoice, pdf), pdf.sha256),
                    ubl=(_write(root, invoice, ubl), ubl.sha256) if ubl else ("", ""),
                )
                writer.writerow({"organisation": invoice.organisation_id, **row})
                if invoice.party.data_subject_id is not None:
                    # The file leaves the organisation with an individual's data (art. 19).
                    disclosure_record(
                        organisation=invoice.organisation,
                        subject=invoice.party.data_subject,
                        kind=DisclosureKind.EXPORT,
                        recipient=f"{EXPORT_RECIPIENT} {root.resolve()}",
                        what=invoice.number,
                        actor=actor,
                    )
                progress.advance(task)
    command.stdout.write(f"{len(invoices)} issued document(s) written to {root}")
