from datetime import datetime

from django.db.models import QuerySet

from comptoir.audit.models import AuditEvent


def audit_event_list(
    *,
    organisation_id: int,
    action: str = "",
    actor_user_id: int | None = None,
    object_type: str = "",
    object_id: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(organisation_id=organisation_id)
    if action:
        events = events.filter(action=action)
    if actor_user_id is not None:
        events = events.filter(actor_user_id=actor_user_id)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if since is not None:
        events = events.filter(created_at__gte=since)
    if until is not None:
        events = events.filter(created_at__lt=until)
    return events.order_by("-seq")


def audit_event_get(*, organisation_id: int, event_id: int) -> AuditEvent:
    return AuditEvent.objects.get(organisation_id=organisation_id, pk=event_id)
