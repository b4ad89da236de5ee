from comptoir.invoicing.models.invoices import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus

__all__ = ["Invoice", "InvoiceKind", "InvoiceLine", "InvoiceStatus"]
from comptoir.invoicing.models.bills import BillKind, BillSyntax, SupplierBill  # noqa: E402, F401
