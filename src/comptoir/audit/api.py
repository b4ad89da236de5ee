from datetime import datetime

from ninja import Field, FilterSchema, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import IPvAnyAddress

from comptoir.api.auth import require
from comptoir.api.errors import ERRORS
from comptoir.api.modelschema import Id, IsoDateTime
from comptoir.audit import selectors
from comptoir.audit.models import Action, ActorKind, AuditEvent
from comptoir.audit.reads import record_list_page, record_read
from comptoir.tenancy.roles import Permission

router = Router(tags=["audit"])


class EventOut(Schema):
    id: int
    seq: int
    actor_kind: ActorKind
    actor_user_id: int | None
    actor_token_id: int | None
    action: Action
    object_type: str
    object_id: str
    fields: list[str]
    ip_address: str | None
    created_at: datetime
    hash: str
    prev_hash: str


def _length(name: str) -> int:
    return AuditEvent._meta.get_field(name).max_length


class EventFilter(FilterSchema):
    action: Action | None = None
    actor_kind: ActorKind | None = None
    actor_user_id: Id | None = None
    actor_token_id: Id | None = None
    ip_address: IPvAnyAddress | None = None
    object_type: str | None = Field(None, max_length=_length("object_type"))
    object_id: str | None = Field(None, max_length=_length("object_id"))
    field: str | None = Field(None, max_length=100, description="a field name the event touched")
    since: IsoDateTime | None = Field(None, description="from this moment (included)")
    until: IsoDateTime | None = Field(None, description="up to this moment (excluded)")


def _selector_filters(filters: EventFilter) -> dict:
    values = {}
    for name, value in filters.dict().items():
        if value is None or value == "":
            continue
        if name == "ip_address":
            value = str(value)
        values[name] = value
    return values


@router.get("/events", response={200: list[EventOut], **ERRORS})
@paginate
def event_list(request, filters: Query[EventFilter]):
    require(request, Permission.AUDIT_VIEW)
    record_list_page(request, object_type="audit.AuditEvent")
    return selectors.audit_event_list(
        organisation_id=request.organisation.pk, **_selector_filters(filters)
    )


@router.get("/events/{int:event_id}", response={200: EventOut, **ERRORS})
def event_detail(request, event_id: int):
    require(request, Permission.AUDIT_VIEW)
    event = selectors.audit_event_get(organisation_id=request.organisation.pk, event_id=event_id)
    record_read(request, object_type="audit.AuditEvent", object_id=event.pk, subjects=())
    return event
