"""Delivery notes, and what each line of an order has been delivered."""

from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce

from comptoir.sales.models import DeliveryNote, Order, OrderLine
from comptoir.tenancy.models import Organisation

ZERO_QUANTITY = Decimal("0.000")


def delivery_list(
    *,
    organisation: Organisation,
    status: str | None = None,
    order: Order | None = None,
    party=None,
) -> QuerySet[DeliveryNote]:
    notes = DeliveryNote.objects.of(organisation).select_related(
        "party", "party__data_subject", "order"
    )
    if status:
        notes = notes.filter(status=status)
    if order is not None:
        notes = notes.filter(order=order)
    if party is not None:
        notes = notes.filter(party=party)
    return notes.order_by("-created_at", "-pk")


def delivery_get(*, organisation: Organisation, delivery_id: int) -> DeliveryNote:
    return (
        DeliveryNote.objects.of(organisation)
        .select_related("party", "party__data_subject", "order")
        .get(pk=delivery_id)
    )


def delivered_quantities(order: Order) -> dict[int, Decimal]:
    """Order line id -> quantity on its delivery notes (shipped or being prepared):
    what a new delivery note may no longer take."""
    rows = (
        OrderLine.objects.filter(order=order)
        .annotate(done=Coalesce(Sum("delivery_lines__quantity"), ZERO_QUANTITY))
        .values_list("pk", "done")
    )
    return {pk: Decimal(done).quantize(ZERO_QUANTITY) for pk, done in rows}
