"""Who reads which outgoing messages.

* Owners and administrators see their organisation's messages (state,
  recipients, subject, attempts) and may retry failed ones; they read a
  message's body unless it is confidential (an invitation or any other
  account mail holds a link that takes over the account).
* Everyone reads the messages addressed to their own account, body included.
* Operator staff (``is_staff``) see system messages (no organisation:
  password resets, email confirmations), body included; so does the
  operator at the command line (``comptoir mail show``).
"""

from datetime import datetime

from django.db.models import Q, QuerySet

from comptoir.mail.models import Message, MessageState
from comptoir.tenancy.roles import Permission, has_permission


def _manages(membership) -> bool:
    return membership is not None and has_permission(
        membership.role, Permission.ORGANISATION_MANAGE
    )


def _visible(*, user, membership) -> Q:
    visible = Q(recipient_user_id=user.pk)
    if _manages(membership):
        visible |= Q(organisation_id=membership.organisation_id)
    if user.is_staff:
        visible |= Q(organisation__isnull=True)
    return visible


def message_list(*, user, membership, state: str | None = None) -> QuerySet:
    messages = Message.across_organisations.filter(_visible(user=user, membership=membership))
    if state:
        messages = messages.filter(state=state)
    return messages.order_by("-created_at", "-pk")


def message_get(*, user, membership, message_id: int) -> Message:
    """The message if this person may see it; ``Message.DoesNotExist`` otherwise."""
    return message_list(user=user, membership=membership).get(pk=message_id)


def may_read_body(*, message: Message, user, membership) -> bool:
    if message.recipient_user_id is not None and message.recipient_user_id == user.pk:
        return True
    if message.organisation_id is None:
        return user.is_staff
    return (
        not message.confidential
        and _manages(membership)
        and membership.organisation_id == message.organisation_id
    )


def may_retry(*, message: Message, user, membership) -> bool:
    if message.state != MessageState.FAILED:
        return False
    if message.organisation_id is None:
        return user.is_staff
    return _manages(membership) and membership.organisation_id == message.organisation_id


def messages_due(*, now: datetime) -> list[int]:
    """Queued messages whose next attempt is due, oldest first."""
    due = Message.across_organisations.filter(state=MessageState.QUEUED).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    return list(due.order_by("pk").values_list("pk", flat=True))
