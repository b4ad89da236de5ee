"""Orders as the pages and the API read them, with each line's progress:
ordered, delivered (on delivery notes), invoiced (on invoices)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce

from comptoir.sales.models import Order, OrderLine
from comptoir.tenancy.models import Organisation

ZERO_QUANTITY = Decimal("0.000")
# Invoices' kinds as ``invoicing.InvoiceKind`` spells them (sales reads the rows
# through the reverse relation and never imports invoicing).
INVOICE_KIND = "invoice"
CREDIT_NOTE_KIND = "credit_note"


def order_list(
    *, organisation: Organisation, status: str | None = None, party=None
) -> QuerySet[Order]:
    orders = Order.objects.of(organisation).select_related("party", "party__data_subject", "quote")
    if status:
        orders = orders.filter(status=status)
    if party is not None:
        orders = orders.filter(party=party)
    return orders.order_by("-created_at", "-pk")


def order_get(*, organisation: Organisation, order_id: int) -> Order:
    return (
        Order.objects.of(organisation)
        .select_related("party", "party__data_subject", "quote")
        .get(pk=order_id)
    )


@dataclass(frozen=True)
class LineProgress:
    line: OrderLine
    ordered: Decimal
    delivered: Decimal
    invoiced: Decimal

    @property
    def remaining(self) -> Decimal:
        """What remains to be put on a delivery note."""
        return max(self.ordered - self.delivered, ZERO_QUANTITY)


def _quantity(value) -> Decimal:
    """A sum of quantities as the column writes one (SQLite's sums lose the scale)."""
    return Decimal(value).quantize(ZERO_QUANTITY)


def order_progress(order: Order) -> list[LineProgress]:
    """Each line of ``order``: ordered, delivered (on its delivery notes, shipped
    or being prepared), invoiced (on invoices, less credit notes)."""
    lines = (
        OrderLine.objects.filter(order=order)
        .annotate(
            delivered=Coalesce(Sum("delivery_lines__quantity", distinct=False), ZERO_QUANTITY)
        )
        .order_by("position", "pk")
    )
    invoiced = dict(
        OrderLine.objects.filter(order=order, invoice_lines__invoice__kind=INVOICE_KIND)
        .annotate(quantity_sum=Sum("invoice_lines__quantity"))
        .values_list("pk", "quantity_sum")
    )
    credited = dict(
        OrderLine.objects.filter(order=order, invoice_lines__invoice__kind=CREDIT_NOTE_KIND)
        .annotate(quantity_sum=Sum("invoice_lines__quantity"))
        .values_list("pk", "quantity_sum")
    )
    return [
        LineProgress(
            line=line,
            ordered=line.quantity,
            delivered=_quantity(line.delivered),
            invoiced=_quantity(
                invoiced.get(line.pk, ZERO_QUANTITY) - credited.get(line.pk, ZERO_QUANTITY)
            ),
        )
        for line in lines
    ]
