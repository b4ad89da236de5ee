"""The catalogue as the pages and the API read it."""

from django.db.models import Q, QuerySet

from comptoir.sales.models import Product
from comptoir.tenancy.models import Organisation


def product_list(
    *,
    organisation: Organisation,
    search: str = "",
    active: bool | None = None,
    is_service: bool | None = None,
) -> QuerySet[Product]:
    """Products and services, by reference; ``search`` finds a reference or a
    name containing it (neither is personal data)."""
    products = Product.objects.of(organisation)
    search = search.strip()
    if search:
        products = products.filter(Q(reference__icontains=search) | Q(name__icontains=search))
    if active is not None:
        products = products.filter(is_active=active)
    if is_service is not None:
        products = products.filter(is_service=is_service)
    return products.order_by("reference", "pk")


def product_get(*, organisation: Organisation, product_id: int) -> Product:
    return Product.objects.of(organisation).get(pk=product_id)
