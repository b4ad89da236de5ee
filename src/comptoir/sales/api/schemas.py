"""The schemas of the sales API, derived from the models (``api.modelschema``)
and the services' accepted fields."""

from datetime import date

from django.db import models
from django.utils import timezone
from ninja import Field, Schema
from pydantic import ConfigDict

from comptoir.api.modelschema import Id, model_schema
from comptoir.core.totals import Totals
from comptoir.sales import rules
from comptoir.sales.models import (
    DeliveryLine,
    DeliveryNote,
    Order,
    OrderLine,
    Product,
    Quote,
    QuoteLine,
    SalesSettings,
)
from comptoir.sales.models.numbering import NumberSeries
from comptoir.sales.selectors import order_progress
from comptoir.sales.services.catalogue import PRODUCT_FIELDS
from comptoir.sales.services.deliveries import DELIVERY_FIELDS
from comptoir.sales.services.orders import ORDER_FIELDS
from comptoir.sales.services.quotes import QUOTE_FIELDS, QUOTE_LINE_FIELDS
from comptoir.sales.services.settings import SETTINGS_FIELDS

MAX_LINES = 500


class Out(Schema):
    """A response: amounts (``Decimal``) written as strings, never JSON numbers."""

    model_config = ConfigDict(coerce_numbers_to_str=True)


def text_defaults(model, names, info: dict | None = None) -> dict:
    """``info`` with the model's default amounts as strings (an amount is a string
    in a body)."""
    info = {name: dict(value) for name, value in (info or {}).items()}
    for name in names:
        field = model._meta.get_field(name)
        if isinstance(field, models.DecimalField) and field.has_default():
            info.setdefault(name, {}).setdefault("default", str(field.default))
    return info


# Totals ----------------------------------------------------------------------------
class VatOut(Schema):
    category: str
    rate: str
    taxable: str
    tax: str


class TotalsOut(Schema):
    """EN 16931 totals, computed from the lines (never stored)."""

    line_total: str
    allowance_total: str
    charge_total: str
    tax_exclusive: str
    tax_total: str
    tax_inclusive: str
    payable: str
    vat: list[VatOut]


def totals_out(totals: Totals) -> dict:
    names = ("line_total", "allowance_total", "charge_total", "tax_exclusive", "tax_total")
    return {
        **{name: str(getattr(totals, name)) for name in names},
        "tax_inclusive": str(totals.tax_inclusive),
        "payable": str(totals.payable),
        "vat": [
            {
                "category": v.category,
                "rate": str(v.rate),
                "taxable": str(v.taxable),
                "tax": str(v.tax),
            }
            for v in totals.vat
        ],
    }


# Products --------------------------------------------------------------------------
ProductPatch = model_schema("ProductPatch", Product, PRODUCT_FIELDS, mode="patch")
ProductIn = model_schema(
    "ProductIn", Product, PRODUCT_FIELDS, mode="in", info=text_defaults(Product, PRODUCT_FIELDS)
)


class _ProductOutBase(Out):
    id: int


ProductOut = model_schema(
    "ProductOut",
    Product,
    {*PRODUCT_FIELDS, "is_active", "created_at", "updated_at"},
    mode="out",
    base=_ProductOutBase,
)


class ProductFilter(Schema):
    search: str = Field("", max_length=100, description="part of a reference or a name")
    active: bool | None = None


# Lines -----------------------------------------------------------------------------
COPIED = {"default": None, "nullable": True, "description": "default: the product's"}
LINE_INFO = {
    "position": {"description": "default: after the last line"},
    **{name: COPIED for name in ("name", "unit_price", "vat_rate")},
}
LineIn = model_schema(
    "LineIn",
    QuoteLine,
    QUOTE_LINE_FIELDS,
    mode="in",
    info=text_defaults(
        QuoteLine,
        QUOTE_LINE_FIELDS,
        {
            **LINE_INFO,
            "product": {
                "description": "its reference, name, unit, price and VAT are copied, "
                "then replaced by those given"
            },
        },
    ),
    doc="A line: from a product (product_id), or free (name, quantity, unit_price, VAT).",
)
LinePatch = model_schema("LinePatch", QuoteLine, QUOTE_LINE_FIELDS, mode="patch")


class _LineOutBase(Out):
    id: int


LineOut = model_schema("LineOut", QuoteLine, QUOTE_LINE_FIELDS, mode="out", base=_LineOutBase)


# Quotes ----------------------------------------------------------------------------
QuotePatch = model_schema("QuotePatch", Quote, QUOTE_FIELDS, mode="patch")
QuoteIn = model_schema(
    "QuoteIn",
    Quote,
    QUOTE_FIELDS,
    mode="in",
    info=text_defaults(Quote, QUOTE_FIELDS),
    extra={"lines": (list[LineIn], Field([], max_length=MAX_LINES))},
)


class _QuoteSummaryBase(Out):
    id: int
    number: str
    status: str = Field(
        description="draft, sent, accepted, refused, or expired (sent, past valid_until)"
    )
    decided_on: date | None
    totals: TotalsOut

    @staticmethod
    def resolve_status(obj) -> str:
        return rules.quote_state(obj, timezone.localdate())

    @staticmethod
    def resolve_totals(obj) -> dict:
        return totals_out(rules.totals_of(obj))


QuoteSummaryOut = model_schema(
    "QuoteSummaryOut", Quote, {*QUOTE_FIELDS, "created_at"}, mode="out", base=_QuoteSummaryBase
)


