"""Writing, verifying and purging the audit journal.

``audit_record`` is the one way to write an event. Call it inside the
transaction of the change it records, so both land or neither does.
"""

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection, transaction
from django.utils import timezone

from comptoir.audit.models import (
    SYSTEM_CHAIN,
    Action,
    ActorKind,
    AuditChainHead,
    AuditCheckpoint,
    AuditEvent,
    chain_of,
)
from comptoir.privacy.masterkey import derived_key

GENESIS = "0" * 64


@dataclass(frozen=True)
class Actor:
    """Who acts: a user (through the UI), a token (through the API) or the system."""

    kind: str
    user_id: int | None = None
    token_id: int | None = None
    ip_address: str | None = None

    @classmethod
    def system(cls) -> "Actor":
        return cls(kind=ActorKind.SYSTEM)

    @classmethod
    def user(cls, user_id: int | None, ip_address: str | None = None) -> "Actor":
        return cls(kind=ActorKind.USER, user_id=user_id, ip_address=ip_address)

    @classmethod
    def token(cls, token, ip_address: str | None = None) -> "Actor":
        return cls(
            kind=ActorKind.TOKEN, user_id=token.user_id, token_id=token.pk, ip_address=ip_address
        )


def event_hash(event: AuditEvent) -> str:
    """HMAC-SHA256 of the event's content and its predecessor's hash.

    Keyed with a key derived from the master key (never in the database), so
    someone who can write to the database still cannot forge a valid chain.
    """
    payload = json.dumps(
        [
            event.chain,
            event.seq,
            event.organisation_id,
            event.actor_kind,
            event.actor_user_id,
            event.actor_token_id,
            event.action,
            event.object_type,
            event.object_id,
            list(event.fields),
            event.ip_address,
            event.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
            event.prev_hash,
        ],
        separators=(",", ":"),
    ).encode()
    return hmac.new(derived_key("audit-chain"), payload, hashlib.sha256).hexdigest()


def _locked_head(chain: str) -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(chain=chain).first()
    if head is None:
        AuditChainHead.objects.get_or_create(chain=chain, defaults={"hash": GENESIS})
        head = AuditChainHead.objects.select_for_update().get(chain=chain)
    return head


def audit_record(
    *,
    actor: Actor,
    action: str,
    organisation_id: int | None,
    object_type: str = "",
    object_id: object = "",
    fields: Iterable[str] = (),
) -> AuditEvent:
    """Append one event to the organisation's chain (the system chain if None)."""
    chain = chain_of(organisation_id)
    with transaction.atomic():
        head = _locked_head(chain)
        event = AuditEvent(
            chain=chain,
            seq=head.seq + 1,
            organisation_id=organisation_id,
            actor_kind=actor.kind,
            actor_user_id=actor.user_id,
            actor_token_id=actor.token_id,
            action=action,
            object_type=object_type,
            object_id=str(object_id) if object_id != "" else "",
            fields=sorted(fields),
            ip_address=actor.ip_address,
            created_at=timezone.now(),
            prev_hash=head.hash,
        )
        event.hash = event_hash(event)
        event.save(force_insert=True)
        AuditChainHead.objects.filter(pk=head.pk).update(seq=event.seq, hash=event.hash)
    return event


@dataclass(frozen=True)
class ChainReport:
    chain: str
    checked: int
    broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def _verify_chain(chain: str) -> ChainReport:
    checkpoint = AuditCheckpoint.objects.filter(chain=chain).order_by("-seq").first()
    expected_seq = checkpoint.seq + 1 if checkpoint else 1
    expected_prev = checkpoint.hash if checkpoint else GENESIS
    checked = 0
    events = AuditEvent.objects.filter(chain=chain, seq__gte=expected_seq).order_by("seq")
    for event in events.iterator(chunk_size=2000):
        if event.seq != expected_seq:
            return ChainReport(chain, checked, expected_seq, f"event {expected_seq} is missing")
        if event.prev_hash != expected_prev:
            return ChainReport(chain, checked, event.seq, "does not follow the event before it")
        if event_hash(event) != event.hash:
            return ChainReport(chain, checked, event.seq, "its content was changed")
        checked += 1
        expected_seq += 1
        expected_prev = event.hash
    head = AuditChainHead.objects.filter(chain=chain).first()
    if head is not None and (head.seq != expected_seq - 1 or head.hash != expected_prev):
        return ChainReport(
            chain, checked, expected_seq, f"events {expected_seq} to {head.seq} are missing"
        )
    return ChainReport(chain, checked)


def audit_verify(
    *, organisation_id: int | None = None, all_chains: bool = True
) -> list[ChainReport]:
    """Check every chain (or one organisation's) and say where each first breaks."""
    if not all_chains:
        return [_verify_chain(chain_of(organisation_id))]
    chains = set(AuditChainHead.objects.values_list("chain", flat=True))
    chains |= set(AuditEvent.objects.values_list("chain", flat=True).distinct())
    return [_verify_chain(chain) for chain in sorted(chains)]


def audit_purge(*, before: datetime) -> int:
    """Delete the events older than ``before`` (retention), keeping chains verifiable.

    For each chain the last purged event's seq and hash become a checkpoint the
    verifier starts from; the purge itself is journalled in the system chain.
    """
    purged_total = 0
    chains = AuditEvent.objects.filter(created_at__lt=before).values_list("chain", flat=True)
    for chain in sorted(set(chains)):
        with transaction.atomic():
            _allow_purge()
            last = (
                AuditEvent.objects.filter(chain=chain, created_at__lt=before)
                .order_by("-seq")
                .first()
            )
            if last is None:
                continue
            count, _ = AuditEvent.objects.filter(chain=chain, seq__lte=last.seq).delete()
            AuditCheckpoint.objects.create(
                chain=chain, seq=last.seq, hash=last.hash, purged=count, created_at=timezone.now()
            )
            purged_total += count
    if purged_total:
        audit_record(
            actor=Actor.system(),
            action=Action.PURGE,
            organisation_id=None,
            object_type="audit.AuditEvent",
            object_id=str(purged_total),
        )
    return purged_total


def _allow_purge() -> None:
    """Open the PostgreSQL trigger's one door, for this transaction only."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL comptoir.audit_purge = 'on'")


__all__ = ["SYSTEM_CHAIN", "Actor", "audit_purge", "audit_record", "audit_verify"]
