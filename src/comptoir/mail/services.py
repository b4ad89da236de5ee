"""What changes the outbox: queueing, sending, retrying, purging.

A message is sent at most once. ``message_send`` claims a queued row (state
``sending``, one more attempt) in a short transaction, talks to the mail
server outside any transaction (a slow server holds no lock), then records
the outcome: ``sent``; back to ``queued`` with the next attempt's time after
a transient error; ``failed`` after a permanent one or the last attempt. A
row found ``sending`` long after its attempt began was interrupted (a worker
killed mid-send): whether the server took it is unknown, so it is marked
``failed`` (``interrupted``) rather than sent again; a person may retry it.
"""

import base64
import json
import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone

from comptoir.audit.models import Action
from comptoir.audit.services import Actor, audit_record
from comptoir.core.mailabout import MailAbout
from comptoir.mail import transport
from comptoir.mail.models import ErrorKind, Message, MessageState
from comptoir.privacy import retention

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# A row still ``sending`` this long after its attempt began was interrupted.
STUCK_AFTER = timedelta(minutes=15)
OBJECT_TYPE = Message._meta.label_lower
ENCRYPTED_FIELDS = ["sender", "recipients", "subject", "body", "parts"]


def _journal(message: Message, action: str, fields: list[str], actor: Actor | None = None):
    audit_record(
        actor=actor or Actor.system(),
        action=action,
        organisation_id=message.organisation_id,
        object_type=OBJECT_TYPE,
        object_id=message.pk,
        fields=fields,
    )


# --- Queueing ------------------------------------------------------------------
def _attachment(item) -> list:
    if hasattr(item, "get_payload"):  # a MIMEBase
        filename = item.get_filename() or ""
        content, mimetype = item.get_payload(decode=True) or b"", item.get_content_type()
    else:
        filename, content, mimetype = item
    if isinstance(content, str):
        content = content.encode()
    return [filename, base64.b64encode(content).decode(), mimetype]


def _rest_of(email) -> str:
    parts = {
        "alternatives": [list(a) for a in getattr(email, "alternatives", [])],
        "attachments": [_attachment(a) for a in email.attachments],
        "headers": dict(email.extra_headers),
    }
    return json.dumps(parts) if any(parts.values()) else ""


@transaction.atomic
def messages_queue(*, messages, about: MailAbout) -> list[Message]:
    """Store Django ``EmailMessage``s as outbox rows, in the caller's transaction.

    With a mail server configured they are queued (the caller enqueues their
    sending once the transaction commits); without one they are kept locally.
    """
    state = MessageState.QUEUED if transport.transport_path() else MessageState.LOCAL
    now = timezone.now()
    stored = []
    for email in messages:
        if not email.recipients():
            continue
        message = Message(
            organisation_id=about.organisation_id,
            recipient_user_id=about.recipient_user_id,
            confidential=about.confidential,
            state=state,
            finished_at=now if state == MessageState.LOCAL else None,
            sender=email.from_email or settings.DEFAULT_FROM_EMAIL,
            recipients=json.dumps(
                {
                    "to": list(email.to),
                    "cc": list(email.cc),
                    "bcc": list(email.bcc),
                    "reply_to": list(email.reply_to),
                }
            ),
            subject=str(email.subject or ""),
            body=str(email.body or ""),
            parts=_rest_of(email),
        )
        message.save()
        _journal(message, Action.CREATE, ENCRYPTED_FIELDS + ["state"])
        stored.append(message)
    return stored


# --- Sending -------------------------------------------------------------------
@dataclass(frozen=True)
class SendOutcome:
    state: str | None  # the row's state afterwards (None: no such row)
    sent_now: bool = False
    retry_at: datetime | None = None  # when to try again, if queued for a retry


def _claim(message_id: int, now: datetime) -> tuple[Message | None, bool]:
    """(the row, whether this call claimed it for one attempt)."""
    with transaction.atomic():
        message = Message.across_organisations.select_for_update().filter(pk=message_id).first()
        if message is None or message.state != MessageState.QUEUED:
            return message, False
        if message.next_attempt_at is not None and message.next_attempt_at > now:
            return message, False
        message.state = MessageState.SENDING
        message.attempts += 1
        message.last_attempt_at = now
        message.save(update_fields=["state", "attempts", "last_attempt_at"])
        return message, True


