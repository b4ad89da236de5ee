"""Products and services."""

from ninja import Query, Router, Status
from ninja.pagination import paginate

from comptoir.api.auth import require
from comptoir.api.errors import ERRORS
from comptoir.core.http import request_actor
from comptoir.sales import selectors, services
from comptoir.sales.api.schemas import ProductFilter, ProductIn, ProductOut, ProductPatch
from comptoir.tenancy.roles import Permission

router = Router(tags=["catalogue"])


@router.get("", response={200: list[ProductOut], **ERRORS})
@paginate
def product_list(request, filters: Query[ProductFilter]):
    """By reference; ``search`` finds part of a reference or a name. (No one's
    personal data: no read is journalled.)"""
    require(request, Permission.SALES_VIEW)
    return selectors.product_list(
        organisation=request.organisation, search=filters.search, active=filters.active
    )


@router.post("", response={201: ProductOut, **ERRORS})
def product_create(request, payload: ProductIn):
    require(request, Permission.SALES_MANAGE)
    product = services.product_create(
        actor=request_actor(request), organisation=request.organisation, **payload.dict()
    )
    return Status(201, product)


@router.get("/{int:product_id}", response={200: ProductOut, **ERRORS})
def product_detail(request, product_id: int):
    require(request, Permission.SALES_VIEW)
    return selectors.product_get(organisation=request.organisation, product_id=product_id)


@router.patch("/{int:product_id}", response={200: ProductOut, **ERRORS})
def product_patch(request, product_id: int, payload: ProductPatch):
    require(request, Permission.SALES_MANAGE)
    product = selectors.product_get(organisation=request.organisation, product_id=product_id)
    return services.product_update(
        actor=request_actor(request), product=product, **payload.dict(exclude_unset=True)
    )


@router.post("/{int:product_id}/deactivate", response={200: ProductOut, **ERRORS})
def product_deactivate(request, product_id: int):
    """No longer offered on new documents (a product is never deleted)."""
    require(request, Permission.SALES_MANAGE)
    product = selectors.product_get(organisation=request.organisation, product_id=product_id)
    return services.product_deactivate(actor=request_actor(request), product=product)


@router.post("/{int:product_id}/activate", response={200: ProductOut, **ERRORS})
def product_activate(request, product_id: int):
    require(request, Permission.SALES_MANAGE)
    product = selectors.product_get(organisation=request.organisation, product_id=product_id)
    return services.product_activate(actor=request_actor(request), product=product)
