"""Credit notes: the one way an issued invoice is corrected.

A credit note refers to the issued invoice it corrects (BG-3, its preceding
reference) and takes back all of it or some of its lines, never more than
remains creditable: per line, the quantity less what other credit notes
(drafts and issued) already take; in amount, checked again at issue.
"""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import Actor
from comptoir.audit.writes import audit
from comptoir.invoicing import selectors
from comptoir.invoicing.models import Invoice, InvoiceKind, InvoiceLine
from comptoir.invoicing.services.from_orders import COPIED


@transaction.atomic
def credit_note_create(
    *,
    actor: Actor,
    invoice: Invoice,
    lines: Mapping[int, Decimal] | None = None,
    issue_date: date | None = None,
    notes: str = "",
) -> Invoice:
    """A draft credit note of the issued ``invoice``: whole (every line's
    creditable quantity, its discount and charges), or ``lines`` (invoice line
    id -> quantity to credit)."""
    invoice = Invoice.objects.of(invoice.organisation_id).select_for_update().get(pk=invoice.pk)
    if not invoice.is_issued or invoice.kind == InvoiceKind.CREDIT_NOTE:
        raise ValidationError(
            {"credited": _("A credit note corrects an issued invoice or down-payment invoice.")}
        )
    if invoice.kind == InvoiceKind.DOWN_PAYMENT and invoice.deducted_on_id:
        raise ValidationError(
            {"credited": _("This down payment is deducted on a final invoice: credit that one.")}
        )
    creditable = selectors.creditable_quantities(invoice)
    sources = {line.pk: line for line in invoice.lines.all()}
    whole = lines is None
    if whole:
        wanted = {pk: quantity for pk, quantity in creditable.items() if quantity > 0}
    else:
        wanted, errors = {}, []
        for pk, quantity in lines.items():
            if pk not in sources:
                errors.append(_("Line #%(id)s is not a line of this invoice.") % {"id": pk})
            elif Decimal(quantity) < 0 or Decimal(quantity) > creditable[pk]:
                errors.append(
                    _("“%(name)s”: at most %(rest)s remain to credit.")
                    % {"name": sources[pk].name, "rest": creditable[pk]}
                )
            elif Decimal(quantity) > 0:
                wanted[pk] = Decimal(quantity)
        if errors:
            raise ValidationError({"lines": errors})
    if not wanted:
        raise ValidationError({"lines": _("Nothing remains to credit on this invoice.")})
    charges = (
        whole
        and not Invoice.objects.of(invoice.organisation_id)
        .filter(credited=invoice, charge_amount__gt=0)
        .exists()
    )
    note = Invoice(
        organisation_id=invoice.organisation_id,
        kind=InvoiceKind.CREDIT_NOTE,
        party_id=invoice.party_id,
        credited=invoice,
        order_id=invoice.order_id,
        issue_date=issue_date,
        purchase_order=invoice.purchase_order,
        discount_percent=invoice.discount_percent,
        charge_amount=invoice.charge_amount if charges else Decimal("0"),
        charge_reason=invoice.charge_reason if charges else "",
        notes=notes,
    )
    note.full_clean(exclude=["organisation", "party"])
    note.save()
    for position, (pk, quantity) in enumerate(sorted(wanted.items()), start=1):
        source = sources[pk]
        values = {name: getattr(source, name) for name in COPIED}
        InvoiceLine.objects.create(
            invoice=note, position=position, quantity=quantity, credited_line=source, **values
        )
    audit(
        actor=actor,
        action=Action.CREATE,
        instance=note,
        fields=["kind", "party", "credited", "lines", *(["notes"] if notes else [])],
    )
    return note
