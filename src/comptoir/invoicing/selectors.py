"""Reads of invoices: lists, one invoice, what an order still has to invoice,
what an invoice still has to credit, and the document an invoice prints
(the frozen snapshot once issued, built from the draft before)."""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import models
from django.db.models import Sum

from comptoir.core import documents
from comptoir.core.documents import Document, Kind, Reference
from comptoir.core.totals import compute
from comptoir.invoicing import mentions
from comptoir.invoicing.models import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus
from comptoir.invoicing.models.issued import GENESIS, IssuedDocument, chain_hash
from comptoir.sales import printing
from comptoir.sales.models import Order, OrderLine, SalesSettings

ZERO_QUANTITY = Decimal("0")


def invoice_list(
    *, organisation, status: str = "", kind: str = "", party=None
) -> models.QuerySet[Invoice]:
    rows = Invoice.objects.of(organisation).select_related("party", "party__data_subject")
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if party is not None:
        rows = rows.filter(party=party)
    return rows


def invoice_get(*, organisation, pk: int) -> Invoice:
    """The invoice ``pk`` of the organisation (``Invoice.DoesNotExist`` otherwise)."""
    return Invoice.objects.of(organisation).select_related("party").get(pk=pk)


def issued_document(invoice: Invoice) -> IssuedDocument | None:
    return IssuedDocument.objects.of(invoice.organisation_id).filter(invoice=invoice).first()


def snapshot_document(issued: IssuedDocument) -> Document:
    """The document an issued snapshot holds (decrypted)."""
    return Document.from_dict(json.loads(issued.snapshot))


# What is invoiced of an order line: the quantities on invoices (drafts and
# issued) less what issued credit notes gave back.
def invoiced_quantities(
    order_lines: Iterable[OrderLine], *, issued_only: bool = False, exclude: Invoice | None = None
) -> dict[int, Decimal]:
    ids = [line.pk for line in order_lines]
    lines = InvoiceLine.objects.filter(order_line_id__in=ids, invoice__kind=InvoiceKind.INVOICE)
    if issued_only:
        lines = lines.filter(invoice__status=InvoiceStatus.ISSUED)
    if exclude is not None:
        lines = lines.exclude(invoice=exclude)
    found = dict.fromkeys(ids, ZERO_QUANTITY)
    for row in lines.values("order_line_id").annotate(total=Sum("quantity")):
        found[row["order_line_id"]] += row["total"]
    credited = InvoiceLine.objects.filter(
        credited_line__order_line_id__in=ids,
        invoice__kind=InvoiceKind.CREDIT_NOTE,
        invoice__status=InvoiceStatus.ISSUED,
    )
    for row in credited.values("credited_line__order_line_id").annotate(total=Sum("quantity")):
        found[row["credited_line__order_line_id"]] -= row["total"]
    return found


def invoiceable_quantities(
    order: Order, *, issued_only: bool = False, exclude: Invoice | None = None
) -> dict[int, Decimal]:
    """Order line id -> the quantity still to invoice (never below 0)."""
    lines = list(order.lines.all())
    invoiced = invoiced_quantities(lines, issued_only=issued_only, exclude=exclude)
    return {line.pk: max(line.quantity - invoiced[line.pk], ZERO_QUANTITY) for line in lines}


def credited_quantities(invoice: Invoice, *, exclude: Invoice | None = None) -> dict[int, Decimal]:
    """Invoice line id -> the quantity already on credit notes (drafts and issued)."""
    lines = InvoiceLine.objects.filter(
        credited_line__invoice=invoice, invoice__kind=InvoiceKind.CREDIT_NOTE
    )
    if exclude is not None:
        lines = lines.exclude(invoice=exclude)
    found: dict[int, Decimal] = {}
    for row in lines.values("credited_line_id").annotate(total=Sum("quantity")):
        found[row["credited_line_id"]] = row["total"]
    return found


def creditable_quantities(
    invoice: Invoice, *, exclude: Invoice | None = None
) -> dict[int, Decimal]:
    """Invoice line id -> the quantity a credit note may still take back."""
    credited = credited_quantities(invoice, exclude=exclude)
    return {
        line.pk: max(line.quantity - credited.get(line.pk, ZERO_QUANTITY), ZERO_QUANTITY)
        for line in invoice.lines.all()
    }


