"""The invoicing API: invoices, credit notes and down payments (``invoices``)."""

from comptoir.invoicing.api.invoices import router as invoices_router

__all__ = ["invoices_router"]
