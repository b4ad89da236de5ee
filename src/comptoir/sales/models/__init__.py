from comptoir.sales.models.catalogue import Product
from comptoir.sales.models.documents import (
    DeliveryLine,
    DeliveryNote,
    Order,
    OrderLine,
    Quote,
    QuoteLine,
)
from comptoir.sales.models.numbering import NumberCounter, NumberSeries, Series
from comptoir.sales.models.pipeline import Opportunity, PipelineStage
from comptoir.sales.models.settings import SalesSettings

__all__ = [
    "DeliveryLine",
    "DeliveryNote",
    "NumberCounter",
    "NumberSeries",
    "Opportunity",
    "Order",
    "OrderLine",
    "PipelineStage",
    "Product",
    "Quote",
    "QuoteLine",
    "SalesSettings",
    "Series",
]
