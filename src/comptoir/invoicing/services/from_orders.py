"""Draft invoices made from an order (all it still has to invoice, or some
of it) or from shipped delivery notes. An order line is never invoiced
beyond its quantity: what invoices (issued or draft) already hold of it,
less what issued credit notes gave back, is deducted
(``selectors.invoiceable_quantities``), and issue checks it again.
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import Actor
from comptoir.audit.writes import audit
from comptoir.invoicing import selectors
from comptoir.invoicing.models import Invoice, InvoiceKind, InvoiceLine
from comptoir.invoicing.services.drafts import LINE_FIELDS
from comptoir.sales.models import DeliveryNote, Order
from comptoir.sales.models.choices import DeliveryStatus, OrderStatus

# What a line copies from the order or delivery line it invoices.
COPIED = sorted(LINE_FIELDS - {"position", "quantity"})


def _copy(source, invoice: Invoice, *, position: int, quantity: Decimal) -> InvoiceLine:
    values = {name: getattr(source, name) for name in COPIED}
    return InvoiceLine(invoice=invoice, position=position, quantity=quantity, **values)


def _order_locked(order: Order) -> Order:
    """The order, locked: two invoices made from it at once wait for each other."""
    return Order.objects.of(order.organisation_id).select_for_update().get(pk=order.pk)


def _invoice_of(order: Order, *, charges: bool) -> Invoice:
    invoice = Invoice(
        organisation_id=order.organisation_id,
        kind=InvoiceKind.INVOICE,
        party_id=order.party_id,
        order=order,
        purchase_order=order.purchase_order,
        discount_percent=order.discount_percent,
        charge_amount=order.charge_amount if charges else Decimal("0"),
        charge_reason=order.charge_reason if charges else "",
    )
    invoice.save()
    return invoice


def _charges_invoiced(order: Order) -> bool:
    """Whether an invoice of the order (draft or issued) already carries its charges."""
    return (
        Invoice.objects.of(order.organisation_id)
        .filter(order=order, kind=InvoiceKind.INVOICE, charge_amount__gt=0)
        .exists()
    )


@transaction.atomic
def invoice_from_order(
    *, actor: Actor, order: Order, quantities: Mapping[int, Decimal] | None = None
) -> Invoice:
    """A draft invoice of ``order``: every line's remaining quantity, or the
    ``quantities`` given (order line id -> quantity; a line left out is not
    invoiced). The order's charges go on its first invoice."""
    order = _order_locked(order)
    if order.status == OrderStatus.CANCELLED:
        raise ValidationError({"order": _("A cancelled order is not invoiced.")})
    remaining = selectors.invoiceable_quantities(order)
    lines = {line.pk: line for line in order.lines.all()}
    if quantities is None:
        wanted = {pk: quantity for pk, quantity in remaining.items() if quantity > 0}
    else:
        wanted, errors = {}, []
        for pk, quantity in quantities.items():
            if pk not in lines:
                errors.append(_("Line #%(id)s is not a line of this order.") % {"id": pk})
            elif Decimal(quantity) < 0 or Decimal(quantity) > remaining[pk]:
                errors.append(
                    _("“%(name)s”: at most %(rest)s remain to invoice.")
                    % {"name": lines[pk].name, "rest": remaining[pk]}
                )
            elif Decimal(quantity) > 0:
                wanted[pk] = Decimal(quantity)
        if errors:
            raise ValidationError({"quantities": errors})
    if not wanted:
        raise ValidationError({"quantities": _("Nothing remains to invoice on this order.")})
    invoice = _invoice_of(order, charges=not _charges_invoiced(order))
    for position, (pk, quantity) in enumerate(sorted(wanted.items()), start=1):
        line = _copy(lines[pk], invoice, position=position, quantity=quantity)
        line.order_line = lines[pk]
        line.save()
    audit(
        actor=actor,
        action=Action.CREATE,
        instance=invoice,
        fields=["kind", "party", "order", "lines", "purchase_order", "discount_percent"],
    )
    return invoice


@transaction.atomic
def invoice_from_deliveries(*, actor: Actor, deliveries: Iterable[DeliveryNote]) -> Invoice:
    """A draft invoice of what shipped delivery notes of one client delivered
    and is not invoiced yet (each delivery line within its order line's
    remaining quantity)."""
    deliveries = list(deliveries)
    if not deliveries:
        raise ValidationError({"deliveries": _("Choose at least one delivery note.")})
    organisation_id = deliveries[0].organisation_id
    notes = list(
        DeliveryNote.objects.of(organisation_id)
        .filter(pk__in=[d.pk for d in deliveries])
        .select_related("order")
        .order_by("pk")
    )
    if len(notes) != len({d.pk for d in deliveries}):
        raise ValidationError({"deliveries": _("Choose delivery notes of this organisation.")})
    if len({note.party_id for note in notes}) > 1:
        raise ValidationError({"deliveries": _("The delivery notes must be of one client.")})
    if any(note.status != DeliveryStatus.SHIPPED for note in notes):
        raise ValidationError({"deliveries": _("Only shipped delivery notes are invoiced.")})
    orders = {note.order_id: _order_locked(note.order) for note in notes}
    remaining: dict[int, Decimal] = {}
    for order in orders.values():
        remaining |= selectors.invoiceable_quantities(order)
    first = notes[0]
    single = orders[first.order_id] if len(orders) == 1 else None
    invoice = Invoice(
        organisation_id=organisation_id,
        kind=InvoiceKind.INVOICE,
        party_id=first.party_id,
        order=single,
        purchase_order=single.purchase_order if single else "",
        discount_percent=single.discount_percent if single else Decimal("0"),
        delivery_date=max((n.delivered_on for n in notes if n.delivered_on), default=None),
    )
    invoice.save()
    position = 0
    for note in notes:
        for source in note.lines.all():
            quantity = min(source.quantity, remaining.get(source.order_line_id, Decimal("0")))
            if quantity <= 0:
                continue
            remaining[source.order_line_id] -= quantity
            position += 1
            line = _copy(source, invoice, position=position, quantity=quantity)
            line.order_line_id = source.order_line_id
            line.save()
    if not position:
        raise ValidationError({"deliveries": _("These deliveries are already invoiced.")})
    audit(
        actor=actor,
        action=Action.CREATE,
        instance=invoice,
        fields=["kind", "party", "order", "lines", "delivery_date"],
    )
    return invoice
