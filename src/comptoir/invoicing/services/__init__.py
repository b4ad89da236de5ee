"""The invoicing services: drafts, issue, credit notes, down payments and
invoices made from orders and deliveries (one module each, re-exported here)."""

from comptoir.invoicing.services.credit_notes import credit_note_create
from comptoir.invoicing.services.down_payments import down_payment_create
from comptoir.invoicing.services.drafts import (
    invoice_create,
    invoice_delete,
    invoice_line_add,
    invoice_line_remove,
    invoice_line_update,
    invoice_update,
)
from comptoir.invoicing.services.from_orders import invoice_from_deliveries, invoice_from_order
from comptoir.invoicing.services.issue import invoice_issue

__all__ = [
    "credit_note_create",
    "down_payment_create",
    "invoice_create",
    "invoice_delete",
    "invoice_from_deliveries",
    "invoice_from_order",
    "invoice_issue",
    "invoice_line_add",
    "invoice_line_remove",
    "invoice_line_update",
    "invoice_update",
]