class _QuoteOutBase(_QuoteSummaryBase):
    lines: list[LineOut]
    order_ids: list[int]

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())

    @staticmethod
    def resolve_order_ids(obj) -> list[int]:
        return list(obj.orders.values_list("pk", flat=True))


QuoteOut = model_schema(
    "QuoteOut", Quote, {*QUOTE_FIELDS, "created_at", "updated_at"}, mode="out", base=_QuoteOutBase
)


class QuoteFilter(Schema):
    status: str | None = Field(None, pattern="^(draft|sent|accepted|refused|expired)$")
    party_id: Id | None = None


class SendIn(Schema):
    issue_date: date | None = Field(None, description="default: today")
    valid_until: date | None = Field(
        None, description="default: the date + the quote validity of the settings"
    )


class DecideIn(Schema):
    on: date | None = Field(None, description="default: today")


OrderFromQuoteIn = model_schema(
    "OrderFromQuoteIn",
    Order,
    {"purchase_order"},
    mode="patch",
    info={"purchase_order": {"description": "default: the quote's"}},
)


# Orders ----------------------------------------------------------------------------
OrderIn = model_schema(
    "OrderIn",
    Order,
    ORDER_FIELDS,
    mode="in",
    info=text_defaults(Order, ORDER_FIELDS),
    extra={"lines": (list[LineIn], Field(..., min_length=1, max_length=MAX_LINES))},
)


class _OrderSummaryBase(Out):
    id: int
    number: str
    status: str
    quote_id: int | None
    totals: TotalsOut

    @staticmethod
    def resolve_totals(obj) -> dict:
        return totals_out(rules.totals_of(obj))


OrderSummaryOut = model_schema(
    "OrderSummaryOut", Order, {*ORDER_FIELDS, "created_at"}, mode="out", base=_OrderSummaryBase
)


class _OrderLineOutBase(Out):
    id: int
    delivered: str = Field(description="on delivery notes (shipped or being prepared)")
    invoiced: str = Field(description="on invoices, less credit notes")
    remaining: str = Field(description="what a delivery note may still take")


OrderLineOut = model_schema(
    "OrderLineOut", OrderLine, QUOTE_LINE_FIELDS, mode="out", base=_OrderLineOutBase
)


class _OrderOutBase(_OrderSummaryBase):
    lines: list[OrderLineOut]
    delivery_ids: list[int]

    @staticmethod
    def resolve_lines(obj) -> list[dict]:
        return [
            {
                "id": p.line.pk,
                **{
                    name: getattr(p.line, OrderLine._meta.get_field(name).attname)
                    for name in QUOTE_LINE_FIELDS
                },
                "product_id": p.line.product_id,
                "delivered": str(p.delivered),
                "invoiced": str(p.invoiced),
                "remaining": str(p.remaining),
            }
            for p in order_progress(obj)
        ]

    @staticmethod
    def resolve_delivery_ids(obj) -> list[int]:
        return list(obj.deliveries.values_list("pk", flat=True))


OrderOut = model_schema(
    "OrderOut", Order, {*ORDER_FIELDS, "created_at", "updated_at"}, mode="out", base=_OrderOutBase
)


class OrderFilter(Schema):
    status: str | None = Field(None, pattern="^(open|cancelled)$")
    party_id: Id | None = None


DeliveredIn = model_schema("DeliveredIn", DeliveryLine, {"order_line", "quantity"}, mode="in")


DeliveryPatch = model_schema("DeliveryPatch", DeliveryNote, DELIVERY_FIELDS, mode="patch")
DeliveryIn = model_schema(
    "DeliveryIn",
    DeliveryNote,
    DELIVERY_FIELDS,
    mode="patch",
    extra={
        "lines": (
            list[DeliveredIn] | None,
            Field(None, max_length=MAX_LINES, description="null: all that remains of every line"),
        )
    },
)


# Delivery notes --------------------------------------------------------------------
class _DeliveryLineOutBase(Out):
    id: int
    order_line_id: int


DeliveryLineOut = model_schema(
    "DeliveryLineOut", DeliveryLine, QUOTE_LINE_FIELDS, mode="out", base=_DeliveryLineOutBase
)


class _DeliveryOutBase(Out):
    id: int
    number: str
    status: str
    order_id: int
    party_id: int
    lines: list[DeliveryLineOut]

    @staticmethod
    def resolve_lines(obj) -> list:
        return list(obj.lines.all())


DeliveryOut = model_schema(
    "DeliveryOut",
    DeliveryNote,
    {*DELIVERY_FIELDS, "created_at", "updated_at"},
    mode="out",
    base=_DeliveryOutBase,
)


class DeliveryFilter(Schema):
    status: str | None = Field(None, pattern="^(draft|shipped)$")
    order_id: Id | None = None


class ShipIn(Schema):
    delivered_on: date | None = Field(None, description="default: today")


# Settings --------------------------------------------------------------------------
SettingsPatch = model_schema("SalesSettingsPatch", SalesSettings, SETTINGS_FIELDS, mode="patch")


class _SettingsOutBase(Out):
    has_logo: bool

    @staticmethod
    def resolve_has_logo(obj) -> bool:
        return bool(obj.logo)


SettingsOut = model_schema(
    "SalesSettingsOut", SalesSettings, SETTINGS_FIELDS, mode="out", base=_SettingsOutBase
)
SeriesIn = model_schema("NumberSeriesIn", NumberSeries, {"series", "pattern"}, mode="in")


class SeriesOut(Schema):
    series: str
    label: str
    pattern: str
    is_default: bool
