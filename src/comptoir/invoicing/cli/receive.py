"""``comptoir invoices receive FILE --organisation ID [--create-supplier]``: receive
a supplier's e-invoice (Factur-X PDF, CII or UBL XML) from the command line.

Prints what the official rules found and what became of the file; a refusal
(unreadable file, number already received, unknown supplier not confirmed)
ends with exit status 1 and nothing stored. The ``invoices`` command hands its
``receive`` subcommand to ``add_arguments`` and ``run``.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from comptoir.audit.services import Actor
from comptoir.invoicing.einvoice import reader
from comptoir.invoicing.services import bills as services
from comptoir.tenancy.models import Organisation


def add_arguments(parser) -> None:
    parser.add_argument("file", type=Path, help="a Factur-X PDF, a CII or a UBL XML")
    parser.add_argument("--organisation", type=int, required=True, help="organisation id")
    parser.add_argument(
        "--create-supplier",
        action="store_true",
        help="create the supplier (a company) when it is not among the organisation's parties",
    )


def _organisation(pk: int) -> Organisation:
    try:
        return Organisation.objects.get(pk=pk)
    except Organisation.DoesNotExist:
        raise CommandError(f"no organisation {pk}") from None


def _read(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(reader.MAX_BYTES + 1)  # past the limit: the reader refuses it
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None


def run(options: dict, out) -> None:
    """Receive ``options["file"]``; ``out`` is the command's stdout."""
    organisation = _organisation(options["organisation"])
    data = _read(options["file"])
    try:
        receipt = services.bill_receive(
            actor=Actor.system(),
            organisation=organisation,
            data=data,
            create_supplier=options["create_supplier"],
        )
    except ValidationError as exc:
        messages = [message for values in exc.message_dict.values() for message in values]
        raise CommandError("refused: " + " ".join(messages)) from None
    if receipt.pending:
        seller = receipt.seller
        ids = ", ".join(
            f"{label} {value}"
            for label, value in (
                ("SIREN", seller.siren),
                ("enterprise number", seller.enterprise_number),
                ("VAT", seller.vat_number),
            )
            if value
        )
        raise CommandError(
            f"unknown supplier: {seller.name} ({seller.country}{', ' + ids if ids else ''}) is "
            "not among the organisation's parties; run again with --create-supplier to "
            "create it. Nothing stored."
        )
    for finding in receipt.findings:
        out.write(f"{finding.flag.upper():8} {finding.rules} {finding.id}: {finding.text}")
    bill = receipt.bill
    fatal = sum(1 for finding in receipt.findings if finding.is_fatal)
    if receipt.supplier_created:
        out.write(f"supplier created: party {bill.supplier_id} ({bill.supplier.display_name})")
    out.write(
        f"received: bill {bill.pk}, {bill.get_kind_display()} {bill.number} of "
        f"{bill.supplier.display_name}, {bill.total_incl_vat} {bill.currency} incl. VAT, "
        f"{bill.payable} due; {len(receipt.findings)} findings ({fatal} fatal)"
        + ("; KEPT BUT FLAGGED: the file breaks the official rules" if fatal else "")
    )