def credited_total(invoice: Invoice, *, exclude: Invoice | None = None) -> Decimal:
    """The total incl. VAT of the issued credit notes of ``invoice``."""
    notes = Invoice.objects.of(invoice.organisation_id).filter(
        credited=invoice, status=InvoiceStatus.ISSUED
    )
    if exclude is not None:
        notes = notes.exclude(pk=exclude.pk)
    return notes.aggregate(total=Sum("total_incl_vat"))["total"] or Decimal("0.00")


def down_payments_of(
    *, order: Order | None = None, quote=None, issued_only: bool = False
) -> models.QuerySet[Invoice]:
    """The down-payment invoices of an order (and of the quote it came from)."""
    organisation = (order or quote).organisation_id
    link = models.Q()
    if order is not None:
        link |= models.Q(order=order)
        if order.quote_id:
            link |= models.Q(quote_id=order.quote_id)
    if quote is not None:
        link |= models.Q(quote=quote)
    rows = Invoice.objects.of(organisation).filter(link, kind=InvoiceKind.DOWN_PAYMENT)
    if issued_only:
        rows = rows.filter(status=InvoiceStatus.ISSUED)
    return rows.order_by("issue_date", "pk")


def source_document(*, order: Order | None = None, quote=None) -> Document:
    """The order (or quote) as printed: its totals are what down payments share."""
    source = order or quote
    return printing.document_of(source, Kind.ORDER if order else Kind.QUOTE)


def _draft_total(invoice: Invoice) -> Decimal:
    lines = printing.lines(invoice.lines.all())
    return compute(lines).tax_exclusive


def down_payment_room(
    *, order: Order | None, quote=None, exclude: Invoice | None = None
) -> Decimal:
    """What remains of the order's total excl. VAT for more down payments."""
    total = source_document(order=order, quote=quote).totals.tax_exclusive
    payments = down_payments_of(order=order, quote=quote)
    if exclude is not None:
        payments = payments.exclude(pk=exclude.pk)
    taken = Decimal("0.00")
    for payment in payments:
        if payment.is_issued:
            credited = payment.credit_notes.filter(status=InvoiceStatus.ISSUED).aggregate(
                total=Sum("total_excl_vat")
            )["total"]
            taken += payment.total_excl_vat - (credited or Decimal("0.00"))
        else:
            taken += _draft_total(payment)
    return total - taken


KIND_OF = {
    InvoiceKind.INVOICE: Kind.INVOICE,
    InvoiceKind.DOWN_PAYMENT: Kind.DOWN_PAYMENT,
    InvoiceKind.CREDIT_NOTE: Kind.CREDIT_NOTE,
}


def payment_terms(due_date: date | None) -> str:
    if due_date is None:
        return ""
    return f"À régler au plus tard le {due_date:%d/%m/%Y}."


def invoice_document(
    invoice: Invoice,
    *,
    settings: SalesSettings | None = None,
    number: str | None = None,
    issue_date: date | None = None,
    due_date: date | None = None,
    payment_reference: str | None = None,
    deducted: Iterable[Invoice] = (),
) -> Document:
    """What ``invoice`` prints: its snapshot once issued; for a draft, the
    document it would issue (``invoice_issue`` freezes it with the number,
    dates and the down payments it deducts)."""
    if invoice.is_issued:
        issued = issued_document(invoice)
        if issued is not None:
            return snapshot_document(issued)
    settings = settings or printing.settings_of(invoice.organisation)
    base = printing.document_of(invoice, KIND_OF[InvoiceKind(invoice.kind)], settings=settings)
    deducted = list(deducted)
    due = due_date if due_date is not None else invoice.due_date
    preceding = [Reference(d.number, d.issue_date) for d in deducted]
    if invoice.credited_id:
        preceding.insert(0, Reference(invoice.credited.number, invoice.credited.issue_date))
    operation = mentions.operation(base.lines)
    legal = mentions.legal_notes(
        buyer_is_business=base.buyer.is_business,
        seller_country=base.seller.country,
        late_penalty_rate=settings.late_penalty_rate,
        recovery_indemnity=settings.recovery_indemnity,
        early_payment_discount=settings.early_payment_discount,
        vat_on_debits=settings.vat_on_debits,
    )
    reference = payment_reference if payment_reference is not None else invoice.payment_reference
    return documents.Document(
        **{
            **{f: getattr(base, f) for f in Document.__dataclass_fields__},
            "number": number if number is not None else invoice.number,
            "issue_date": issue_date or base.issue_date,
            "due_date": due,
            "delivery_date": invoice.delivery_date,
            "prepaid": sum((d.total_incl_vat for d in deducted), Decimal("0.00")),
            "preceding": tuple(preceding),
            "payment": printing.payment(settings, reference=reference, terms=payment_terms(due)),
            "notes": (*base.notes, *legal),
            "operation": operation,
            "billing_framework": mentions.billing_framework(
                base.kind, operation, after_down_payments=bool(deducted)
            ),
            "vat_on_debits": settings.vat_on_debits,
        }
    )


