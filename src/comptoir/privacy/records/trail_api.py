"""The API of one person's trail and recipients (the DPO's page, as data):
``/api/data-subjects/{uuid}/trail``, ``.../recipients`` and
``.../recipients/notify``. Privacy contacts only (``PRIVACY_MANAGE``); each
read is journalled, naming the person."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from ninja import Field, Query, Router, Schema

from comptoir.accounts.selectors import user_names
from comptoir.api.auth import require
from comptoir.api.errors import ERRORS
from comptoir.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET
from comptoir.audit.models import Action, ActorKind
from comptoir.audit.reads import record_read
from comptoir.audit.selectors import subject_trail_events, trail_entries
from comptoir.core.http import request_actor
from comptoir.privacy.models import DataSubject
from comptoir.privacy.records import disclosures
from comptoir.privacy.records.models import DisclosureKind
from comptoir.tenancy.roles import Permission

router = Router(tags=["privacy"])


class TrailEntryOut(Schema):
    when: datetime
    who: str = Field(description="the member's name, or the system")
    actor_kind: ActorKind
    actor_user_id: int | None
    action: Action
    object_type: str
    object_id: str
    fields: list[str]
    ip_address: str | None
    named: bool = Field(description="the event names the person (their data was shown)")


class TrailOut(Schema):
    items: list[TrailEntryOut]
    count: int


class DisclosureRecipientOut(Schema):
    kind: DisclosureKind
    recipient: str
    what: list[str]
    last_at: datetime | None
    standing: bool
    by_email: bool


class NotifyIn(Schema):
    change: Literal["rectification", "erasure", "restriction"]


class NotifyOut(Schema):
    queued: list[int] = Field(description="ids of the outbox messages queued")
    by_hand: list[DisclosureRecipientOut] = Field(description="recipients to notify by other means")


def _subject(request, subject_uuid: UUID) -> DataSubject:
    require(request, Permission.PRIVACY_MANAGE)
    return disclosures.subject_get(organisation=request.organisation, uuid=subject_uuid)


def _journal(request, subject: DataSubject) -> None:
    record_read(
        request,
        object_type=DataSubject._meta.label_lower,
        object_id=subject.uuid,
        subjects=[subject.pk],
    )


def _recipient(recipient: disclosures.Recipient) -> dict:
    return {
        "kind": recipient.kind,
        "recipient": recipient.recipient,
        "what": list(recipient.what),
        "last_at": recipient.last_at,
        "standing": recipient.standing,
        "by_email": recipient.by_email,
    }


@router.get("/{uuid:subject_uuid}/trail", response={200: TrailOut, **ERRORS})
def subject_trail(
    request,
    subject_uuid: UUID,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    """Who read, exported or changed anything about the person, newest first."""
    subject = _subject(request, subject_uuid)
    events = subject_trail_events(organisation=request.organisation, subject=subject)
    page = list(events[offset : offset + limit])
    entries = trail_entries(page, who=user_names(user_ids={e.actor_user_id for e in page}))
    _journal(request, subject)
    return {"items": [vars(entry) for entry in entries], "count": events.count()}


@router.get(
    "/{uuid:subject_uuid}/recipients", response={200: list[DisclosureRecipientOut], **ERRORS}
)
def recipients(request, subject_uuid: UUID):
    """Every recipient the person's data went to (GDPR art. 19)."""
    subject = _subject(request, subject_uuid)
    found = disclosures.recipients_to_notify(organisation=request.organisation, subject=subject)
    _journal(request, subject)
    return [_recipient(r) for r in found]


@router.post("/{uuid:subject_uuid}/recipients/notify", response={200: NotifyOut, **ERRORS})
def recipients_notify(request, subject_uuid: UUID, payload: NotifyIn):
    """Mail each email recipient of the person's data about a change; the
    others come back to be notified by hand."""
    subject = _subject(request, subject_uuid)
    notified = disclosures.recipients_notify(
        organisation=request.organisation,
        subject=subject,
        change=payload.change,
        actor=request_actor(request),
    )
    return {
        "queued": [message.pk for message in notified],
        "by_hand": [_recipient(r) for r in notified.by_hand],
    }
