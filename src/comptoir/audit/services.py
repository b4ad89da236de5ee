"""Writing, verifying and purging the audit journal.

``audit_record`` is the one way to write an event. Call it inside the
transaction of the change it records, so both land or neither does.
"""

import hashlib
import hmac
import ipaddress
import json
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from django.db import connection, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from comptoir.audit.models import (
    SYSTEM_CHAIN,
    Action,
    ActorKind,
    AuditChainHead,
    AuditCheckpoint,
    AuditEvent,
    AuditEventSubject,
    chain_of,
    chains_of,
    organisation_of_chain,
)
from comptoir.core.rawsql import prepared, quote
from comptoir.core.writelock import writer_turn
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


def _clean_ip(value: str | None) -> str | None:
    """The address as the database gives it back, or None when it is not one.

    IPv6 is compressed and lowercased the way GenericIPAddressField stores it
    (the hash must be computed on what is stored); a scope (``fe80::1%eth0``)
    is dropped; anything that is not an address (a bad X-Forwarded-For) is
    not worth failing the change it comes with.
    """
    if not value:
        return None
    try:
        address = ipaddress.ip_address(str(value).strip().split("%", 1)[0])
    except ValueError:
        return None
    if address.version == 6:
        return clean_ipv6_address(str(address))
    return str(address)


def _canonical_ip(value: str | None) -> str | None:
    """One spelling per address, whatever the database's (inet or text)."""
    if not value:
        return None
    try:
        return ipaddress.ip_address(value).compressed
    except ValueError:
        return value


def _mac(payload: list) -> str:
    data = json.dumps(payload, separators=(",", ":")).encode()
    return hmac.new(derived_key("audit-chain"), data, hashlib.sha256).hexdigest()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _subjects_digest(subject_ids: Iterable[int]) -> str:
    """SHA-256 of an event's sorted, distinct subject ids: what its hash covers."""
    # Not deduplicated here: a row added twice must change the digest.
    ids = ",".join(str(i) for i in sorted(subject_ids))
    return hashlib.sha256(ids.encode()).hexdigest()


def event_hash(event: AuditEvent, subject_ids: Iterable[int] = ()) -> str:
    """HMAC-SHA256 of the event's content and its predecessor's hash.

    Keyed with a key derived from the master key (never in the database), so
    someone who can write to the database still cannot forge a valid chain.
    The digest of the data subjects the event names is covered only when
    there are some, so the events written before subjects were recorded
    (and those naming nobody) keep the hash they were written with.
    """
    subject_ids = list(subject_ids)
    payload = [
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
        _canonical_ip(event.ip_address),
        _iso(event.created_at),
        event.prev_hash,
    ]
    if subject_ids:
        payload.append(["subjects", _subjects_digest(subject_ids)])
    return _mac(payload)


def head_mac(chain: str, seq: int, last_hash: str) -> str:
    return _mac(["head", chain, seq, last_hash])


def checkpoint_mac(checkpoint: AuditCheckpoint) -> str:
    return _mac(
        [
            "checkpoint",
            checkpoint.chain,
            checkpoint.seq,
            checkpoint.hash,
            checkpoint.purged,
            _iso(checkpoint.created_at),
        ]
    )


@cache
def _append_statements(vendor: str) -> tuple[str, str, str, list]:
    """The three statements of an append, written once per database: the ORM
    would build them again on every event, and that costs more than running
    them (an event is written on every read of personal data). Table and
    column names come from the models' metadata; values are parameters."""
    events, heads = AuditEvent._meta, AuditChainHead._meta
    fields = [f for f in events.concrete_fields if not f.primary_key]
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    select_head = f"SELECT id, seq, hash FROM {quote(heads.db_table)} WHERE chain = %s{lock}"  # noqa: S608
    insert_event = (
        f"INSERT INTO {quote(events.db_table)} ({', '.join(quote(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote(events.pk.column)}"
    )
    move_head = f"UPDATE {quote(heads.db_table)} SET seq = %s, hash = %s, mac = %s WHERE id = %s"  # noqa: S608
    return select_head, insert_event, move_head, fields


@cache
def _insert_subjects(vendor: str, count: int) -> str:
    """One INSERT of ``count`` subject rows (an event's data subjects).

    PostgreSQL takes the ids as one array (``unnest``): the same statement
    whatever their number, three parameters; elsewhere, one row of
    parameters per subject."""
    meta = AuditEventSubject._meta
    names = ", ".join(
        quote(meta.get_field(n).column) for n in ("event", "organisation_id", "subject_id")
    )
    table = quote(meta.db_table)
    if vendor == "postgresql":
        return f"INSERT INTO {table} ({names}) SELECT %s, %s, unnest(%s::bigint[])"  # noqa: S608
    values = ", ".join(["(%s, %s, %s)"] * count)
    return f"INSERT INTO {table} ({names}) VALUES {values}"  # noqa: S608


