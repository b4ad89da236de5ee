"""Delivery notes: list, detail, changes to a draft, shipping."""

from ninja import Query, Router, Status
from ninja.pagination import paginate

from comptoir.api.auth import require
from comptoir.api.errors import ERRORS
from comptoir.audit.reads import record_list_page, record_read, subjects_of
from comptoir.core.http import request_actor
from comptoir.parties.api.common import one
from comptoir.sales import selectors, services
from comptoir.sales.api import common
from comptoir.sales.api.common import DELIVERY
from comptoir.sales.api.schemas import DeliveryFilter, DeliveryOut, DeliveryPatch, ShipIn
from comptoir.tenancy.roles import Permission

router = Router(tags=["deliveries"])


def _delivery(request, delivery_id: int):
    return selectors.delivery_get(organisation=request.organisation, delivery_id=delivery_id)


@router.get("", response={200: list[DeliveryOut], **ERRORS})
@paginate
def delivery_list(request, filters: Query[DeliveryFilter]):
    require(request, Permission.SALES_VIEW)
    order = one(
        selectors.order_list(organisation=request.organisation), filters.order_id, "order_id"
    )
    record_list_page(request, object_type=DELIVERY)
    return selectors.delivery_list(
        organisation=request.organisation, status=filters.status, order=order
    ).prefetch_related("lines")


@router.get("/{int:delivery_id}", response={200: DeliveryOut, **ERRORS})
def delivery_detail(request, delivery_id: int):
    require(request, Permission.SALES_VIEW)
    note = _delivery(request, delivery_id)
    record_read(request, object_type=DELIVERY, object_id=note.pk, subjects=subjects_of([note]))
    return note


@router.patch("/{int:delivery_id}", response={200: DeliveryOut, **ERRORS})
def delivery_patch(request, delivery_id: int, payload: DeliveryPatch):
    """Change a draft note."""
    require(request, Permission.SALES_MANAGE)
    return services.delivery_update(
        actor=request_actor(request),
        delivery=_delivery(request, delivery_id),
        **payload.dict(exclude_unset=True),
    )


@router.delete("/{int:delivery_id}", response={204: None, **ERRORS})
def delivery_delete(request, delivery_id: int):
    """Drop a draft note: its quantities return to the order."""
    require(request, Permission.SALES_MANAGE)
    services.delivery_delete(actor=request_actor(request), delivery=_delivery(request, delivery_id))
    return Status(204, None)


@router.post("/{int:delivery_id}/ship", response={200: DeliveryOut, **ERRORS})
def delivery_ship(request, delivery_id: int, params: Query[ShipIn]):
    """Number the note and record the delivery date (default: today)."""
    require(request, Permission.SALES_MANAGE)
    return services.delivery_ship(
        actor=request_actor(request),
        delivery=_delivery(request, delivery_id),
        delivered_on=params.delivered_on,
    )


@router.get("/{int:delivery_id}/pdf", response=ERRORS, openapi_extra=common.PDF)
def delivery_pdf(request, delivery_id: int):
    """The delivery note printed as a PDF (in the organisation's branding)."""
    require(request, Permission.SALES_VIEW)
    return common.pdf_response(request, _delivery(request, delivery_id), DELIVERY)
