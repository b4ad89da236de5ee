"""Orders: direct creation, detail with each line's progress, cancellation,
and delivery notes made from them."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from comptoir.api.auth import require
from comptoir.api.errors import ERRORS
from comptoir.audit.reads import record_list_page, record_read, subjects_of
from comptoir.core.http import request_actor
from comptoir.sales import selectors, services
from comptoir.sales.api import common
from comptoir.sales.api.common import ORDER, body_names
from comptoir.sales.api.schemas import (
    DeliveryIn,
    DeliveryOut,
    OrderFilter,
    OrderIn,
    OrderOut,
    OrderSummaryOut,
)
from comptoir.tenancy.roles import Permission

router = Router(tags=["orders"])


def _order(request, order_id: int):
    return selectors.order_get(organisation=request.organisation, order_id=order_id)


@router.get("", response={200: list[OrderSummaryOut], **ERRORS})
@paginate
def order_list(request, filters: Query[OrderFilter]):
    require(request, Permission.SALES_VIEW)
    party = common.party(request, filters.party_id)
    record_list_page(request, object_type=ORDER)
    return selectors.order_list(
        organisation=request.organisation, status=filters.status, party=party
    ).prefetch_related("lines")


@router.post("", response={201: OrderOut, **ERRORS})
def order_create(request, payload: OrderIn):
    """An order taken without a quote."""
    require(request, Permission.SALES_MANAGE)
    values = common.header(request, payload.dict(exclude={"lines"}))
    lines = common.lines(request, payload.lines)
    with body_names():
        order = services.order_create(
            actor=request_actor(request), organisation=request.organisation, lines=lines, **values
        )
    return Status(201, order)


@router.get("/{int:order_id}", response={200: OrderOut, **ERRORS})
def order_detail(request, order_id: int):
    """With each line's ordered, delivered, invoiced and remaining quantities."""
    require(request, Permission.SALES_VIEW)
    order = _order(request, order_id)
    record_read(request, object_type=ORDER, object_id=order.pk, subjects=subjects_of([order]))
    return order


@router.post("/{int:order_id}/cancel", response={200: OrderOut, **ERRORS})
def order_cancel(request, order_id: int):
    """Only while nothing of it is delivered or invoiced."""
    require(request, Permission.SALES_MANAGE)
    return services.order_cancel(actor=request_actor(request), order=_order(request, order_id))


@router.post("/{int:order_id}/deliveries", response={201: DeliveryOut, **ERRORS})
def order_deliver(request, order_id: int, payload: DeliveryIn):
    """A draft delivery note: the quantities given per order line, or all that remains."""
    require(request, Permission.SALES_MANAGE)
    order = _order(request, order_id)
    fields = payload.dict(exclude_unset=True, exclude={"lines"})
    quantities = None
    if payload.lines is not None:
        quantities = {}
        for item in payload.lines:
            if item.order_line_id in quantities:
                raise ValidationError({"lines": _("An order line is given twice.")})
            quantities[item.order_line_id] = item.quantity
    try:
        note = services.delivery_from_order(
            actor=request_actor(request), order=order, quantities=quantities, **fields
        )
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        names = {
            name: ("lines" if name == "quantities" else name.replace("quantities.", "lines."))
            for name in exc.error_dict
        }
        raise ValidationError({names[n]: e for n, e in exc.error_dict.items()}) from None
    return Status(201, note)


@router.get("/{int:order_id}/pdf", response=ERRORS, openapi_extra=common.PDF)
def order_pdf(request, order_id: int):
    """The order printed as a PDF (in the organisation's branding)."""
    require(request, Permission.SALES_VIEW)
    return common.pdf_response(request, _order(request, order_id), ORDER)
