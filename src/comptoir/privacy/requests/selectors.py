"""What reads rights requests: lists, one request, and the DPO's dashboard."""

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from comptoir.privacy.requests.deadlines import DUE_SOON_DAYS, days_left
from comptoir.privacy.requests.models import (
    PENDING_STATES,
    RUNNING_STATES,
    IdentityDocument,
    ObjectionIdentityDocument,
    RequestDesk,
    RequestPause,
    RequestState,
    RightsRequest,
)


def request_list(*, organisation, state: str = "", kind: str = "") -> QuerySet:
    rows = RightsRequest.objects.of(organisation).order_by("-filed_at", "-pk")
    if state:
        rows = rows.filter(state=state)
    if kind:
        rows = rows.filter(kind=kind)
    return rows


def request_get(*, organisation, request_id: int) -> RightsRequest:
    """The request (``RightsRequest.DoesNotExist`` for another organisation's)."""
    return RightsRequest.objects.of(organisation).get(pk=request_id)


def request_desk_find(*, slug: str) -> RequestDesk | None:
    """The desk of a public page's slug, across organisations (the page's only key)."""
    if not slug or len(slug) > 32:
        return None
    return RequestDesk.across_organisations.select_related("organisation").filter(slug=slug).first()


def token_hash(token: str) -> str:
    """What is stored of a confirmation link's token: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def request_for_token(*, organisation, token: str) -> RightsRequest | None:
    """The unverified request this link confirms, if it is still valid."""
    if not token or len(token) > 100:
        return None
    return (
        RightsRequest.objects.of(organisation)
        .filter(
            token_hash=token_hash(token),
            state=RequestState.AWAITING_VERIFICATION,
            token_expires_at__gt=timezone.now(),
        )
        .first()
    )


def requests_due_soon(*, organisation, today: date) -> list[RightsRequest]:
    """Running requests due within ``DUE_SOON_DAYS`` days or late, soonest first."""
    return list(
        RightsRequest.objects.of(organisation)
        .filter(state__in=RUNNING_STATES, due_on__lte=today + timedelta(days=DUE_SOON_DAYS))
        .order_by("due_on", "pk")
    )


def organisations_with_due_requests(*, today: date) -> list[int]:
    return list(
        RightsRequest.across_organisations.filter(
            state__in=RUNNING_STATES, due_on__lte=today + timedelta(days=DUE_SOON_DAYS)
        )
        .values_list("organisation_id", flat=True)
        .distinct()
        .order_by("organisation_id")
    )


def request_pauses(*, rights_request: RightsRequest) -> list[RequestPause]:
    return list(
        RequestPause.objects.of(rights_request.organisation_id).filter(request=rights_request)
    )


def request_documents(*, rights_request: RightsRequest) -> list:
    found = []
    for model in (IdentityDocument, ObjectionIdentityDocument):
        found += list(
            model.objects.of(rights_request.organisation_id).filter(request=rights_request)
        )
    return found


@dataclass
class Row:
    request: RightsRequest
    days_left: int | None

    @property
    def late(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def days_late(self) -> int:
        return -self.days_left if self.late else 0


@dataclass
class Dashboard:
    late: list[Row] = field(default_factory=list)
    due_soon: list[Row] = field(default_factory=list)  # within DUE_SOON_DAYS days
    later: list[Row] = field(default_factory=list)
    paused: list[Row] = field(default_factory=list)  # awaiting identity proof
    unverified: int = 0  # public requests whose address is not confirmed yet
    closed: list[RightsRequest] = field(default_factory=list)  # the latest answered

    @property
    def pending(self) -> int:
        return len(self.late) + len(self.due_soon) + len(self.later) + len(self.paused)

    @property
    def all_requests(self) -> list[RightsRequest]:
        """Every request the board shows (whose people its read names)."""
        rows = [*self.late, *self.due_soon, *self.later, *self.paused]
        return [row.request for row in rows] + list(self.closed)


def dashboard(*, organisation, today: date, closed_shown: int = 20) -> Dashboard:
    """What the DPO must answer, by urgency, with the days left (negative: late)."""
    board = Dashboard()
    rows = RightsRequest.objects.of(organisation).filter(state__in=PENDING_STATES)
    for row in rows.order_by("due_on", "pk"):
        if row.state == RequestState.AWAITING_IDENTITY:
            board.paused.append(Row(row, None))
            continue
        left = days_left(row.due_on, today=today)
        target = (
            board.late if left < 0 else board.due_soon if left <= DUE_SOON_DAYS else board.later
        )
        target.append(Row(row, left))
    board.unverified = (
        RightsRequest.objects.of(organisation)
        .filter(state=RequestState.AWAITING_VERIFICATION)
        .count()
    )
    board.closed = list(
        RightsRequest.objects.of(organisation)
        .filter(state__in=[RequestState.DONE, RequestState.REFUSED])
        .order_by("-answered_at", "-pk")[:closed_shown]
    )
    return board