@dataclass(frozen=True)
class ChainReport:
    """The verification of one series' chain of one organisation."""

    organisation_id: int
    series: str
    checked: int  # documents verified before the first problem (all when ok)
    problem: str = ""  # the first altered or missing document, '' when none
    number: str = ""  # the document where it shows

    @property
    def ok(self) -> bool:
        return not self.problem


def _row_problem(row: IssuedDocument, previous: str) -> str:
    """Why an issued document does not hold ('' when it does)."""
    if row.previous_hash != previous:
        return "its link to the previous document was changed (or one was removed)"
    try:
        document = snapshot_document(row)
    except Exception:  # noqa: BLE001 (a sealed value that no longer opens is the finding)
        return "its snapshot cannot be decrypted and read: altered"
    if document.content_hash() != row.content_hash:
        return "its content does not match its hash: altered"
    if document.number != row.number:
        return "its number differs from the number it was issued with"
    if chain_hash(previous, row.content_hash, row.number) != row.chain_hash:
        return "its chain hash does not match its content and number: altered"
    invoice = row.invoice
    if (
        invoice.number != row.number
        or invoice.status != InvoiceStatus.ISSUED
        or invoice.total_incl_vat != document.totals.tax_inclusive
        or invoice.payable != document.totals.payable
    ):
        return "the invoice row no longer matches its snapshot (number, status or totals)"
    return ""


def _series_report(organisation_id: int, series: str) -> ChainReport:
    from comptoir.sales.models import NumberCounter

    rows = (
        IssuedDocument.across_organisations.filter(organisation_id=organisation_id, series=series)
        .select_related("invoice")
        .order_by("year", "sequence")
    )
    counters = dict(
        NumberCounter.across_organisations.filter(
            organisation_id=organisation_id, series=series
        ).values_list("year", "last")
    )
    previous, checked, seen = GENESIS, 0, {}

    def broken(problem: str, number: str = "") -> ChainReport:
        return ChainReport(organisation_id, series, checked, problem, number)

    for row in rows.iterator(chunk_size=200):
        expected = seen.get(row.year, 0) + 1
        if row.sequence != expected:
            return broken(
                f"number {expected} of {row.year} is missing (found {row.sequence} next)",
                row.number,
            )
        problem = _row_problem(row, previous)
        if problem:
            return broken(problem, row.number)
        previous, checked, seen[row.year] = row.chain_hash, checked + 1, row.sequence
    for year, last in sorted(counters.items()):
        if seen.get(year, 0) < last:
            return broken(f"number {seen.get(year, 0) + 1} of {year} is missing (the last)")
    return ChainReport(organisation_id, series, checked)


def chain_verify(*, organisation_id: int | None = None) -> list[ChainReport]:
    """Every series' chain of issued documents (of one organisation, or all):
    each content hash recomputed from the decrypted snapshot, each link, each
    number in sequence; the first altered or missing document of each chain.
    An issued invoice without its snapshot is reported too."""
    from comptoir.invoicing.services.issue import SERIES
    from comptoir.sales.models import NumberCounter

    organisations = (
        [organisation_id]
        if organisation_id is not None
        else sorted(
            set(IssuedDocument.across_organisations.values_list("organisation_id", flat=True))
            | set(NumberCounter.across_organisations.values_list("organisation_id", flat=True))
            | set(
                Invoice.across_organisations.filter(status=InvoiceStatus.ISSUED).values_list(
                    "organisation_id", flat=True
                )
            )
        )
    )
    reports = []
    for org in organisations:
        for kind, series in SERIES.items():
            report = _series_report(org, series)
            if report.ok:
                orphan = (
                    Invoice.across_organisations.filter(
                        organisation_id=org, kind=kind, status=InvoiceStatus.ISSUED
                    )
                    .filter(issued__isnull=True)
                    .values_list("number", flat=True)
                    .first()
                )
                if orphan is not None:
                    report = ChainReport(
                        org, series, report.checked, "its issued snapshot is missing", orphan
                    )
            reports.append(report)
    return reports
