"""The sales API: catalogue, quotes, orders, delivery notes, settings."""

from comptoir.sales.api.catalogue import router as products_router
from comptoir.sales.api.deliveries import router as deliveries_router
from comptoir.sales.api.orders import router as orders_router
from comptoir.sales.api.quotes import router as quotes_router
from comptoir.sales.api.settings import router as settings_router

__all__ = [
    "deliveries_router",
    "orders_router",
    "products_router",
    "quotes_router",
    "settings_router",
]
