"""Issuing an invoice, a down-payment invoice or a credit note: in one
transaction, the checks an auditor holds it to, the next number of its
series, the frozen document (encrypted snapshot, content hash, chained to the
previous document of its series), the issued totals and one audit record.

Anything that fails rolls the whole transaction back: the number counter
with it, so a failed issue never takes a number.
"""

import json
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import Actor
from comptoir.audit.writes import audit, raise_if
from comptoir.core import payment_reference
from comptoir.core.documents import Document
from comptoir.core.vat import EU_COUNTRIES, NEEDS_BUYER_VAT, VatCategory
from comptoir.invoicing import selectors
from comptoir.invoicing.models import Invoice, InvoiceKind, InvoiceStatus
from comptoir.invoicing.models.issued import GENESIS, IssuedDocument, chain_hash
from comptoir.invoicing.services.drafts import _locked_draft
from comptoir.sales import printing
from comptoir.sales.models import NumberCounter, Order, Quote, SalesSettings, Series
from comptoir.sales.numbering import number_take
from comptoir.sales.rules import vat_errors

SERIES = {
    InvoiceKind.INVOICE: Series.INVOICE,
    InvoiceKind.CREDIT_NOTE: Series.CREDIT_NOTE,
    InvoiceKind.DOWN_PAYMENT: Series.DOWN_PAYMENT,
}
ISSUED_FIELDS = [
    "status",
    "number",
    "issue_date",
    "due_date",
    "payment_reference",
    "total_excl_vat",
    "total_vat",
    "total_incl_vat",
    "payable",
]


def _error(field: str, message: str, code: str) -> dict[str, ValidationError]:
    return {field: ValidationError(message, code=code)}


def _party_checks(document: Document, settings: SalesSettings) -> dict:
    errors: dict[str, ValidationError] = {}
    seller, buyer = document.seller, document.buyer
    categories = {line.vat_category for line in document.lines}
    if buyer.is_business and buyer.country == "FR" and seller.country == "FR" and not buyer.siren:
        errors |= _error(
            "party",
            _("A French business client needs its SIREN on an invoice: add it to the client."),
            "siren",
        )
    needs_vat = categories & NEEDS_BUYER_VAT
    if needs_vat and not buyer.vat_number:
        errors |= _error(
            "party",
            _("Intra-EU supplies and reverse charge need the client's VAT number."),
            "buyer_vat",
        )
    if needs_vat and not seller.vat_number:
        errors |= _error(
            "lines",
            _(
                "Intra-EU supplies and reverse charge need your own VAT number: "
                "add it to the organisation."
            ),
            "seller_vat",
        )
    if VatCategory.INTRA_EU in categories and (
        buyer.country not in EU_COUNTRIES or buyer.country == seller.country
    ):
        errors.setdefault(
            "party",
            ValidationError(
                _("An intra-EU supply goes to a client in another EU country."), code="intra_eu"
            ),
        )
    if VatCategory.EXPORT in categories and buyer.country in EU_COUNTRIES:
        errors.setdefault(
            "party",
            ValidationError(
                _("An export (VAT category G) goes to a client outside the EU."), code="export"
            ),
        )
    if VatCategory.OUT_OF_SCOPE in categories and len(categories) > 1:
        errors |= _error(
            "lines",
            _(
                "An invoice outside the scope of VAT (category O) holds only such lines: "
                "invoice the others separately."
            ),
            "out_of_scope_mixed",
        )
    if settings.vat_franchise and categories - {VatCategory.EXEMPT}:
        errors |= _error(
            "lines",
            _("Under the VAT franchise every line is exempt (VAT category E)."),
            "franchise",
        )
    for line in document.lines:
        if vat_errors(seller.country, line.vat_category, line.vat_rate):
            errors.setdefault(
                "lines",
                ValidationError(
                    _("Line %(number)s: this VAT rate does not go with its category.")
                    % {"number": line.number},
                    code="vat_rate",
                ),
            )
    return errors


