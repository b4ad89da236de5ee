"""Delivery notes: made from an order, all that remains or some of each line
(never more than ordered less what other notes already deliver), then shipped
(numbered, series DELIVERY, with the date of delivery)."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import Actor
from comptoir.audit.writes import audit, check_names, update_locked, validate
from comptoir.core.modelfields import editable_fields
from comptoir.sales.models import DeliveryLine, DeliveryNote, Order, OrderLine, Series
from comptoir.sales.models.choices import DeliveryStatus, OrderStatus
from comptoir.sales.numbering import number_take
from comptoir.sales.rules import decimals
from comptoir.sales.selectors.deliveries import delivered_quantities
from comptoir.sales.services.orders import LINE_COPIED

# A draft note's own fields (its lines come from the order).
DELIVERY_FIELDS = editable_fields(
    DeliveryNote, exclude={"party", "discount_percent", "charge_amount", "charge_reason"}
)
QUANTITY = OrderLine._meta.get_field("quantity")


def _quantities(order: Order, quantities: dict[int, Any] | None) -> list[tuple[OrderLine, Decimal]]:
    """(order line, quantity to deliver) for each line delivered; ``None``: all that remains."""
    lines = list(order.lines.all())
    done = delivered_quantities(order)
    remaining = {line.pk: line.quantity - done.get(line.pk, Decimal(0)) for line in lines}
    if quantities is None:
        wanted = {pk: left for pk, left in remaining.items() if left > 0}
    else:
        unknown = set(quantities) - set(remaining)
        if unknown:
            raise ValidationError(
                {"quantities": _("A line is not a line of this order.")}, code="unknown_line"
            )
        wanted = {}
        errors = {}
        for pk, value in quantities.items():
            key = f"quantities.{pk}"
            try:
                quantity = decimals(OrderLine, {"quantity": value})["quantity"]
            except ValidationError as exc:
                errors[key] = exc.error_dict["quantity"]
                continue
            if quantity < 0:
                errors[key] = ValidationError(_("A quantity cannot be negative."), code="negative")
            elif quantity > remaining[pk]:
                errors[key] = ValidationError(
                    _("At most %(left)s remain to be delivered on this line.")
                    % {"left": f"{remaining[pk].normalize():f}"},
                    code="over_delivery",
                )
            elif quantity > 0:
                wanted[pk] = quantity
        if errors:
            raise ValidationError(errors)
    if not wanted:
        raise ValidationError(
            {"quantities": _("Nothing remains to be delivered on this order.")}
            if quantities is None
            else {"quantities": _("Give a quantity to deliver on at least one line.")},
            code="nothing",
        )
    return [(line, wanted[line.pk]) for line in lines if line.pk in wanted]


@transaction.atomic
def delivery_from_order(
    *,
    actor: Actor,
    order: Order,
    quantities: dict[int, Any] | None = None,
    **fields: Any,
) -> DeliveryNote:
    """A draft delivery note of ``order``: ``quantities`` (order line id ->
    quantity) or, when ``None``, all that remains of every line."""
    check_names(fields, DELIVERY_FIELDS, "delivery_from_order")
    locked = Order.objects.of(order.organisation_id).select_for_update().get(pk=order.pk)
    if locked.status != OrderStatus.OPEN:
        raise ValidationError(_("A cancelled order is not delivered."), code="cancelled")
    delivered = _quantities(locked, quantities)
    note = DeliveryNote(
        organisation_id=locked.organisation_id,
        order=locked,
        party=locked.party,
        **{"purchase_order": locked.purchase_order, **fields},
    )
    validate(note, exclude=["organisation"])
    note.save()
    DeliveryLine.objects.bulk_create(
        DeliveryLine(
            delivery=note,
            order_line=line,
            **{name: getattr(line, name) for name in LINE_COPIED if name != "quantity"},
            quantity=quantity,
        )
        for line, quantity in delivered
    )
    names = ["order", "party", "lines", *(["purchase_order"] if note.purchase_order else [])]
    audit(actor=actor, action=Action.CREATE, instance=note, fields=sorted(names + list(fields)))
    return note


def _draft(note: DeliveryNote) -> DeliveryNote:
    locked = DeliveryNote.objects.of(note.organisation_id).select_for_update().get(pk=note.pk)
    if locked.status != DeliveryStatus.DRAFT:
        raise ValidationError(_("This delivery note is already shipped."), code="shipped")
    return locked


@transaction.atomic
def delivery_update(*, actor: Actor, delivery: DeliveryNote, **changes: Any) -> DeliveryNote:
    """Change a draft note's date, delivery date, notes."""
    return update_locked(
        actor=actor, instance=_draft(delivery), changes=changes, fields=DELIVERY_FIELDS
    )


@transaction.atomic
def delivery_ship(
    *, actor: Actor, delivery: DeliveryNote, delivered_on: date | None = None
) -> DeliveryNote:
    """Number the note (series DELIVERY) and record the date the goods left
    (today unless given)."""
    locked = _draft(delivery)
    today = timezone.localdate()
    locked.delivered_on = delivered_on or locked.delivered_on or today
    locked.issue_date = locked.issue_date or today
    locked.number = number_take(
        organisation_id=locked.organisation_id,
        series=Series.DELIVERY,
        year=locked.issue_date.year,
    )
    locked.status = DeliveryStatus.SHIPPED
    names = ["number", "status", "issue_date", "delivered_on"]
    locked.save(update_fields=[*names, "updated_at"])
    audit(actor=actor, action=Action.UPDATE, instance=locked, fields=names)
    return locked


@transaction.atomic
def delivery_delete(*, actor: Actor, delivery: DeliveryNote) -> None:
    """Drop a draft note (its quantities return to the order)."""
    locked = _draft(delivery)
    audit(actor=actor, action=Action.DELETE, instance=locked, fields=["lines"])
    locked.delete()
