"""The breach register over the API (PRIVACY_MANAGE): list, record, read, update.

The decisions (risk, notifications, closing) are taken on the breach's page;
the API reads them. Every read is journalled (a breach's facts may name people)."""

from datetime import datetime
from typing import Literal

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from comptoir.api.auth import require
from comptoir.api.errors import ERRORS
from comptoir.api.modelschema import model_schema
from comptoir.audit.reads import record_list, record_read
from comptoir.core.http import request_actor
from comptoir.privacy.breaches import rules, selectors, services
from comptoir.privacy.breaches.models import TEXT, Breach, Nature, PeopleKind
from comptoir.tenancy.roles import Permission

router = Router(tags=["breaches"])
BREACH = Breach._meta.label_lower
LISTS = ("natures", "data_categories", "people_categories")
FACTS = services.BREACH_FIELDS - set(LISTS)

NatureCode = Literal[tuple(Nature.values)]
CategoryCode = Literal[tuple(sorted(rules.CATEGORY_CODES))]
PeopleCode = Literal[tuple(PeopleKind.values)]


def _lists() -> dict:
    """The list fields (codes): each a list of distinct known codes."""
    types = {
        "natures": NatureCode,
        "data_categories": CategoryCode,
        "people_categories": PeopleCode,
    }
    return {
        name: (
            list[code],
            Field(default_factory=list, max_length=20, description=f"codes: {code.__args__}"),
        )
        for name, code in types.items()
    }


BreachIn = model_schema("BreachIn", Breach, FACTS, mode="in", extra=_lists())
BreachPatch = model_schema(
    "BreachPatch",
    Breach,
    FACTS,
    mode="patch",
    extra={
        **_lists(),
        "note": (str, Field("", max_length=TEXT, description="what was learnt, for the timeline")),
    },
)


class _BreachOutBase(Schema):
    id: int
    deadline: datetime
    hours_left: int
    late: bool
    natures: list[str]
    data_categories: list[str]
    people_categories: list[str]

    @staticmethod
    def resolve_deadline(obj) -> datetime:
        return rules.deadline(obj.aware_at)

    @staticmethod
    def resolve_hours_left(obj) -> int:
        return rules.countdown(obj).hours_left

    @staticmethod
    def resolve_late(obj) -> bool:
        return rules.countdown(obj).late


OUT = {
    *services.BREACH_FIELDS,
    "reference",
    "risk",
    "risk_reasons",
    "authority_status",
    "authority_notified_at",
    "authority_reference",
    "authority_delay_reasons",
    "authority_not_reason",
    "people_status",
    "people_told_at",
    "people_how",
    "people_not_reason",
    "people_not_details",
    "recorded_at",
    "updated_at",
    "closed_at",
} - set(LISTS)
BreachOut = model_schema("BreachOut", Breach, OUT, mode="out", base=_BreachOutBase)


class UpdateOut(Schema):
    kind: str
    changed: list[str]
    note: str
    at: datetime
    by: int | None


class BreachDetailOut(BreachOut):
    timeline: list[UpdateOut]

    @staticmethod
    def resolve_timeline(obj) -> list:
        return list(selectors.breach_timeline(breach=obj))


@router.get("", response={200: list[BreachOut], **ERRORS})
@paginate
def breach_list(request):
    """Open breaches first, the latest known first, each with its 72-hour countdown."""
    require(request, Permission.PRIVACY_MANAGE)
    record_list(request, object_type=BREACH, subjects=())
    return selectors.breach_list(organisation=request.organisation)


@router.post("", response={201: BreachDetailOut, **ERRORS})
def breach_record(request, payload: BreachIn):
    """Record a breach; the 72 hours to notify the authority run from ``aware_at``."""
    require(request, Permission.PRIVACY_MANAGE)
    breach = services.breach_record(
        actor=request_actor(request), organisation=request.organisation, **payload.dict()
    )
    return Status(201, breach)


@router.get("/{int:breach_id}", response={200: BreachDetailOut, **ERRORS})
def breach_detail(request, breach_id: int):
    require(request, Permission.PRIVACY_MANAGE)
    breach = selectors.breach_get(organisation=request.organisation, breach_id=breach_id)
    record_read(request, object_type=BREACH, object_id=breach.pk, subjects=())
    return breach


@router.patch("/{int:breach_id}", response={200: BreachDetailOut, **ERRORS})
def breach_update(request, breach_id: int, payload: BreachPatch):
    """Correct or complete the facts (art. 33(4): in phases); the timeline keeps
    what changed and the ``note``."""
    require(request, Permission.PRIVACY_MANAGE)
    breach = selectors.breach_get(organisation=request.organisation, breach_id=breach_id)
    return services.breach_update(
        actor=request_actor(request), breach=breach, **payload.dict(exclude_unset=True)
    )
