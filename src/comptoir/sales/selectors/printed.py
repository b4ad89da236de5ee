"""A quote, an order or a delivery note as the PDF the client receives: the
printed document (``sales.printing``) rendered in the organisation's branding
(``sales.pdf``). A read: nothing is stored."""

from django.utils.text import slugify

from comptoir.core.documents import Kind
from comptoir.sales import pdf, printing
from comptoir.sales.models import DeliveryNote, Order, Quote

KINDS = {Quote: Kind.QUOTE, Order: Kind.ORDER, DeliveryNote: Kind.DELIVERY}


def document_pdf(document: Quote | Order | DeliveryNote) -> tuple[bytes, str]:
    """(the PDF's bytes, its file name: the document's number, or its kind and id
    for a draft)."""
    kind = KINDS[type(document)]
    settings = printing.settings_of(document.organisation)
    printed = printing.document_of(document, kind, settings=settings)
    data = pdf.render(printed, branding=pdf.branding_of(settings))
    name = slugify(document.number) or f"{kind.value}-{document.pk}"
    return data, f"{name}.pdf"
