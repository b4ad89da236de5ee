"""The sales selectors: every read of the pages and the API."""

from comptoir.sales.selectors.catalogue import product_get, product_list
from comptoir.sales.selectors.deliveries import delivered_quantities, delivery_get, delivery_list
from comptoir.sales.selectors.orders import LineProgress, order_get, order_list, order_progress
from comptoir.sales.selectors.printed import document_pdf
from comptoir.sales.selectors.quotes import quote_get, quote_list
from comptoir.sales.selectors.settings import SeriesPattern, number_patterns

__all__ = [
    "LineProgress",
    "SeriesPattern",
    "delivered_quantities",
    "document_pdf",
    "delivery_get",
    "delivery_list",
    "number_patterns",
    "order_get",
    "order_list",
    "order_progress",
    "product_get",
    "product_list",
    "quote_get",
    "quote_list",
]


# The sales pipeline (moved here from the parties app).
from comptoir.sales.selectors.pipeline import BoardColumn as BoardColumn
from comptoir.sales.selectors.pipeline import FunnelRow as FunnelRow
from comptoir.sales.selectors.pipeline import PipelineSummary as PipelineSummary
from comptoir.sales.selectors.pipeline import opportunity_board as opportunity_board
from comptoir.sales.selectors.pipeline import opportunity_list as opportunity_list
from comptoir.sales.selectors.pipeline import opportunity_open_list as opportunity_open_list
from comptoir.sales.selectors.pipeline import pipeline_funnel as pipeline_funnel
from comptoir.sales.selectors.pipeline import pipeline_open_summary as pipeline_open_summary
from comptoir.sales.selectors.pipeline import pipeline_stage_list as pipeline_stage_list
