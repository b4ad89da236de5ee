from comptoir.invoicing.models.frozen import FrozenDocument
from comptoir.invoicing.models.invoices import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus
from comptoir.invoicing.models.issued import IssuedDocument

__all__ = [
    "FrozenDocument",
    "Invoice",
    "InvoiceKind",
    "InvoiceLine",
    "InvoiceStatus",
    "IssuedDocument",
]
