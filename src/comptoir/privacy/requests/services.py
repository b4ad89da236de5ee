"""What changes rights requests: intake, verification, pauses, extension,
fulfilment, answer, refusal, and the daily housekeeping. Keyword-only,
atomic, each change journalled in its transaction (field names, never values).

Mails are queued through the outbox in the same transaction; every service
that queues one enqueues its sending for after the commit.
"""

import secrets
from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import Actor, audit_record
from comptoir.audit.writes import audit, validate
from comptoir.mail import tasks as mail_tasks
from comptoir.privacy.people import people_matching
from comptoir.privacy.requests import deadlines, notices, selectors
from comptoir.privacy.requests.fulfilment import Outcome, fulfilment_of
from comptoir.privacy.requests.models import (
    PENDING_STATES,
    RUNNING_STATES,
    IdentityDocument,
    ObjectionIdentityDocument,
    RequestChannel,
    RequestDesk,
    RequestKind,
    RequestPause,
    RequestState,
    RightsRequest,
)

MAX_TEXT = 5000
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DOCUMENT_TYPES = ("application/pdf", "image/jpeg", "image/png")


def _locked(rights_request: RightsRequest) -> RightsRequest:
    return (
        RightsRequest.objects.of(rights_request.organisation_id)
        .select_for_update()
        .get(pk=rights_request.pk)
    )


def _refuse(field: str, message: str, code: str = "invalid") -> None:
    raise ValidationError({field: ValidationError(message, code=code)})