def _date_checks(invoice: Invoice, issue_date, series: Series) -> dict:
    today = timezone.localdate()
    if issue_date > today:
        return _error("issue_date", _("An invoice cannot be issued at a future date."), "future")
    last = (
        IssuedDocument.objects.of(invoice.organisation_id)
        .filter(series=series, year=issue_date.year)
        .order_by("-sequence")
        .values_list("invoice__issue_date", flat=True)
        .first()
    )
    if last is not None and issue_date < last:
        return _error(
            "issue_date",
            _(
                "Numbers follow the dates: this invoice cannot be dated before the last one "
                "of its series (%(date)s)."
            )
            % {"date": last.isoformat()},
            "chronology",
        )
    return {}


def _quantity_checks(invoice: Invoice) -> dict:
    """An order is never invoiced beyond what it holds; an invoice never
    credited beyond what it invoiced."""
    lines = list(invoice.lines.all())
    if invoice.kind == InvoiceKind.INVOICE and any(line.order_line_id for line in lines):
        order_lines = {line.order_line_id: line.order_line for line in lines if line.order_line_id}
        invoiced = selectors.invoiced_quantities(
            order_lines.values(), issued_only=True, exclude=invoice
        )
        asked: dict[int, Decimal] = {}
        for line in lines:
            if line.order_line_id:
                asked[line.order_line_id] = asked.get(line.order_line_id, 0) + line.quantity
        for pk, quantity in asked.items():
            if invoiced[pk] + quantity > order_lines[pk].quantity:
                return _error(
                    "lines",
                    _("“%(name)s”: more than the order still has to invoice.")
                    % {"name": order_lines[pk].name},
                    "over_invoiced",
                )
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        credited = selectors.credited_quantities(invoice.credited, exclude=invoice)
        for line in lines:
            if line.credited_line_id is None:
                continue
            rest = line.credited_line.quantity - credited.get(line.credited_line_id, 0)
            if line.quantity > rest:
                return _error(
                    "lines",
                    _("“%(name)s”: more than the invoice still has to credit.")
                    % {"name": line.name},
                    "over_credited",
                )
    return {}


def _amount_checks(invoice: Invoice, document: Document) -> dict:
    totals = document.totals
    if totals.tax_inclusive < 0 or totals.payable < 0:
        return _error("lines", _("The total of an invoice cannot be negative."), "negative")
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        credited = invoice.credited
        rest = credited.total_incl_vat - selectors.credited_total(credited, exclude=invoice)
        if totals.tax_inclusive > rest:
            return _error(
                "lines",
                _("A credit note cannot exceed what remains to credit on %(number)s (%(rest)s).")
                % {"number": credited.number, "rest": rest},
                "over_credited",
            )
    if invoice.kind == InvoiceKind.DOWN_PAYMENT and (invoice.order_id or invoice.quote_id):
        room = selectors.down_payment_room(
            order=invoice.order, quote=invoice.quote, exclude=invoice
        )
        if totals.tax_exclusive > room:
            return _error(
                "lines",
                _("The down payments would exceed the order (%(room)s excl. VAT remain).")
                % {"room": room},
                "over_down_payment",
            )
    return {}


def _checks(invoice: Invoice, document: Document, settings: SalesSettings, series) -> None:
    if not document.lines:
        raise_if(_error("lines", _("An invoice needs at least one line."), "empty"))
    if invoice.kind == InvoiceKind.CREDIT_NOTE and (
        invoice.credited_id is None or not invoice.credited.is_issued
    ):
        raise_if(_error("credited", _("A credit note corrects an issued invoice."), "credited"))
    errors = _party_checks(document, settings)
    errors |= _quantity_checks(invoice)
    errors.update({k: v for k, v in _amount_checks(invoice, document).items() if k not in errors})
    raise_if(errors)


def _lock_what_it_draws_on(invoice: Invoice) -> None:
    """Lock the order, quote or invoice this one draws on, so two issues
    drawing on the same one check what remains one after the other."""
    organisation_id = invoice.organisation_id
    if invoice.order_id:
        Order.objects.of(organisation_id).select_for_update().get(pk=invoice.order_id)
    if invoice.quote_id:
        Quote.objects.of(organisation_id).select_for_update().get(pk=invoice.quote_id)
    if invoice.credited_id:
        Invoice.objects.of(organisation_id).select_for_update().get(pk=invoice.credited_id)
    order_ids = set(
        invoice.lines.exclude(order_line=None).values_list("order_line__order", flat=True)
    )
    for order_id in sorted(order_ids - {invoice.order_id}):
        Order.objects.of(organisation_id).select_for_update().get(pk=order_id)


