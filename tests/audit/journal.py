"""Helpers for the journal's tests: a chain of events, an attacker, a report.

The attacker writes to the tables with raw SQL. On PostgreSQL the append-only
trigger would refuse, so it first does what a superuser could:
``SET LOCAL session_replication_role = replica`` (triggers stop firing) until
the end of the enclosing transaction (the test's, which is rolled back).
"""

import pytest
from django.db import connection, transaction

from comptoir.audit.models import Action, AuditChainHead, AuditCheckpoint, AuditEvent
from comptoir.audit.services import Actor, ChainReport, audit_record, audit_verify

EVENTS = AuditEvent._meta.db_table
HEADS = AuditChainHead._meta.db_table
CHECKPOINTS = AuditCheckpoint._meta.db_table

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's"
)


def record_five(organisation, user, ip="192.0.2.10") -> list[AuditEvent]:
    """Five events of different kinds in one organisation's chain."""
    pk = organisation.pk if organisation is not None else None
    return [
        audit_record(
            actor=Actor.user(user.pk, ip),
            action=Action.CREATE,
            organisation_id=pk,
            object_type="parties.Person",
            object_id=101,
            fields=["last_name", "email"],
        ),
        audit_record(
            actor=Actor.user(user.pk, ip),
            action=Action.READ,
            organisation_id=pk,
            object_type="parties.Person",
            object_id=101,
        ),
        audit_record(
            actor=Actor.user(user.pk, "2001:db8::7"),
            action=Action.UPDATE,
            organisation_id=pk,
            object_type="parties.Person",
            object_id=101,
            fields=["iban"],
        ),
        audit_record(
            actor=Actor.system(),
            action=Action.EXPORT,
            organisation_id=pk,
            object_type="parties.Person",
        ),
        audit_record(
            actor=Actor.user(user.pk, ip),
            action=Action.DELETE,
            organisation_id=pk,
            object_type="parties.Person",
            object_id=101,
        ),
    ]


def attack(sql: str, params=()) -> int:
    """Raw SQL past the trigger, as a database superuser could; returns the row count."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        return cursor.rowcount


def attack_update(event_id: int, **values) -> None:
    """``UPDATE`` one event's columns with raw SQL (values adapted as Django would)."""
    sets, params = [], []
    for name, value in values.items():
        field = AuditEvent._meta.get_field(name)
        sets.append(f"{connection.ops.quote_name(field.column)} = %s")
        params.append(field.get_db_prep_value(value, connection, prepared=False))
    sql = f"UPDATE {EVENTS} SET {', '.join(sets)} WHERE id = %s"  # noqa: S608 (column names)
    assert attack(sql, [*params, event_id]) == 1


def content_of(event: AuditEvent, *, with_hashes: bool) -> dict:
    """Every column of an event but its id and its place (seq), and its hashes or not."""
    kept_out = {"id", "seq"} if with_hashes else {"id", "seq", "hash", "prev_hash"}
    names = [f.name for f in AuditEvent._meta.concrete_fields if f.name not in kept_out]
    return {name: getattr(event, name) for name in names}


def chain_report(organisation_id: int | None) -> ChainReport:
    """The verifier's report on one organisation's chain (the system chain for None)."""
    (report,) = audit_verify(organisation_id=organisation_id, all_chains=False)
    return report


def reports_by_chain() -> dict[str, ChainReport]:
    return {report.chain: report for report in audit_verify()}