def _subject_inserts(vendor: str, event_id: int, organisation_id: int, subject_ids: list[int]):
    """The statements (and their parameters) that store an event's subjects:
    one, unless SQLite's parameter limit asks for batches."""
    if vendor == "postgresql":
        yield _insert_subjects(vendor, 0), [event_id, organisation_id, subject_ids]
        return
    for start in range(0, len(subject_ids), _SUBJECTS_PER_INSERT):
        batch = subject_ids[start : start + _SUBJECTS_PER_INSERT]
        params = [v for s in batch for v in (event_id, organisation_id, s)]
        yield _insert_subjects(vendor, len(batch)), params


# Rows per INSERT of subjects on SQLite: well under its 32,766 parameters.
_SUBJECTS_PER_INSERT = 1000


def _locked_head(cursor, select_head: str, chain: str) -> tuple[int, int, str]:
    """The chain's head (id, seq, hash), locked until the transaction ends
    (FOR UPDATE on PostgreSQL; on SQLite the IMMEDIATE transaction holds the
    database's write lock). A new chain gets its head first."""
    cursor.execute(select_head, [chain])
    row = cursor.fetchone()
    if row is None:
        AuditChainHead.objects.get_or_create(
            chain=chain, defaults={"hash": GENESIS, "mac": head_mac(chain, 0, GENESIS)}
        )
        cursor.execute(select_head, [chain])
        row = cursor.fetchone()
    return row


def audit_record(
    *,
    actor: Actor,
    action: str,
    organisation_id: int | None,
    object_type: str = "",
    object_id: object = "",
    fields: Iterable[str] = (),
    subjects: Iterable[int] = (),
) -> AuditEvent:
    """Append one event to the organisation's chain (the system chain if None),
    or to the connection chain beside it for a connection event (``chain_of``).

    ``subjects``: the ids of the data subjects (``privacy.DataSubject``)
    whose data the event showed or touched; written with the event in one
    more INSERT (none when empty) and covered by its hash.
    """
    chain = chain_of(organisation_id, action)
    if isinstance(fields, str):
        fields = [fields]
    subject_ids = sorted({int(s) for s in subjects if s is not None})
    if subject_ids and organisation_id is None:
        raise ValueError("data subjects belong to an organisation: the event needs one")
    select_head, insert_event, move_head, columns = _append_statements(connection.vendor)
    with writer_turn(), transaction.atomic(), connection.cursor() as cursor:
        head_id, seq, prev_hash = _locked_head(cursor, select_head, chain)
        event = AuditEvent(
            chain=chain,
            seq=seq + 1,
            organisation_id=organisation_id,
            actor_kind=actor.kind,
            actor_user_id=actor.user_id,
            actor_token_id=actor.token_id,
            action=action,
            object_type=object_type,
            object_id="" if object_id is None else str(object_id),
            fields=sorted(set(fields)),
            ip_address=_clean_ip(actor.ip_address),
            created_at=timezone.now(),
            prev_hash=prev_hash,
        )
        event.hash = event_hash(event, subject_ids)
        cursor.execute(insert_event, prepared(columns, event))
        event.pk = cursor.fetchone()[0]
        if subject_ids:
            inserts = _subject_inserts(connection.vendor, event.pk, organisation_id, subject_ids)
            for statement, params in inserts:
                cursor.execute(statement, params)
        cursor.execute(
            move_head, [event.seq, event.hash, head_mac(chain, event.seq, event.hash), head_id]
        )
    event._state.adding = False
    event._state.db = connection.alias
    event.subject_ids = subject_ids
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
    """Walk one chain from its checkpoint (or its start) to its head.

    PostgreSQL reads it in one snapshot; elsewhere the head is read first and
    only the events up to it are checked, so events appended meanwhile are
    not taken for a break.
    """
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            return _verify_chain_now(chain)
    return _verify_chain_now(chain)


