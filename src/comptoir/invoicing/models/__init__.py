from comptoir.invoicing.models.invoices import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus

__all__ = ["Invoice", "InvoiceKind", "InvoiceLine", "InvoiceStatus"]