def message_send(*, message_id: int, now: datetime | None = None) -> SendOutcome:
    """Try to send one queued message that is due; anything else is left as it is
    (a sent message is never sent again), so running it twice is harmless."""
    now = now or timezone.now()
    message, claimed = _claim(message_id, now)
    if message is None:
        return SendOutcome(None)
    if not claimed:
        return SendOutcome(message.state, retry_at=message.next_attempt_at)
    kind, permanent = "", False
    try:
        path = transport.transport_path()
        if not path:
            raise ImproperlyConfigured("no mail server is configured")
        with get_connection(path, fail_silently=False) as connection:
            if connection.send_messages([transport.email_of(message)]) != 1:
                raise smtplib.SMTPException("the message was not accepted")
    except Exception as exc:  # every failure is recorded; none breaks the worker
        kind, permanent = transport.error_kind(exc)
        logger.warning("mail message %s not sent: %s", message.pk, kind)
    return _record(message.pk, now, kind, permanent)


@transaction.atomic
def _record(message_id: int, now: datetime, kind: str, permanent: bool) -> SendOutcome:
    message = Message.across_organisations.select_for_update().get(pk=message_id)
    message.last_error = kind
    if not kind:
        message.state, message.sent_at, message.finished_at = MessageState.SENT, now, now
        message.next_attempt_at = None
    elif permanent or message.attempts >= MAX_ATTEMPTS:
        message.state, message.finished_at = MessageState.FAILED, now
        message.next_attempt_at = None
    else:
        message.state = MessageState.QUEUED
        message.next_attempt_at = now + transport.retry_delay(message.attempts)
    message.save(update_fields=["state", "last_error", "sent_at", "finished_at", "next_attempt_at"])
    _journal(message, Action.UPDATE, ["state"])
    return SendOutcome(message.state, sent_now=not kind, retry_at=message.next_attempt_at)


def messages_unstick(*, now: datetime | None = None) -> int:
    """Mark as failed (``interrupted``) the messages left ``sending`` by a worker
    that died: never sent again automatically, since the server may have them."""
    now = now or timezone.now()
    count = 0
    stuck = Message.across_organisations.filter(
        state=MessageState.SENDING, last_attempt_at__lt=now - STUCK_AFTER
    )
    for pk in stuck.values_list("pk", flat=True):
        with transaction.atomic():
            message = Message.across_organisations.select_for_update().get(pk=pk)
            if message.state != MessageState.SENDING:
                continue
            message.state, message.finished_at = MessageState.FAILED, now
            message.last_error = ErrorKind.INTERRUPTED
            message.save(update_fields=["state", "finished_at", "last_error"])
            _journal(message, Action.UPDATE, ["state"])
            count += 1
    return count


@transaction.atomic
def message_retry(*, actor: Actor, message: Message) -> Message:
    """Queue a failed message again, to be sent now (the caller enqueues it)."""
    locked = Message.across_organisations.select_for_update().get(pk=message.pk)
    if locked.state != MessageState.FAILED:
        return locked
    if not transport.transport_path():
        raise ImproperlyConfigured("no mail server is configured")
    locked.state, locked.next_attempt_at, locked.finished_at = MessageState.QUEUED, None, None
    locked.save(update_fields=["state", "next_attempt_at", "finished_at"])
    _journal(locked, Action.UPDATE, ["state"], actor)
    return locked


# --- Retention -----------------------------------------------------------------
def messages_purge(*, now: datetime | None = None) -> int:
    """Delete sent messages ``OUTBOX_SENT`` after they were sent, and failed or
    locally kept ones ``OUTBOX_UNSENT`` after their end, one transaction and one
    journal event each; queued ones stay. Returns how many were deleted."""
    now = now or timezone.now()
    rules = {
        MessageState.SENT: retention.OUTBOX_SENT,
        MessageState.FAILED: retention.OUTBOX_UNSENT,
        MessageState.LOCAL: retention.OUTBOX_UNSENT,
    }
    purged = 0
    for state, rule in rules.items():
        # Duration.after(moment) <= now  <=>  moment <= now - duration (days only).
        cutoff = now - timedelta(days=rule.duration.days) if not rule.duration.months else None
        candidates = Message.across_organisations.filter(state=state, finished_at__isnull=False)
        if cutoff is not None:
            candidates = candidates.filter(finished_at__lte=cutoff)
        for pk, finished_at in candidates.order_by("pk").values_list("pk", "finished_at"):
            if rule.duration.after(finished_at) > now:
                continue
            with transaction.atomic():
                message = Message.across_organisations.select_for_update().filter(pk=pk).first()
                if message is None or message.state != state:
                    continue
                _journal(message, Action.DELETE, ENCRYPTED_FIELDS)
                message.delete()
                purged += 1
    return purged
