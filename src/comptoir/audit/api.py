from datetime import datetime

from ninja import FilterSchema, Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from comptoir.api.auth import require
from comptoir.api.errors import ERRORS
from comptoir.audit import selectors
from comptoir.audit.models import Action, ActorKind
from comptoir.audit.reads import record_list, record_read
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


class EventFilter(FilterSchema):
    action: Action | None = None
    actor_user_id: int | None = None
    object_type: str | None = None
    object_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@router.get("/events", response={200: list[EventOut], **ERRORS})
@paginate(LimitOffsetPagination)
def event_list(request, filters: Query[EventFilter]):
    require(request, Permission.AUDIT_VIEW)
    record_list(request, object_type="audit.AuditEvent")
    values = {k: v for k, v in filters.dict().items() if v is not None}
    return selectors.audit_event_list(organisation_id=request.organisation.pk, **values)


@router.get("/events/{int:event_id}", response={200: EventOut, **ERRORS})
def event_detail(request, event_id: int):
    require(request, Permission.AUDIT_VIEW)
    event = selectors.audit_event_get(organisation_id=request.organisation.pk, event_id=event_id)
    record_read(request, object_type="audit.AuditEvent", object_id=event.pk)
    return event
