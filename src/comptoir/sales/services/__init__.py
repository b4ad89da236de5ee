"""The sales services: the catalogue, quotes, orders, delivery notes, settings."""

from comptoir.sales.services.catalogue import (
    product_activate,
    product_create,
    product_deactivate,
    product_update,
)
from comptoir.sales.services.deliveries import (
    delivery_delete,
    delivery_from_order,
    delivery_ship,
    delivery_update,
)
from comptoir.sales.services.orders import order_cancel, order_create, order_from_quote
from comptoir.sales.services.quotes import (
    quote_accept,
    quote_create,
    quote_line_add,
    quote_line_remove,
    quote_line_update,
    quote_refuse,
    quote_send,
    quote_update,
)
from comptoir.sales.services.settings import (
    number_series_set,
    sales_settings_get,
    sales_settings_logo_set,
    sales_settings_update,
)

__all__ = [
    "delivery_delete",
    "delivery_from_order",
    "delivery_ship",
    "delivery_update",
    "number_series_set",
    "order_cancel",
    "order_create",
    "order_from_quote",
    "product_activate",
    "product_create",
    "product_deactivate",
    "product_update",
    "quote_accept",
    "quote_create",
    "quote_line_add",
    "quote_line_remove",
    "quote_line_update",
    "quote_refuse",
    "quote_send",
    "quote_update",
    "sales_settings_get",
    "sales_settings_logo_set",
    "sales_settings_update",
]


# The sales pipeline (moved here from the parties app).
from comptoir.sales.services.pipeline import opportunity_create as opportunity_create
from comptoir.sales.services.pipeline import opportunity_move as opportunity_move
from comptoir.sales.services.pipeline import opportunity_update as opportunity_update
from comptoir.sales.services.pipeline import pipeline_stage_create as pipeline_stage_create
from comptoir.sales.services.pipeline import pipeline_stage_update as pipeline_stage_update
from comptoir.sales.services.pipeline import pipeline_stages_ensure as pipeline_stages_ensure
