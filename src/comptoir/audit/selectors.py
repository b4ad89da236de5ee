import json
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from comptoir.accounts.selectors import user_names
from comptoir.audit.models import (
    Action,
    ActorKind,
    AuditEvent,
    AuditEventSubject,
    chain_of,
    chains_of,
)
from comptoir.privacy.models import DataSubject
from comptoir.privacy.registry import registry, subject_lookup


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
    # An organisation's events are its two chains (its events, its
    # connections), read newest first through (organisation_id, -created_at).
    events = AuditEvent.objects.filter(
        chain__in=chains_of(organisation_id), organisation_id=organisation_id
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
    return events.order_by("-created_at", "-pk")


def audit_event_get(*, organisation_id: int, event_id: int) -> AuditEvent:
    return AuditEvent.objects.get(organisation_id=organisation_id, pk=event_id)


# Who saw this person ----------------------------------------------------------------
@dataclass(frozen=True)
class TrailEntry:
    """One line of a person's trail: who did what to which of their data."""

    event_id: int
    when: datetime
    who: str
    actor_kind: str
    actor_user_id: int | None
    action: str
    object_type: str
    object_id: str
    fields: list[str]
    ip_address: str | None
    # True when the event names the person (they were shown); False when it
    # is about one of their rows (a create, an update, an erasure).
    named: bool

    @property
    def action_label(self) -> str:
        return str(Action(self.action).label) if self.action in Action.values else self.action

    def as_row(self) -> dict:
        """For the access export: plain values, the moment in ISO 8601."""
        return {
            "when": self.when.isoformat(),
            "who": self.who,
            "actor_kind": self.actor_kind,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "fields": list(self.fields),
            "ip_address": self.ip_address,
        }


def _rows_about(subject: DataSubject) -> Q:
    """The events on the person's own rows: every row of a model with
    personal fields whose declared subject is this person (the registry's
    lookups), and the person's DataSubject row itself (by pk or uuid)."""
    condition = Q(
        object_type__in=_spellings(DataSubject), object_id__in=[str(subject.pk), str(subject.uuid)]
    )
    for model in registry.models():
        declaration = registry.for_model(model)
        lookup = subject_lookup(declaration)
        if lookup is None or not declaration.fields:
            continue
        pks = [
            str(pk)
            for pk in model._base_manager.filter(
                organisation_id=subject.organisation_id, **{lookup: subject.pk}
            ).values_list("pk", flat=True)
        ]
        if pks:
            condition |= Q(object_type__in=_spellings(model), object_id__in=pks)
    return condition


def _spellings(model) -> list[str]:
    # ``app_label.modelname`` is the house spelling; a few reads wrote the label.
    return sorted({model._meta.label_lower, model._meta.label})


def subject_trail_events(*, organisation, subject: DataSubject) -> QuerySet[AuditEvent]:
    """Every event of the organisation that showed, exported or changed
    anything about ``subject``, newest first: the events naming them
    (``AuditEventSubject``) and those on the rows the registry finds about them."""
    if subject.organisation_id != organisation.pk:
        raise DataSubject.DoesNotExist
    named = AuditEventSubject.objects.filter(
        organisation_id=organisation.pk, subject_id=subject.pk
    ).values("event_id")
    return (
        AuditEvent.objects.filter(chain=chain_of(organisation.pk), organisation_id=organisation.pk)
        .filter(Q(pk__in=Subquery(named)) | _rows_about(subject))
        .annotate(
            named=Exists(
                AuditEventSubject.objects.filter(event_id=OuterRef("pk"), subject_id=subject.pk)
            )
        )
        .order_by("-seq")
    )


def trail_entries(events, *, who: dict[int, str]) -> list[TrailEntry]:
    """Trail lines for ``events`` (from ``subject_trail_events``); ``who``
    maps user ids to the names shown (``accounts.selectors.user_names``)."""
    entries = []
    for event in events:
        if event.actor_kind == ActorKind.SYSTEM:
            name = str(ActorKind.SYSTEM.label)
        else:
            name = who.get(event.actor_user_id, "") or f"#{event.actor_user_id}"
            if event.actor_kind == ActorKind.TOKEN:
                name = f"{name} ({ActorKind.TOKEN.label} #{event.actor_token_id})"
        entries.append(
            TrailEntry(
                event_id=event.pk,
                when=event.created_at,
                who=name,
                actor_kind=event.actor_kind,
                actor_user_id=event.actor_user_id,
                action=event.action,
                object_type=event.object_type,
                object_id=event.object_id,
                fields=list(event.fields),
                ip_address=event.ip_address,
                named=getattr(event, "named", False),
            )
        )
    return entries


def subject_trail(
    *, organisation, subject: DataSubject, offset: int = 0, limit: int = 50
) -> list[TrailEntry]:
    """One page of the person's trail, newest first: when, who (the member's
    name), what action on which object, which fields, from which address."""
    events = list(
        subject_trail_events(organisation=organisation, subject=subject)[offset : offset + limit]
    )
    return trail_entries(events, who=user_names(user_ids={e.actor_user_id for e in events}))


def subject_trail_rows(*, organisation, subject: DataSubject) -> list[dict]:
    """The whole trail as plain rows, for the access export (art. 15 when the
    person asks who accessed their data)."""
    events = list(subject_trail_events(organisation=organisation, subject=subject))
    names = user_names(user_ids={e.actor_user_id for e in events})
    return [entry.as_row() for entry in trail_entries(events, who=names)]