def _verify_chain_now(chain: str, *, upto: int | None = None) -> ChainReport:
    """The verification itself; ``upto`` checks only the events up to that seq
    (what a purge is about to delete), not the chain's head."""
    head = AuditChainHead.objects.filter(chain=chain).first()
    if head is not None and not hmac.compare_digest(head.mac, head_mac(chain, head.seq, head.hash)):
        return ChainReport(chain, 0, head.seq, "its chain head was changed")
    if head is None and upto is not None:
        return ChainReport(chain, 0, upto, "its chain head is missing")
    checkpoint = AuditCheckpoint.objects.filter(chain=chain).order_by("-seq").first()
    if checkpoint is not None and not hmac.compare_digest(
        checkpoint.mac, checkpoint_mac(checkpoint)
    ):
        return ChainReport(chain, 0, checkpoint.seq + 1, "its purge checkpoint was forged")
    expected_seq = checkpoint.seq + 1 if checkpoint else 1
    expected_prev = checkpoint.hash if checkpoint else GENESIS
    checked = 0
    events = AuditEvent.objects.filter(chain=chain, seq__gte=expected_seq)
    if upto is not None:
        events = events.filter(seq__lte=upto)
    elif head is not None:
        events = events.filter(seq__lte=head.seq)
    for event, subject_ids in _with_subjects(events.order_by("seq")):
        if event.seq != expected_seq:
            return ChainReport(chain, checked, expected_seq, f"event {expected_seq} is missing")
        if event.prev_hash != expected_prev:
            return ChainReport(chain, checked, event.seq, "does not follow the event before it")
        if event_hash(event, subject_ids) != event.hash:
            return ChainReport(chain, checked, event.seq, "its content was changed")
        checked += 1
        expected_seq += 1
        expected_prev = event.hash
    if upto is not None:
        if expected_seq <= upto:
            return ChainReport(chain, checked, expected_seq, f"event {expected_seq} is missing")
        return ChainReport(chain, checked)
    if head is None:
        if checked or checkpoint is not None:
            return ChainReport(chain, checked, expected_seq, "its chain head is missing")
        return ChainReport(chain, checked)
    if head.seq >= expected_seq:
        missing = (
            f"event {expected_seq} is missing"
            if head.seq == expected_seq
            else f"events {expected_seq} to {head.seq} are missing"
        )
        return ChainReport(chain, checked, expected_seq, missing)
    if head.seq < expected_seq - 1 or head.hash != expected_prev:
        return ChainReport(chain, checked, head.seq, "does not match the chain head")
    beyond = (
        AuditEvent.objects.filter(chain=chain, seq__gt=head.seq)
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )
    if beyond is not None and AuditChainHead.objects.filter(pk=head.pk, seq=head.seq).exists():
        return ChainReport(chain, checked, beyond, "it lies beyond the chain head")
    return ChainReport(chain, checked)


def _with_subjects(events, chunk: int = 2000):
    """Each event with its subject ids, read one chunk of events at a time
    (one more query per chunk, whatever the number of subjects)."""
    last_seq = None
    while True:
        page = events if last_seq is None else events.filter(seq__gt=last_seq)
        batch = list(page[:chunk])
        if not batch:
            return
        ids: dict[int, list[int]] = {}
        rows = AuditEventSubject.objects.filter(event_id__in=[e.pk for e in batch]).values_list(
            "event_id", "subject_id"
        )
        for event_id, subject_id in rows:
            ids.setdefault(event_id, []).append(subject_id)
        for event in batch:
            yield event, ids.get(event.pk, [])
        if len(batch) < chunk:
            return
        last_seq = batch[-1].seq


def audit_verify(
    *, organisation_id: int | None = None, all_chains: bool = True
) -> list[ChainReport]:
    """Check every chain (or one organisation's: its events' chain, and its
    connections' chain when it has one) and say where each first breaks."""
    if not all_chains:
        main, connections = chains_of(organisation_id)
        chains = [main]
        if any(
            model.objects.filter(chain=connections).exists()
            for model in (AuditChainHead, AuditEvent, AuditCheckpoint)
        ):
            chains.append(connections)
        return [_verify_chain(chain) for chain in chains]
    # order_by(): the models' orderings would make DISTINCT return every row.
    chains = set(AuditChainHead.objects.values_list("chain", flat=True))
    chains |= set(AuditEvent.objects.order_by().values_list("chain", flat=True).distinct())
    chains |= set(AuditCheckpoint.objects.order_by().values_list("chain", flat=True).distinct())
    return [_verify_chain(chain) for chain in sorted(chains)]


class BrokenChainError(Exception):
    """A purge met chains that do not verify: it kept their events as evidence."""

    def __init__(self, reports: list[ChainReport], purged: int):
        self.reports = reports
        self.purged = purged
        super().__init__(
            "; ".join(f"{r.chain} broken at event {r.broken_seq}: {r.reason}" for r in reports)
        )


