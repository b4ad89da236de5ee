"""Quotes: drafts and their lines, sending, acceptance, refusal, the order."""

from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from comptoir.api.auth import require
from comptoir.api.errors import ERRORS
from comptoir.audit.reads import record_list_page, record_read, subjects_of
from comptoir.core.http import request_actor
from comptoir.sales import selectors, services
from comptoir.sales.api import common
from comptoir.sales.api.common import QUOTE, body_names
from comptoir.sales.api.schemas import (
    DecideIn,
    LineIn,
    LineOut,
    LinePatch,
    OrderFromQuoteIn,
    OrderOut,
    QuoteFilter,
    QuoteIn,
    QuoteOut,
    QuotePatch,
    QuoteSummaryOut,
    SendIn,
)
from comptoir.tenancy.roles import Permission

router = Router(tags=["quotes"])


def _quote(request, quote_id: int):
    return selectors.quote_get(organisation=request.organisation, quote_id=quote_id)


@router.get("", response={200: list[QuoteSummaryOut], **ERRORS})
@paginate
def quote_list(request, filters: Query[QuoteFilter]):
    require(request, Permission.SALES_VIEW)
    party = common.party(request, filters.party_id)
    record_list_page(request, object_type=QUOTE)
    return selectors.quote_list(
        organisation=request.organisation,
        status=filters.status,
        party=party,
        today=timezone.localdate(),
    ).prefetch_related("lines")


@router.post("", response={201: QuoteOut, **ERRORS})
def quote_create(request, payload: QuoteIn):
    require(request, Permission.SALES_MANAGE)
    values = common.header(request, payload.dict(exclude={"lines"}))
    lines = common.lines(request, payload.lines)
    with body_names():
        quote = services.quote_create(
            actor=request_actor(request), organisation=request.organisation, lines=lines, **values
        )
    return Status(201, quote)


@router.get("/{int:quote_id}", response={200: QuoteOut, **ERRORS})
def quote_detail(request, quote_id: int):
    require(request, Permission.SALES_VIEW)
    quote = _quote(request, quote_id)
    record_read(request, object_type=QUOTE, object_id=quote.pk, subjects=subjects_of([quote]))
    return quote


@router.patch("/{int:quote_id}", response={200: QuoteOut, **ERRORS})
def quote_patch(request, quote_id: int, payload: QuotePatch):
    """Change a draft."""
    require(request, Permission.SALES_MANAGE)
    quote = _quote(request, quote_id)
    changes = common.header(request, payload.dict(exclude_unset=True))
    with body_names():
        return services.quote_update(actor=request_actor(request), quote=quote, **changes)


@router.post("/{int:quote_id}/lines", response={201: LineOut, **ERRORS})
def quote_line_add(request, quote_id: int, payload: LineIn):
    require(request, Permission.SALES_MANAGE)
    quote = _quote(request, quote_id)
    with body_names():
        line = services.quote_line_add(
            actor=request_actor(request), quote=quote, **common.line(request, payload.dict())
        )
    return Status(201, line)


def _line(request, quote_id: int, line_id: int):
    return _quote(request, quote_id).lines.get(pk=line_id)


@router.patch("/{int:quote_id}/lines/{int:line_id}", response={200: LineOut, **ERRORS})
def quote_line_patch(request, quote_id: int, line_id: int, payload: LinePatch):
    require(request, Permission.SALES_MANAGE)
    line = _line(request, quote_id, line_id)
    changes = common.line(request, payload.dict(exclude_unset=True))
    with body_names():
        return services.quote_line_update(actor=request_actor(request), line=line, **changes)


@router.delete("/{int:quote_id}/lines/{int:line_id}", response={204: None, **ERRORS})
def quote_line_remove(request, quote_id: int, line_id: int):
    require(request, Permission.SALES_MANAGE)
    services.quote_line_remove(actor=request_actor(request), line=_line(request, quote_id, line_id))
    return Status(204, None)


@router.post("/{int:quote_id}/send", response={200: QuoteOut, **ERRORS})
def quote_send(request, quote_id: int, params: Query[SendIn]):
    """Number the draft and date it (valid for the settings' quote validity unless given)."""
    require(request, Permission.SALES_MANAGE)
    return services.quote_send(
        actor=request_actor(request), quote=_quote(request, quote_id), **params.dict()
    )


@router.post("/{int:quote_id}/accept", response={200: QuoteOut, **ERRORS})
def quote_accept(request, quote_id: int, params: Query[DecideIn]):
    """Only a sent quote, on or before its validity date (422 once expired)."""
    require(request, Permission.SALES_MANAGE)
    return services.quote_accept(
        actor=request_actor(request), quote=_quote(request, quote_id), on=params.on
    )


@router.post("/{int:quote_id}/refuse", response={200: QuoteOut, **ERRORS})
def quote_refuse(request, quote_id: int, params: Query[DecideIn]):
    require(request, Permission.SALES_MANAGE)
    return services.quote_refuse(
        actor=request_actor(request), quote=_quote(request, quote_id), on=params.on
    )


@router.post("/{int:quote_id}/order", response={201: OrderOut, **ERRORS})
def quote_order(request, quote_id: int, params: Query[OrderFromQuoteIn]):
    """The order of an accepted quote: its lines, client and order reference."""
    require(request, Permission.SALES_MANAGE)
    order = services.order_from_quote(
        actor=request_actor(request),
        quote=_quote(request, quote_id),
        purchase_order=params.dict(exclude_unset=True).get("purchase_order"),
    )
    return Status(201, order)


@router.get("/{int:quote_id}/pdf", response=ERRORS, openapi_extra=common.PDF)
def quote_pdf(request, quote_id: int):
    """The quote printed as a PDF (in the organisation's branding)."""
    require(request, Permission.SALES_VIEW)
    return common.pdf_response(request, _quote(request, quote_id), QUOTE)
