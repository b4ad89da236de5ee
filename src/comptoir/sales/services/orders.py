"""Orders: made from an accepted quote in one action (same lines, the client's
order reference, the link kept), or directly; numbered at creation (series
ORDER); cancelled only while nothing of it is delivered or invoiced."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import Actor
from comptoir.audit.writes import audit, check_names, validate
from comptoir.core.changes import filled
from comptoir.core.modelfields import editable_fields
from comptoir.sales.lines import lines_created, party_errors
from comptoir.sales.models import Order, OrderLine, Quote, Series
from comptoir.sales.models.base import DocumentLine
from comptoir.sales.models.choices import OrderStatus, QuoteStatus
from comptoir.sales.numbering import number_take
from comptoir.sales.rules import decimals
from comptoir.tenancy.models import Organisation

ORDER_FIELDS = editable_fields(Order)
# What an order copies of its quote, and each order line of its quote line.
FROM_QUOTE = (
    "party",
    "purchase_order",
    "discount_percent",
    "charge_amount",
    "charge_reason",
    "notes",
)
LINE_COPIED = tuple(f.attname for f in DocumentLine._meta.local_fields)


def _numbered(order: Order) -> None:
    order.issue_date = order.issue_date or timezone.localdate()
    order.number = number_take(
        organisation_id=order.organisation_id, series=Series.ORDER, year=order.issue_date.year
    )


@transaction.atomic
def order_create(
    *,
    actor: Actor,
    organisation: Organisation,
    lines: list[dict[str, Any]] = (),
    **fields: Any,
) -> Order:
    """An order taken without a quote, with its lines (as ``quote_create``'s)."""
    check_names(fields, ORDER_FIELDS, "order_create")
    if not lines:
        raise ValidationError({"lines": _("An order needs at least one line.")}, code="no_lines")
    order = Order(organisation=organisation, **decimals(Order, fields))
    validate(
        order, exclude=["organisation"], more=party_errors(fields.get("party"), organisation.pk)
    )
    _numbered(order)
    order.save()
    lines_created(model=OrderLine, parent="order", document=order, lines=lines)
    names = [*filled(order, ORDER_FIELDS), "number", "lines"]
    audit(actor=actor, action=Action.CREATE, instance=order, fields=sorted(set(names)))
    return order


@transaction.atomic
def order_from_quote(*, actor: Actor, quote: Quote, purchase_order: str | None = None) -> Order:
    """The order of an accepted quote: its client, lines, discount, charge and the
    client's order reference (``purchase_order`` replaces it when given)."""
    locked = Quote.objects.of(quote.organisation_id).select_for_update().get(pk=quote.pk)
    if locked.status != QuoteStatus.ACCEPTED:
        raise ValidationError(_("Only an accepted quote becomes an order."), code="not_accepted")
    if locked.orders.exclude(status=OrderStatus.CANCELLED).exists():
        raise ValidationError(_("This quote already has its order."), code="ordered")
    order = Order(
        organisation_id=locked.organisation_id,
        quote=locked,
        **{name: getattr(locked, name) for name in FROM_QUOTE},
    )
    if purchase_order is not None:
        order.purchase_order = purchase_order
    validate(order, exclude=["organisation"])
    _numbered(order)
    order.save()
    OrderLine.objects.bulk_create(
        OrderLine(order=order, **{name: getattr(line, name) for name in LINE_COPIED})
        for line in locked.lines.all()
    )
    names = [*filled(order, ORDER_FIELDS), "quote", "number", "lines"]
    audit(actor=actor, action=Action.CREATE, instance=order, fields=sorted(set(names)))
    return order


@transaction.atomic
def order_cancel(*, actor: Actor, order: Order) -> Order:
    """Cancel an open order of which nothing is delivered nor invoiced."""
    locked = Order.objects.of(order.organisation_id).select_for_update().get(pk=order.pk)
    if locked.status != OrderStatus.OPEN:
        raise ValidationError(_("This order is already cancelled."), code="cancelled")
    if locked.deliveries.exists():
        raise ValidationError(
            _("This order has delivery notes: it can no longer be cancelled."), code="delivered"
        )
    if (
        locked.invoices.exists()
        or OrderLine.objects.filter(order=locked, invoice_lines__isnull=False).exists()
    ):
        raise ValidationError(
            _("This order is invoiced: it can no longer be cancelled."), code="invoiced"
        )
    locked.status = OrderStatus.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    audit(actor=actor, action=Action.UPDATE, instance=locked, fields=["status"])
    return locked