def _deducted(invoice: Invoice) -> list[Invoice]:
    """The issued down payments a final invoice of an order deducts: all those
    not deducted yet, once this invoice completes the order."""
    if invoice.kind != InvoiceKind.INVOICE or invoice.order_id is None:
        return []
    remaining = selectors.invoiceable_quantities(invoice.order, issued_only=True, exclude=invoice)
    for line in invoice.lines.all():
        if line.order_line_id in remaining:
            remaining[line.order_line_id] -= line.quantity
    if any(quantity > 0 for quantity in remaining.values()):
        return []  # a partial invoice: the final one deducts
    payments = selectors.down_payments_of(order=invoice.order, issued_only=True)
    payments = payments.filter(deducted_on__isnull=True).exclude(
        credit_notes__status=InvoiceStatus.ISSUED
    )
    return list(payments.select_for_update())


def _previous_link(organisation_id: int, series: Series) -> str:
    last = (
        IssuedDocument.objects.of(organisation_id)
        .filter(series=series)
        .order_by("-year", "-sequence")
        .values_list("chain_hash", flat=True)
        .first()
    )
    return last or GENESIS


def _sequence(organisation_id: int, series: Series, year: int) -> int:
    """The number just taken, as an integer (the counter is locked by this transaction)."""
    return NumberCounter.objects.of(organisation_id).get(series=series, year=year).last


@transaction.atomic
def invoice_issue(*, actor: Actor, invoice: Invoice) -> Invoice:
    """Issue a draft: checked, numbered, frozen, chained and journalled."""
    locked = _locked_draft(invoice)
    _lock_what_it_draws_on(locked)
    settings = printing.settings_of(locked.organisation)
    series = SERIES[InvoiceKind(locked.kind)]
    issue_date = locked.issue_date or timezone.localdate()
    due_date = locked.due_date or issue_date + timedelta(days=settings.payment_days)
    deducted = _deducted(locked)
    draft = selectors.invoice_document(
        locked,
        settings=settings,
        issue_date=issue_date,
        due_date=due_date,
        deducted=deducted,
    )
    _checks(locked, draft, settings, series)

    number = number_take(
        organisation_id=locked.organisation_id, series=series, year=issue_date.year
    )
    # Under the counter's lock: every document issued before in the series is visible.
    raise_if(_date_checks(locked, issue_date, series))
    reference = ""
    if draft.seller.country == "BE" and locked.kind != InvoiceKind.CREDIT_NOTE:
        reference = payment_reference.from_number(number, fallback=locked.pk)
    document = selectors.invoice_document(
        locked,
        settings=settings,
        number=number,
        issue_date=issue_date,
        due_date=due_date,
        payment_reference=reference,
        deducted=deducted,
    )
    totals = document.totals
    locked.status = InvoiceStatus.ISSUED
    locked.number = number
    locked.issue_date = issue_date
    locked.due_date = due_date
    locked.payment_reference = reference
    locked.total_excl_vat = totals.tax_exclusive
    locked.total_vat = totals.tax_total
    locked.total_incl_vat = totals.tax_inclusive
    locked.payable = totals.payable
    locked.save(update_fields=[*ISSUED_FIELDS, "updated_at"])

    content = document.content_hash()
    previous = _previous_link(locked.organisation_id, series)
    IssuedDocument.objects.create(
        organisation_id=locked.organisation_id,
        invoice=locked,
        series=series,
        year=issue_date.year,
        sequence=_sequence(locked.organisation_id, series, issue_date.year),
        number=number,
        snapshot=json.dumps(document.to_dict(), sort_keys=True),
        content_hash=content,
        previous_hash=previous,
        chain_hash=chain_hash(previous, content, number),
        issued_at=timezone.now(),
        issued_by=actor.user_id,
    )
    for payment in deducted:
        payment.deducted_on = locked
        payment.save(update_fields=["deducted_on"])
    audit(
        actor=actor,
        action=Action.UPDATE,
        instance=locked,
        fields=[*ISSUED_FIELDS, "issued"] + (["down_payments"] if deducted else []),
    )
    return locked
