import json
from datetime import datetime

from django.db.models import QuerySet

from comptoir.audit.models import AuditEvent, chain_of


def audit_event_list(
    *,
    organisation_id: int,
    action: str = "",
    actor_kind: str = "",
    actor_user_id: int | None = None,
    actor_token_id: int | None = None,
    ip_address: str = "",
    object_type: str = "",
    object_id: str = "",
    field: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEvent]:
    """One organisation's events, newest first; ``until`` is excluded.

    ``field`` keeps the events that touched a field of that name (the journal
    holds names only, so "who changed the IBAN" is a question it can answer).
    """
    # An organisation's events are its chain: (chain, seq) is an index, read
    # newest first without sorting the whole journal.
    events = AuditEvent.objects.filter(
        chain=chain_of(organisation_id), organisation_id=organisation_id
    )
    if action:
        events = events.filter(action=action)
    if actor_kind:
        events = events.filter(actor_kind=actor_kind)
    if actor_user_id is not None:
        events = events.filter(actor_user_id=actor_user_id)
    if actor_token_id is not None:
        events = events.filter(actor_token_id=actor_token_id)
    if ip_address:
        events = events.filter(ip_address=ip_address)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if field:
        # The quoted name inside the stored JSON array: one element, whole.
        # (JSONField's ``contains`` is PostgreSQL-only; this works on both.)
        events = events.filter(fields__icontains=json.dumps(field))
    if since is not None:
        events = events.filter(created_at__gte=since)
    if until is not None:
        events = events.filter(created_at__lt=until)
    return events.order_by("-seq")


def audit_event_get(*, organisation_id: int, event_id: int) -> AuditEvent:
    return AuditEvent.objects.get(organisation_id=organisation_id, pk=event_id)
