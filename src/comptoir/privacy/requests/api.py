"""The rights-request API (``/api/rights-requests``): list, record, read, and
the DPO's actions that need no file (extension, pause, answer, refusal).
Thin: the services hold the rules. ``privacy.manage`` (owner, admin) only."""

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from comptoir.api.auth import require
from comptoir.api.errors import ERRORS
from comptoir.api.modelschema import model_schema
from comptoir.audit.reads import record_list_page, record_read, subjects_of
from comptoir.core.http import request_actor
from comptoir.privacy.requests import selectors, services
from comptoir.privacy.requests.models import RequestKind, RequestState, RightsRequest
from comptoir.privacy.requests.services import MAX_TEXT
from comptoir.tenancy.roles import Permission

router = Router(tags=["rights requests"])
OBJECT_TYPE = RightsRequest._meta.label_lower

RightsRequestIn = model_schema(
    "RightsRequestIn",
    RightsRequest,
    {"kind", "requester_email", "message", "received_at"},
    mode="in",
    info={"received_at": {"default": None, "nullable": True, "description": "default: now"}},
)


class RightsRequestOut(Schema):
    id: int
    kind: str
    channel: str
    state: str
    requester_email: str
    message: str
    filed_at: datetime
    received_at: datetime | None
    due_on: date | None
    extension_months: int
    extension_reason: str
    fulfilled_at: datetime | None
    answer: str
    answered_at: datetime | None
    subject_count: int
    member_count: int

    @staticmethod
    def resolve_subject_count(obj) -> int:
        return obj.subjects.count()

    @staticmethod
    def resolve_member_count(obj) -> int:
        return obj.users.count()


class RightsRequestFilter(Schema):
    state: RequestState | None = None
    kind: RequestKind | None = None


class ExtendIn(Schema):
    months: int = Field(..., ge=1, le=2)
    reason: str = Field(..., min_length=1, max_length=MAX_TEXT)


class NoteIn(Schema):
    note: str = Field(..., min_length=1, max_length=MAX_TEXT)


class AnswerIn(Schema):
    answer: str = Field(..., min_length=1, max_length=MAX_TEXT)


class RefuseIn(Schema):
    reasons: str = Field(..., min_length=1, max_length=MAX_TEXT)


def _get(request, rights_request_id: int) -> RightsRequest:
    require(request, Permission.PRIVACY_MANAGE)
    return get_object_or_404(
        selectors.request_list(organisation=request.organisation), pk=rights_request_id
    )


@router.get("", response={200: list[RightsRequestOut], **ERRORS})
@paginate
def rights_request_list(request, filters: Query[RightsRequestFilter]):
    require(request, Permission.PRIVACY_MANAGE)
    record_list_page(request, object_type=OBJECT_TYPE)
    return selectors.request_list(
        organisation=request.organisation, state=filters.state or "", kind=filters.kind or ""
    )


@router.post("", response={201: RightsRequestOut, **ERRORS})
def rights_request_create(request, payload: RightsRequestIn):
    """Record a request received by staff: open at once, matched now."""
    require(request, Permission.PRIVACY_MANAGE)
    data = payload.dict()
    created = services.request_record(
        actor=request_actor(request),
        organisation=request.organisation,
        kind=data["kind"],
        email=data["requester_email"],
        message=data.get("message") or "",
        received_at=data.get("received_at"),
    )
    return Status(201, created)


@router.get("/{int:rights_request_id}", response={200: RightsRequestOut, **ERRORS})
def rights_request_get(request, rights_request_id: int):
    found = _get(request, rights_request_id)
    record_read(request, object_type=OBJECT_TYPE, object_id=found.pk, subjects=subjects_of([found]))
    return found


@router.post("/{int:rights_request_id}/extend", response={200: RightsRequestOut, **ERRORS})
def rights_request_extend(request, rights_request_id: int, payload: ExtendIn):
    """Extend by one or two months, within the first month; the person is mailed the reason."""
    found = _get(request, rights_request_id)
    return services.request_extend(
        actor=request_actor(request),
        rights_request=found,
        months=payload.months,
        reason=payload.reason,
    )


@router.post("/{int:rights_request_id}/identity-ask", response={200: RightsRequestOut, **ERRORS})
def rights_request_identity_ask(request, rights_request_id: int, payload: NoteIn):
    """Ask the person for proof of identity: the clock pauses."""
    found = _get(request, rights_request_id)
    return services.request_identity_ask(
        actor=request_actor(request), rights_request=found, note=payload.note
    )


@router.post(
    "/{int:rights_request_id}/identity-received", response={200: RightsRequestOut, **ERRORS}
)
def rights_request_identity_received(request, rights_request_id: int):
    """The proof came: the clock runs again (a copy is uploaded through the UI)."""
    found = _get(request, rights_request_id)
    return services.request_identity_received(actor=request_actor(request), rights_request=found)


@router.post("/{int:rights_request_id}/answer", response={200: RightsRequestOut, **ERRORS})
def rights_request_answer(request, rights_request_id: int, payload: AnswerIn):
    found = _get(request, rights_request_id)
    return services.request_answer(
        actor=request_actor(request), rights_request=found, answer=payload.answer
    )


@router.post("/{int:rights_request_id}/refuse", response={200: RightsRequestOut, **ERRORS})
def rights_request_refuse(request, rights_request_id: int, payload: RefuseIn):
    found = _get(request, rights_request_id)
    return services.request_refuse(
        actor=request_actor(request), rights_request=found, reasons=payload.reasons
    )