def _text(field: str, value: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        _refuse(field, _("This field is required."), "required")
    if len(value) > MAX_TEXT:
        _refuse(field, _("At most %(n)d characters.") % {"n": MAX_TEXT}, "max_length")
    return value


def _pause_rows(rights_request: RightsRequest) -> list[tuple]:
    return list(
        RequestPause.objects.of(rights_request.organisation_id)
        .filter(request=rights_request)
        .values_list("started_at", "ended_at")
    )


def _recompute_due(rights_request: RightsRequest, *, today: date) -> None:
    rights_request.due_on = deadlines.due_on(
        received_at=rights_request.received_at,
        extension_months=rights_request.extension_months,
        paused=deadlines.paused_days(_pause_rows(rights_request), today=today),
    )


def _match(rights_request: RightsRequest, now: datetime) -> None:
    found = people_matching(
        organisation=rights_request.organisation, email=rights_request.requester_email
    )
    rights_request.subjects.set(found.subjects)
    rights_request.users.set(found.user_ids)
    rights_request.matched_at = now
    rights_request.save(update_fields=["matched_at"])


def _send(ids: list[int]) -> None:
    mail_tasks.messages_enqueue(ids)


# --- The public page's desk --------------------------------------------------------
@transaction.atomic
def request_desk_get(*, organisation) -> RequestDesk:
    """The organisation's desk (its public page's slug), created on first use."""
    desk = RequestDesk.objects.of(organisation).first()
    if desk is None:
        desk, _created = RequestDesk.across_organisations.get_or_create(
            organisation=organisation, defaults={"slug": RequestDesk.new_slug()}
        )
    return desk


# --- Intake ------------------------------------------------------------------------
@transaction.atomic
def request_record(
    *,
    actor: Actor,
    organisation,
    kind: str,
    email: str,
    message: str = "",
    received_at: datetime | None = None,
) -> RightsRequest:
    """A request received by staff (a letter, a call, a mail): open at once, its
    deadline running from ``received_at`` (default now), matched now."""
    now = timezone.now()
    received_at = received_at or now
    if received_at > now:
        _refuse("received_at", _("A request cannot be received in the future."))
    rights_request = RightsRequest(
        organisation=organisation,
        kind=kind,
        channel=RequestChannel.STAFF,
        requester_email=(email or "").strip(),
        message=_text("message", message),
        filed_at=now,
        received_at=received_at,
        state=RequestState.OPEN,
        recorded_by=actor.user_id,
    )
    validate(rights_request, exclude=["due_on"])
    rights_request.due_on = deadlines.due_on(received_at=received_at)
    rights_request.save()
    _match(rights_request, now)
    audit(
        actor=actor,
        action=Action.CREATE,
        instance=rights_request,
        fields=["kind", "channel", "requester_email", "message", "received_at", "subjects"],
    )
    return rights_request


@transaction.atomic
def request_file_public(
    *, actor: Actor, organisation, kind: str, email: str, message: str, link: Callable[[str], str]
) -> RightsRequest:
    """A request filed on the public page: waits for the address to be verified.

    The mail with the link goes to the address given, whoever it belongs to:
    nothing is matched yet, and nothing the caller sees depends on a match.
    ``link(token)`` builds the absolute URL of the confirmation page."""
    now = timezone.now()
    token = secrets.token_urlsafe(32)
    rights_request = RightsRequest(
        organisation=organisation,
        kind=kind,
        channel=RequestChannel.PUBLIC,
        requester_email=(email or "").strip(),
        message=_text("message", message),
        filed_at=now,
        state=RequestState.AWAITING_VERIFICATION,
        token_hash=selectors.token_hash(token),
        token_expires_at=now + timedelta(days=notices.VERIFICATION_DAYS),
    )
    validate(rights_request)
    rights_request.save()
    audit(
        actor=actor,
        action=Action.CREATE,
        instance=rights_request,
        fields=["kind", "channel", "requester_email", "message"],
    )
    _send(notices.verification(rights_request, link(token)))
    return rights_request


@transaction.atomic
def request_verify(*, actor: Actor, organisation, token: str) -> RightsRequest | None:
    """Confirm the address of a public request: it is received now, its
    deadline starts, and the person is matched. None for a link that is
    unknown, used or expired."""
    found = selectors.request_for_token(organisation=organisation, token=token)
    if found is None:
        return None
    rights_request = _locked(found)
    if rights_request.state != RequestState.AWAITING_VERIFICATION:
        return None
    now = timezone.now()
    rights_request.state = RequestState.OPEN
    rights_request.verified_at = rights_request.received_at = now
    rights_request.token_hash = ""
    rights_request.token_expires_at = None
    rights_request.due_on = deadlines.due_on(received_at=now)
    rights_request.save()
    _match(rights_request, now)
    audit(
        actor=actor,
        action=Action.UPDATE,
        instance=rights_request,
        fields=["state", "verified_at", "received_at", "due_on", "subjects"],
    )
    return rights_request


# --- The deadline: pauses and extension ---------------------------------------------
def _require_state(rights_request: RightsRequest, states, message: str) -> None:
    if rights_request.state not in states:
        raise ValidationError(message, code="state")


@transaction.atomic
def request_identity_ask(
    *, actor: Actor, rights_request: RightsRequest, note: str
) -> RightsRequest:
    """Ask the person for proof of identity (only on reasonable doubt): the
    clock stops until it comes (``request_identity_received``)."""
    note = _text("note", note, required=True)
    rights_request = _locked(rights_request)
    _require_state(
        rights_request, RUNNING_STATES, _("Only an open request can wait for identity proof.")
    )
    now = timezone.now()
    RequestPause.objects.create(
        organisation_id=rights_request.organisation_id, request=rights_request, started_at=now
    )
    rights_request.state = RequestState.AWAITING_IDENTITY
    rights_request.save(update_fields=["state"])
    audit(actor=actor, action=Action.UPDATE, instance=rights_request, fields=["state"])
    _send(notices.identity_asked(rights_request, note))
    return rights_request


@transaction.atomic
def request_identity_received(
    *, actor: Actor, rights_request: RightsRequest, document: UploadedFile | None = None
) -> RightsRequest:
    """The proof came: the clock runs again and the due date moves by the
    paused days. An optional copy of the document is kept one year (three for
    an objection), then deleted by the retention sweep."""
    rights_request = _locked(rights_request)
    _require_state(
        rights_request,
        [RequestState.AWAITING_IDENTITY],
        _("This request is not waiting for identity proof."),
    )
    now = timezone.now()
    if document is not None:
        _document_store(actor=actor, rights_request=rights_request, document=document, now=now)
    RequestPause.objects.of(rights_request.organisation_id).filter(
        request=rights_request, ended_at__isnull=True
    ).update(ended_at=now)
    rights_request.state = (
        RequestState.EXTENDED if rights_request.extension_months else RequestState.OPEN
    )
    _recompute_due(rights_request, today=deadlines.local_day(now))
    rights_request.save(update_fields=["state", "due_on"])
    audit(actor=actor, action=Action.UPDATE, instance=rights_request, fields=["state", "due_on"])
    return rights_request


def _document_store(*, actor, rights_request, document: UploadedFile, now) -> None:
    content_type = (getattr(document, "content_type", "") or "").split(";")[0].strip()
    if content_type not in DOCUMENT_TYPES:
        _refuse("document", _("Send a PDF, JPEG or PNG file."))
    if document.size > MAX_DOCUMENT_BYTES:
        _refuse("document", _("The file is larger than 10 MB."))
    model = (
        ObjectionIdentityDocument
        if rights_request.kind == RequestKind.OBJECTION
        else IdentityDocument
    )
    row = model(
        organisation_id=rights_request.organisation_id,
        request=rights_request,
        content_type=content_type,
        received_at=now,
    )
    row.file.save("document", document, save=False)
    row.save()
    audit(actor=actor, action=Action.CREATE, instance=row, fields=["file"])


@transaction.atomic
def request_extend(
    *, actor: Actor, rights_request: RightsRequest, months: int, reason: str
) -> RightsRequest:
    """Extend the deadline by one or two months, for complexity or volume: to be
    decided and told to the person (with the reason, mailed here) within the
    first month."""
    reason = _text("reason", reason, required=True)
    if months not in (1, 2):
        _refuse("months", _("An extension is of one or two months."))
    rights_request = _locked(rights_request)
    _require_state(
        rights_request,
        [RequestState.OPEN],
        _("Only an open, not yet extended request can be extended."),
    )
    now = timezone.now()
    today = deadlines.local_day(now)
    limit = deadlines.first_month_end(
        received_at=rights_request.received_at,
        paused=deadlines.paused_days(_pause_rows(rights_request), today=today),
    )
    if today > limit:
        raise ValidationError(
            _(
                "Too late to extend: an extension must be decided and told to the person "
                "within the first month, which ended on %(day)s. Answer the request now."
            )
            % {"day": limit.isoformat()},
            code="late",
        )
    rights_request.extension_months = months
    rights_request.extension_reason = reason
    rights_request.extended_at = now
    rights_request.state = RequestState.EXTENDED
    _recompute_due(rights_request, today=today)
    rights_request.save(
        update_fields=["extension_months", "extension_reason", "extended_at", "state", "due_on"]
    )
    audit(
        actor=actor,
        action=Action.UPDATE,
        instance=rights_request,
        fields=["extension_months", "extension_reason", "state", "due_on"],
    )
    _send(notices.extended(rights_request))
    return rights_request


# --- Fulfilment and answer --------------------------------------------------------------
@transaction.atomic
def request_fulfil(*, actor: Actor, rights_request: RightsRequest) -> Outcome:
    """Do what the request asks, through its type's entry of ``fulfilment.DISPATCH``."""
    rights_request = _locked(rights_request)
    _require_state(rights_request, RUNNING_STATES, _("Only an open request can be acted upon."))
    entry = fulfilment_of(rights_request.kind)
    if entry.run is None:
        raise ValidationError(str(entry.unavailable), code="unavailable")
    subjects = list(rights_request.subjects.filter(shredded_at__isnull=True).order_by("pk"))
    if not subjects:
        raise ValidationError(
            _("No data about this person was found: answer the request to say so."),
            code="no_match",
        )
    outcome = entry.run(rights_request=rights_request, subjects=subjects, actor=actor)
    rights_request.fulfilled_at = timezone.now()
    rights_request.fulfilment = outcome.summary[:200]
    rights_request.save(update_fields=["fulfilled_at", "fulfilment"])
    audit(
        actor=actor,
        action=Action.UPDATE,
        instance=rights_request,
        fields=["fulfilled_at", "fulfilment"],
    )
    return outcome


def _close(*, actor: Actor, rights_request: RightsRequest, text: str, state: str, field: str):
    text = _text(field, text, required=True)
    rights_request = _locked(rights_request)
    _require_state(rights_request, PENDING_STATES, _("This request is not open."))
    now = timezone.now()
    RequestPause.objects.of(rights_request.organisation_id).filter(
        request=rights_request, ended_at__isnull=True
    ).update(ended_at=now)
    rights_request.answer = text
    rights_request.answered_at = now
    rights_request.state = state
    rights_request.save(update_fields=["answer", "answered_at", "state"])
    audit(
        actor=actor,
        action=Action.UPDATE,
        instance=rights_request,
        fields=["answer", "answered_at", "state"],
    )
    return rights_request


@transaction.atomic
def request_answer(*, actor: Actor, rights_request: RightsRequest, answer: str) -> RightsRequest:
    """Close the request with the answer given, mailed to the person."""
    rights_request = _close(
        actor=actor,
        rights_request=rights_request,
        text=answer,
        state=RequestState.DONE,
        field="answer",
    )
    _send(notices.answered(rights_request))
    return rights_request


@transaction.atomic
def request_refuse(*, actor: Actor, rights_request: RightsRequest, reasons: str) -> RightsRequest:
    """Refuse the request with its reasons; the mail to the person names the
    supervisory authority they may complain to (CNIL, or the Belgian APD)."""
    rights_request = _close(
        actor=actor,
        rights_request=rights_request,
        text=reasons,
        state=RequestState.REFUSED,
        field="reasons",
    )
    _send(notices.refused(rights_request))
    return rights_request


# --- Daily housekeeping -------------------------------------------------------------------
@transaction.atomic
def requests_unverified_purge(*, now: datetime | None = None) -> int:
    """Delete the public requests whose link expired unused: an address nobody
    confirmed is not kept."""
    now = now or timezone.now()
    expired = RightsRequest.across_organisations.filter(
        state=RequestState.AWAITING_VERIFICATION, token_expires_at__lte=now
    )
    count = 0
    for row in expired.only("pk", "organisation_id").order_by("pk"):
        audit_record(
            actor=Actor.system(),
            action=Action.DELETE,
            organisation_id=row.organisation_id,
            object_type=RightsRequest._meta.label_lower,
            object_id=row.pk,
        )
        row.delete()
        count += 1
    return count


@transaction.atomic
def deadline_reminder_send(*, organisation, today: date) -> int:
    """Mail the privacy contact the requests due within 7 days or late (ids, types,
    due dates). Once a day at most: a second run the same day sends nothing."""
    desk = request_desk_get(organisation=organisation)
    desk = RequestDesk.objects.of(organisation).select_for_update().get(pk=desk.pk)
    if desk.reminded_on == today:
        return 0
    rows = selectors.requests_due_soon(organisation=organisation, today=today)
    if not rows:
        return 0
    _send(notices.reminder(organisation, rows, today=today))
    desk.reminded_on = today
    desk.save(update_fields=["reminded_on"])
    return len(rows)
