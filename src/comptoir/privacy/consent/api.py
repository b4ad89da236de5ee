"""``/api/consents``: a person's consents (their state and the ledger), recording
a consent given or withdrawn, and the wordings.

A person is named by their ``subject_uuid`` (given by ``/api/parties`` and
``/api/contact-persons``): never by a value. Same permissions as the pages:
``contacts.view`` to read, ``contacts.manage`` to record, ``privacy.manage``
for a new wording.
"""

from datetime import datetime
from enum import StrEnum
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from comptoir.api.auth import require
from comptoir.api.errors import ERRORS
from comptoir.api.modelschema import Id, model_schema
from comptoir.audit.reads import record_read
from comptoir.core.http import request_actor
from comptoir.privacy.consent import selectors, services
from comptoir.privacy.consent.forms import STAFF_CHANNELS
from comptoir.privacy.consent.models import ConsentEvent, ConsentPurpose, ConsentWording
from comptoir.privacy.consent.selectors import ConsentStatus
from comptoir.privacy.models import DataSubject
from comptoir.tenancy.roles import Permission

router = Router(tags=["consents"])
EVENT = ConsentEvent._meta.label_lower

# What a member records: every channel but the person's own one-click link.
StaffChannel = StrEnum("StaffChannel", {value: value for value, _label in STAFF_CHANNELS})


class _WordingOutBase(Schema):
    id: int


WordingOut = model_schema(
    "ConsentWordingOut",
    ConsentWording,
    {"purpose", "version", "language", "text", "created_at"},
    mode="out",
    base=_WordingOutBase,
)
WordingIn = model_schema(
    "ConsentWordingIn", ConsentWording, {"purpose", "language", "text"}, mode="in"
)


class _EventOutBase(Schema):
    id: int


EventOut = model_schema(
    "ConsentEventOut",
    ConsentEvent,
    {
        "purpose",
        "action",
        "occurred_at",
        "channel",
        "form",
        "wording",
        "confirmed_at",
        "confirmed_via",
        "by_subject",
        "recorded_by",
    },
    mode="out",
    base=_EventOutBase,
)


class StateOut(Schema):
    purpose: ConsentPurpose
    status: ConsentStatus
    since: datetime | None
    event_id: int | None


class SubjectConsentsOut(Schema):
    subject_uuid: UUID
    states: list[StateOut]
    history: list[EventOut]


# A body as the services take it, from the model's fields; the channel is one a
# member may record (not the person's own one-click link).
DEFAULTED = {"default": None, "nullable": True}
CHANNEL = (StaffChannel, Field(..., description="how the consent or its withdrawal reached you"))
WithdrawIn = model_schema(
    "ConsentWithdrawIn",
    ConsentEvent,
    {"purpose", "form", "occurred_at"},
    mode="in",
    info={"occurred_at": {**DEFAULTED, "description": "default: now"}},
    extra={"channel": CHANNEL},
)
GiveIn = model_schema(
    "ConsentGiveIn",
    ConsentEvent,
    {"purpose", "form", "occurred_at"},
    mode="in",
    info={"occurred_at": {**DEFAULTED, "description": "default: now"}},
    extra={
        "channel": CHANNEL,
        "wording_id": (Id, Field(..., description="the wording the person was shown (its proof)")),
    },
)


def _subject(request, subject_uuid: UUID) -> DataSubject:
    subject = DataSubject.objects.of(request.organisation).filter(uuid=subject_uuid).first()
    if subject is None:
        raise Http404
    return subject


def _consents(subject: DataSubject) -> dict:
    states = selectors.consent_states(organisation=subject.organisation_id, subjects=[subject])
    return {
        "subject_uuid": subject.uuid,
        "states": [
            {
                "purpose": s.purpose,
                "status": s.status,
                "since": s.since,
                "event_id": s.event.pk if s.event else None,
            }
            for s in states[subject.pk].values()
        ],
        "history": list(selectors.consent_history(subject=subject)),
    }


@router.get("/subjects/{uuid:subject_uuid}", response={200: SubjectConsentsOut, **ERRORS})
def consent_list(request, subject_uuid: UUID):
    """The person's consent to each purpose and the ledger it comes from, newest first."""
    require(request, Permission.CONTACTS_VIEW)
    subject = _subject(request, subject_uuid)
    record_read(request, object_type=EVENT, object_id=subject.uuid, subjects=[subject.pk])
    return _consents(subject)


def _wording(request, wording_id: int) -> ConsentWording:
    try:
        return selectors.consent_wording_get(
            organisation=request.organisation, wording_id=wording_id
        )
    except ConsentWording.DoesNotExist:
        raise ValidationError(
            {"wording_id": _("Not found in this organisation.")}, code="not_found"
        ) from None


@router.post("/subjects/{uuid:subject_uuid}/give", response={201: SubjectConsentsOut, **ERRORS})
def consent_give(request, subject_uuid: UUID, payload: GiveIn):
    """Record a consent given, with the wording the person was shown."""
    require(request, Permission.CONTACTS_MANAGE)
    subject = _subject(request, subject_uuid)
    services.consent_give(
        actor=request_actor(request),
        subject=subject,
        purpose=payload.purpose,
        channel=payload.channel,
        wording=_wording(request, payload.wording_id),
        form=payload.form,
        occurred_at=payload.occurred_at,
    )
    return Status(201, _consents(subject))


@router.post("/subjects/{uuid:subject_uuid}/withdraw", response={201: SubjectConsentsOut, **ERRORS})
def consent_withdraw(request, subject_uuid: UUID, payload: WithdrawIn):
    """Record a consent withdrawn: a purpose and a channel, nothing more."""
    require(request, Permission.CONTACTS_MANAGE)
    subject = _subject(request, subject_uuid)
    services.consent_withdraw(
        actor=request_actor(request),
        subject=subject,
        purpose=payload.purpose,
        channel=payload.channel,
        form=payload.form,
        occurred_at=payload.occurred_at,
    )
    return Status(201, _consents(subject))


@router.get("/wordings", response={200: list[WordingOut], **ERRORS})
def wording_list(request):
    require(request, Permission.CONTACTS_VIEW)
    return list(selectors.consent_wording_list(organisation=request.organisation))


@router.post("/wordings", response={201: WordingOut, **ERRORS})
def wording_create(request, payload: WordingIn):
    """A new version of a purpose's wording (the earlier versions stay as shown)."""
    require(request, Permission.PRIVACY_MANAGE)
    wording = services.consent_wording_create(
        actor=request_actor(request), organisation=request.organisation, **payload.dict()
    )
    return Status(201, wording)
