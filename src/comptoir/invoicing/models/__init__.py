from comptoir.invoicing.models.bills import BillKind, BillSyntax, SupplierBill  # noqa: F401
from comptoir.invoicing.models.frozen import FrozenDocument
from comptoir.invoicing.models.invoices import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus
from comptoir.invoicing.models.issued import IssuedDocument
from comptoir.invoicing.models.payments import Payment, PaymentAllocation, PaymentMethod
from comptoir.invoicing.models.sendings import DocumentFile, DocumentSending, FileFormat

__all__ = [
    "DocumentFile",
    "DocumentSending",
    "FileFormat",
    "FrozenDocument",
    "Invoice",
    "InvoiceKind",
    "InvoiceLine",
    "InvoiceStatus",
    "IssuedDocument",
    "Payment",
    "PaymentAllocation",
    "PaymentMethod",
]
