"""The schemas of the invoices API, derived from the models
(``api.modelschema``) and the services' accepted fields.

Amounts (lines and totals) go only to the roles that see sales or finance
figures: for the others (support) ``lines`` and ``totals`` are null.
"""

from ninja import Field, Schema
from pydantic import create_model

from comptoir.api.modelschema import Id, field_of, model_schema
from comptoir.invoicing import selectors
from comptoir.invoicing.models import DocumentSending, Invoice, InvoiceLine
from comptoir.invoicing.services.drafts import INVOICE_FIELDS, LINE_FIELDS
from comptoir.sales import rules
from comptoir.sales.api.schemas import (
    COPIED,
    MAX_LINES,
    Out,
    TotalsOut,
    text_defaults,
    totals_out,
)
from comptoir.tenancy.roles import Permission, has_permission

AMOUNTS_HELP = "null for a role that sees no sales nor finance figures (support)"
LINE_INFO = {
    "position": {"description": "default: after the last line"},
    "product": {
        "description": "its reference, name, unit, price and VAT are copied, "
        "then replaced by those given"
    },
    **{name: COPIED for name in ("name", "unit_price", "vat_rate")},
}


def sees_amounts(context) -> bool:
    request = (context or {}).get("request")
    membership = getattr(request, "membership", None)
    if membership is None:
        return False
    return has_permission(membership.role, Permission.SALES_VIEW) or has_permission(
        membership.role, Permission.FINANCE_VIEW
    )


def totals_of(invoice: Invoice):
    """The totals: as issued (the frozen document's), or the draft's as it stands."""
    if invoice.is_issued:
        return selectors.invoice_document(invoice).totals
    return rules.totals_of(invoice)


# Lines -----------------------------------------------------------------------------
InvoiceLineIn = model_schema(
    "InvoiceLineIn",
    InvoiceLine,
    LINE_FIELDS,
    mode="in",
    info=text_defaults(InvoiceLine, LINE_FIELDS, LINE_INFO),
    doc="A line: from a product (product_id), or free (name, quantity, unit_price, VAT).",
)
InvoiceLinePatch = model_schema("InvoiceLinePatch", InvoiceLine, LINE_FIELDS, mode="patch")


class _LineOutBase(Out):
    id: int
    order_line_id: int | None
    credited_line_id: int | None


InvoiceLineOut = model_schema(
    "InvoiceLineOut", InvoiceLine, LINE_FIELDS, mode="out", base=_LineOutBase
)


# Invoices --------------------------------------------------------------------------
InvoicePatch = model_schema("InvoicePatch", Invoice, INVOICE_FIELDS, mode="patch")
InvoiceIn = model_schema(
    "InvoiceIn",
    Invoice,
    INVOICE_FIELDS,
    mode="in",
    info=text_defaults(Invoice, INVOICE_FIELDS),
    extra={"lines": (list[InvoiceLineIn], Field([], max_length=MAX_LINES))},
)


class _SummaryBase(Out):
    id: int
    number: str = Field(description="empty for a draft")
    kind: str
    status: str = Field(description="draft or issued")
    order_id: int | None
    credited_id: int | None
    totals: TotalsOut | None = Field(description=f"EN 16931 totals; {AMOUNTS_HELP}")

    @staticmethod
    def resolve_totals(obj, context) -> dict | None:
        if not sees_amounts(context):
            return None
        return totals_out(totals_of(obj))


SUMMARY_FIELDS = {*INVOICE_FIELDS, "issue_date", "due_date", "created_at"}
InvoiceSummaryOut = model_schema(
    "InvoiceSummaryOut", Invoice, SUMMARY_FIELDS, mode="out", base=_SummaryBase
)


class _DetailBase(_SummaryBase):
    quote_id: int | None
    deducted_on_id: int | None
    payment_reference: str
    lines: list[InvoiceLineOut] | None = Field(description=f"the lines; {AMOUNTS_HELP}")
    credit_note_ids: list[int]
    down_payment_ids: list[int] = Field(
        description="the down-payment invoices this final invoice deducts"
    )

    @staticmethod
    def resolve_lines(obj, context) -> list | None:
        if not sees_amounts(context):
            return None
        return list(obj.lines.all())

    @staticmethod
    def resolve_credit_note_ids(obj) -> list[int]:
        return list(obj.credit_notes.values_list("pk", flat=True))

    @staticmethod
    def resolve_down_payment_ids(obj) -> list[int]:
        return list(obj.down_payments.values_list("pk", flat=True))


InvoiceOut = model_schema(
    "InvoiceOut",
    Invoice,
    {*SUMMARY_FIELDS, "updated_at"},
    mode="out",
    base=_DetailBase,
)


class InvoiceFilter(Schema):
    status: str | None = Field(None, pattern="^(draft|issued)$")
    kind: str | None = Field(None, pattern="^(invoice|down_payment|credit_note)$")
    party_id: Id | None = None
    year: int | None = Field(None, ge=1900, le=9999, description="the year of the issue date")


# Made from an order or deliveries ---------------------------------------------------
QuantityIn = model_schema(
    "QuantityIn",
    InvoiceLine,
    {"quantity"},
    mode="in",
    extra={"order_line_id": (Id, Field(..., description="a line of the order"))},
)


class FromOrderIn(Schema):
    lines: list[QuantityIn] | None = Field(
        None, max_length=MAX_LINES, description="null: all that remains of every line"
    )


class FromDeliveriesIn(Schema):
    delivery_ids: list[Id] = Field(..., min_length=1, max_length=100)


# Credit notes and down payments ----------------------------------------------------
CreditLineIn = model_schema(
    "CreditLineIn",
    InvoiceLine,
    {"quantity"},
    mode="in",
    extra={"invoice_line_id": (Id, Field(..., description="a line of the credited invoice"))},
)
CreditNoteIn = model_schema(
    "CreditNoteIn",
    Invoice,
    {"issue_date", "notes"},
    mode="patch",
    extra={
        "lines": (
            list[CreditLineIn] | None,
            Field(None, max_length=MAX_LINES, description="null: the whole invoice"),
        )
    },
)
DownPaymentIn = create_model(
    "DownPaymentIn",
    __base__=Schema,
    percent=field_of(
        Invoice._meta.get_field("discount_percent"),
        "patch",
        default=None,
        nullable=True,
        description="a percentage of the order's total excl. VAT (or give amount)",
    ),
    amount=field_of(
        Invoice._meta.get_field("charge_amount"),
        "patch",
        default=None,
        nullable=True,
        description="an amount excl. VAT (or give percent)",
    ),
)


# Sending --------------------------------------------------------------------------
class SendIn(Schema):
    contact_person_id: Id | None = Field(
        None, description="one of the client's contact persons; null: the client's email"
    )


class _SendingOutBase(Schema):
    id: int
    invoice_id: int
    recipient_party_id: int
    recipient_contact_id: int | None


SendingOut = model_schema(
    "SendingOut",
    DocumentSending,
    {"files", "sent_at"},
    mode="out",
    base=_SendingOutBase,
)