def audit_purge(*, before: datetime, chains: Iterable[str] | None = None) -> int:
    """Delete the events older than ``before`` (retention), keeping chains verifiable.

    ``chains``: only these chains (each rule has its own date: the retention
    sweep purges connection chains and the others apart, each organisation
    with its own durations); every chain when None.

    Chain by chain, in one transaction each: the last purged event's seq and
    hash become a sealed checkpoint the verifier starts from, and the purge
    is journalled in the chain it purged (so an organisation's auditors see it).

    The events about to go are verified first: a purge must not launder a
    tampered chain. A broken chain is left whole; the others are purged, then
    ``BrokenChainError`` says which chains were kept and where they break.
    """
    purged_total = 0
    broken: list[ChainReport] = []
    found = AuditEvent.objects.filter(created_at__lt=before)
    if chains is not None:
        found = found.filter(chain__in=list(chains))
    for chain in sorted(set(found.order_by().values_list("chain", flat=True).distinct())):
        with transaction.atomic():
            last = (
                AuditEvent.objects.filter(chain=chain, created_at__lt=before)
                .order_by("-seq")
                .first()
            )
            if last is None:
                continue
            report = _verify_chain_now(chain, upto=last.seq)
            if not report.ok:
                broken.append(report)
                continue
            with _purge_door():
                # The events' subject rows go with them (CASCADE); count events only.
                _, deleted = AuditEvent.objects.filter(chain=chain, seq__lte=last.seq).delete()
                count = deleted.get(AuditEvent._meta.label, 0)
            checkpoint = AuditCheckpoint(
                chain=chain, seq=last.seq, hash=last.hash, purged=count, created_at=timezone.now()
            )
            checkpoint.mac = checkpoint_mac(checkpoint)
            checkpoint.save(force_insert=True)
            audit_record(
                actor=Actor.system(),
                action=Action.PURGE,
                organisation_id=organisation_of_chain(chain),
                object_type="audit.AuditCheckpoint",
                object_id=checkpoint.pk,
            )
            purged_total += count
    if broken:
        raise BrokenChainError(broken, purged_total)
    return purged_total


@dataclass(frozen=True)
class ChainDeleted:
    """What ``audit_chain_delete`` removed: the chain's last link (seq and hash,
    the anchor an auditor holding an older copy can check against) and counts."""

    chain: str
    events: int
    last_seq: int
    last_hash: str
    verified: bool


def audit_chain_delete(*, organisation_id: int) -> ChainDeleted:
    """Delete an offboarded organisation's whole chain: its events, their
    data subjects, its head and its checkpoints (tenant offboarding only,
    ``ops.offboarding``: the organisation and every row its events name are
    deleted in the same transaction).

    The chain is verified first and the outcome returned, with its last
    link, for the operator's journal; a broken chain is deleted all the
    same (the contract says the tenant's data goes), but the caller says so.
    On PostgreSQL the DELETEs go through the journal trigger's one door,
    opened for these statements only.
    """
    if organisation_id is None:
        raise ValueError("only an organisation's chain can be deleted")
    chain = chain_of(organisation_id)
    with transaction.atomic():
        report = _verify_chain_now(chain)
        head = AuditChainHead.objects.filter(chain=chain).select_for_update().first()
        # Both chains go: its events' and its connections' (chains_of).
        chains = chains_of(organisation_id)
        with _purge_door():
            AuditEventSubject.objects.filter(organisation_id=organisation_id)._raw_delete(
                connection.alias
            )
            events = AuditEvent.objects.filter(chain__in=chains)._raw_delete(connection.alias)
        AuditCheckpoint.objects.filter(chain__in=chains).delete()
        AuditChainHead.objects.filter(chain__in=chains).delete()
    return ChainDeleted(
        chain=chain,
        events=events,
        last_seq=head.seq if head else 0,
        last_hash=head.hash if head else GENESIS,
        verified=report.ok,
    )


@contextmanager
def _purge_door():
    """Open the PostgreSQL trigger's one door for the purge's DELETE, then close it.

    ``SET LOCAL`` alone would leave it open until the end of the outermost
    transaction when the purge runs inside one; if the DELETE fails, rolling
    back the savepoint undoes the ``SET LOCAL`` too.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL comptoir.audit_purge = 'on'")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL comptoir.audit_purge = 'off'")


__all__ = [
    "SYSTEM_CHAIN",
    "Actor",
    "BrokenChainError",
    "ChainDeleted",
    "audit_chain_delete",
    "audit_purge",
    "audit_record",
    "audit_verify",
]
