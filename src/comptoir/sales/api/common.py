"""What the operations of the sales API share: ids of a body turned into the
organisation's objects, and the services' errors named as the body names them."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.http import HttpResponse

from comptoir.audit.reads import record_read, subjects_of
from comptoir.parties import selectors as party_selectors
from comptoir.parties.api.common import one
from comptoir.sales import selectors
from comptoir.sales.models import DeliveryNote, Order, Product, Quote

PRODUCT = Product._meta.label_lower
QUOTE = Quote._meta.label_lower
ORDER = Order._meta.label_lower
DELIVERY = DeliveryNote._meta.label_lower
# The values a body leaves to the product it names.
COPIED = ("name", "unit_price", "vat_rate")


def _body_name(name: str) -> str:
    head, _dot, last = name.rpartition(".")
    last = {"party": "party_id", "product": "product_id"}.get(last, last)
    return f"{head}.{last}" if head else last


@contextmanager
def body_names() -> Iterator[None]:
    """Errors of a service keyed by the names of the body (``party`` -> ``party_id``)."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {_body_name(name): errors for name, errors in exc.error_dict.items()}
        ) from None


def party(request, pk: int | None, field: str = "party_id"):
    return one(party_selectors.party_list(organisation=request.organisation), pk, field)


def product(request, pk: int | None, field: str = "product_id"):
    return one(selectors.product_list(organisation=request.organisation), pk, field)


def header(request, values: dict) -> dict:
    """A document's fields from a body: ``party_id`` -> ``party``."""
    if "party_id" in values:
        values["party"] = party(request, values.pop("party_id"))
    return values


def line(request, values: dict, field: str = "product_id") -> dict:
    """A line's fields from a body: ``product_id`` -> ``product``; the values it
    copies from its product left out when not given."""
    if "product_id" in values:
        values["product"] = product(request, values.pop("product_id"), field)
    for name in COPIED:
        if name in values and values[name] is None:
            del values[name]
    return values


def lines(request, bodies: list) -> list[dict]:
    return [
        line(request, body.dict(), field=f"lines.{number}.product_id")
        for number, body in enumerate(bodies)
    ]


# A PDF download's response, as the OpenAPI document declares it.
PDF = {
    "responses": {
        200: {
            "description": "the document printed as a PDF",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def pdf_response(request, document, object_type: str) -> HttpResponse:
    """The document's PDF; journalled as a read of the document."""
    data, name = selectors.document_pdf(document)
    record_read(
        request, object_type=object_type, object_id=document.pk, subjects=subjects_of([document])
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
