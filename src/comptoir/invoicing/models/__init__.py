from comptoir.invoicing.models.invoices import Invoice, InvoiceKind, InvoiceLine, InvoiceStatus

__all__ = ["Invoice", "InvoiceKind", "InvoiceLine", "InvoiceStatus"]
from comptoir.invoicing.models.payments import Payment, PaymentAllocation, PaymentMethod  # noqa: E402

__all__ += ["Payment", "PaymentAllocation", "PaymentMethod"]
