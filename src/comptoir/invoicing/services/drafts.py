"""Draft invoices: created, changed, their lines added, changed and removed,
deleted. Only a draft changes: every service here refuses an issued invoice
(a field-level ``ValidationError``; the models refuse it too, below them).
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import Actor, audit_record
from comptoir.audit.writes import audit, check_names, update_locked, validate
from comptoir.core.changes import changed, filled, snapshot
from comptoir.core.modelfields import editable_fields
from comptoir.invoicing.models import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus
from comptoir.invoicing.rules import frozen_error
from comptoir.sales.rules import vat_errors
from comptoir.tenancy.models import Organisation

INVOICE_FIELDS = editable_fields(Invoice)
LINE_FIELDS = editable_fields(InvoiceLine, exclude={"invoice"})
LINE_TYPE = "invoicing.invoiceline"


def _locked_draft(invoice: Invoice) -> Invoice:
    """The invoice's row, locked for the transaction; refused unless a draft."""
    locked = Invoice.objects.of(invoice.organisation_id).select_for_update().get(pk=invoice.pk)
    if locked.status != InvoiceStatus.DRAFT:
        raise frozen_error()
    return locked


def _party_error(invoice: Invoice) -> dict[str, ValidationError]:
    if invoice.party_id and invoice.party.organisation_id != invoice.organisation_id:
        return {"party": ValidationError(_("Choose a client of this organisation."), code="party")}
    return {}


def _line_prepared(invoice: Invoice, line: InvoiceLine) -> None:
    """Fill a line from its product where left empty; check its VAT."""
    product = line.product if line.product_id else None
    if product is not None:
        if product.organisation_id != invoice.organisation_id:
            raise ValidationError({"product": _("Choose a product of this organisation.")})
        for name in ("reference", "name", "description"):
            if not getattr(line, name):
                setattr(line, name, getattr(product, name))
        if line.unit_price is None:
            line.unit_price = product.unit_price
            line.vat_category = product.vat_category
            line.vat_rate = product.vat_rate
            line.unit = product.unit
            line.is_service = product.is_service
    more = vat_errors(invoice.organisation.country, line.vat_category, line.vat_rate)
    validate(line, exclude=["invoice"], more=more or None)


def _line_build(invoice: Invoice, fields: Mapping[str, Any], position: int) -> InvoiceLine:
    """An unsaved, validated line of ``invoice``."""
    check_names(fields, LINE_FIELDS, "invoice line")
    values = {"position": position, **fields}
    line = InvoiceLine(invoice=invoice, **values)
    _line_prepared(invoice, line)
    return line


def _lines_save(invoice: Invoice, lines: Iterable[Mapping[str, Any]], start: int = 1) -> list:
    """Build, validate and save lines; a bad line's errors are keyed by its index."""
    built, errors = [], {}
    for index, fields in enumerate(lines):
        try:
            built.append(_line_build(invoice, fields, start + index))
        except ValidationError as exc:
            errors[f"lines.{index}"] = exc
    if errors:
        raise ValidationError(
            {
                name: [f"{field}: {m}" for field, ms in exc.message_dict.items() for m in ms]
                if hasattr(exc, "error_dict")
                else exc.messages
                for name, exc in errors.items()
            }
        )
    for line in built:
        line.save()
    return built


@transaction.atomic
def invoice_create(
    *,
    actor: Actor,
    organisation: Organisation,
    lines: Iterable[Mapping[str, Any]] = (),
    **fields: Any,
) -> Invoice:
    """A draft invoice of ``party`` (a field), with its lines (each a mapping of
    line fields: name, quantity, unit_price, vat_category, vat_rate... or a
    product whose values fill those left out)."""
    check_names(fields, INVOICE_FIELDS, "invoice_create")
    invoice = Invoice(organisation=organisation, kind=InvoiceKind.INVOICE, **fields)
    validate(invoice, exclude=["organisation"], more=_party_error(invoice) or None)
    invoice.save()
    saved = _lines_save(invoice, lines)
    names = ["kind", *filled(invoice, INVOICE_FIELDS)] + (["lines"] if saved else [])
    audit(actor=actor, action=Action.CREATE, instance=invoice, fields=names)
    return invoice


@transaction.atomic
def invoice_update(*, actor: Actor, invoice: Invoice, **changes: Any) -> Invoice:
    """Change some fields of a draft."""
    _locked_draft(invoice)
    return update_locked(
        actor=actor, instance=invoice, changes=changes, fields=INVOICE_FIELDS, more=_party_error
    )


@transaction.atomic
def invoice_delete(*, actor: Actor, invoice: Invoice) -> None:
    """Delete a draft (never an issued invoice: a credit note corrects it)."""
    locked = _locked_draft(invoice)
    pk, organisation_id = locked.pk, locked.organisation_id
    locked.lines.all().delete()
    locked.delete()
    audit_record(
        actor=actor,
        action=Action.DELETE,
        organisation_id=organisation_id,
        object_type=Invoice._meta.label_lower,
        object_id=pk,
    )


def _line_of(invoice: Invoice, line: InvoiceLine | int) -> InvoiceLine:
    pk = line if isinstance(line, int) else line.pk
    return InvoiceLine.objects.select_for_update().get(invoice=invoice, pk=pk)


def _journal_line(actor: Actor, action: str, invoice: Invoice, pk: int, fields) -> None:
    audit_record(
        actor=actor,
        action=action,
        organisation_id=invoice.organisation_id,
        object_type=LINE_TYPE,
        object_id=pk,
        fields=list(fields),
    )


@transaction.atomic
def invoice_line_add(*, actor: Actor, invoice: Invoice, **fields: Any) -> InvoiceLine:
    """Add a line at the end of a draft."""
    locked = _locked_draft(invoice)
    last = locked.lines.order_by("-position").values_list("position", flat=True).first() or 0
    fields.setdefault("position", last + 1)
    (line,) = _lines_save(locked, [fields])
    _journal_line(actor, Action.CREATE, locked, line.pk, filled(line, LINE_FIELDS))
    return line


@transaction.atomic
def invoice_line_update(
    *, actor: Actor, invoice: Invoice, line: InvoiceLine | int, **changes: Any
) -> InvoiceLine:
    """Change some fields of a draft's line."""
    locked = _locked_draft(invoice)
    check_names(changes, LINE_FIELDS, "invoice_line_update")
    row = _line_of(locked, line)
    before = snapshot(row, LINE_FIELDS)
    for name, value in changes.items():
        setattr(row, name, value)
    _line_prepared(locked, row)
    names = changed(row, before)
    if names:
        row.save(update_fields=names)
        _journal_line(actor, Action.UPDATE, locked, row.pk, names)
    return row


@transaction.atomic
def invoice_line_remove(*, actor: Actor, invoice: Invoice, line: InvoiceLine | int) -> None:
    """Remove a line of a draft."""
    locked = _locked_draft(invoice)
    row = _line_of(locked, line)
    pk = row.pk
    row.delete()
    _journal_line(actor, Action.DELETE, locked, pk, [])
