"""Retention apply on 1,000,000 persons of whom 30% are expired, against a raw
SQL UPDATE and DELETE of the same rows, in the same run.

Builds, in a fresh temporary COMPTOIR_VAR_DIR (SQLite, WAL; or a PostgreSQL
database of its own with ``--database-url``), one organisation and, with raw
multi-row inserts (``core.rawsql.insert_many``), its persons: individual
prospects, each with their data subject (a wrapped key) and one interaction.
30% were collected four years ago and never wrote back (expired under the
3-year prospect rule); the others were collected a year ago. The encrypted
columns hold random bytes of a sealed value's size: neither side reads them.

* **raw** (the baseline): the expired rows, found by one ``created_at``
  condition, removed by hand-written statements in one transaction: DELETE
  their interactions, DELETE the parties, DELETE their keys from the key
  store (the crypto-shredding) and mark their data subjects shredded. Rolled back, so the sweep
  then finds the same rows; the rollback is not timed.
* **sweep** (Comptoir): ``retention_apply`` as ``comptoir retention apply``
  runs it: the parties' candidates computed from real events (collection,
  latest inbound interaction), then the erasure engine over every declared
  model, in batches of 1,000 persons, one transaction each, with one erasure
  record per person and one audit event per batch.

    .venv/bin/python bench/sweep.py            # full: 1,000,000 persons
    .venv/bin/python bench/sweep.py --quick    # 20,000 persons, seconds

The last line printed is one JSON object (../shared/BENCH.md): ``sweep_s``,
``raw_sql_s``, ``ratio`` (sweep / raw), ``rows``.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _support import (  # noqa: E402 (bench/ is the script folder)
    create_database,
    drop_database,
    make_organisation,
    setup_django,
)

CHUNK = 20_000
SEALED_NAME = 48  # bytes of a sealed short name (header, nonce, padded text, tag)
TARGET_RATIO = 2


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def populate(organisation, persons: int, expired_fraction: float, now: datetime) -> int:
    """The organisation's prospects, by raw inserts; returns how many are expired."""
    from django.db import transaction

    from comptoir.core.rawsql import insert_many
    from comptoir.parties.models import Direction, Interaction, Party, PartyKind
    from comptoir.privacy.models import DataSubject, SubjectKey

    expired = int(persons * expired_fraction)
    old, recent = now - timedelta(days=4 * 366), now - timedelta(days=365)
    done = 0
    while done < persons:
        count = min(CHUNK, persons - done)
        with transaction.atomic():
            stamps = [old if done + i < expired else recent for i in range(count)]
            uuids = [uuid.uuid4() for _ in range(count)]
            subjects = insert_many(
                DataSubject,
                [
                    {
                        "organisation_id": organisation.pk,
                        "uuid": subject_uuid,
                        "created_at": stamp,
                    }
                    for stamp, subject_uuid in zip(stamps, uuids, strict=True)
                ],
                key="uuid",
            )
            insert_many(
                SubjectKey,
                [
                    {
                        "organisation_id": organisation.pk,
                        "subject_uuid": subject_uuid,
                        "wrapped_key": os.urandom(60),
                        "wrapped_by": 1,
                    }
                    for subject_uuid in uuids
                ],
                key="subject_uuid",
            )
            parties = insert_many(
                Party,
                [
                    {
                        "organisation_id": organisation.pk,
                        "row_uuid": uuid.uuid4(),
                        "data_subject_id": subject,
                        "kind": PartyKind.INDIVIDUAL,
                        "family_name": os.urandom(SEALED_NAME),
                        "given_names": os.urandom(SEALED_NAME),
                        "created_at": stamp,
                        "updated_at": stamp,
                    }
                    for subject, stamp in zip(subjects, stamps, strict=True)
                ],
                key="row_uuid",
            )
            insert_many(
                Interaction,
                [
                    {
                        "organisation_id": organisation.pk,
                        "row_uuid": uuid.uuid4(),
                        "data_subject_id": subject,
                        "party_id": party,
                        "kind": "email",
                        "direction": Direction.OUTBOUND,
                        "occurred_at": stamp,
                        "note": os.urandom(SEALED_NAME),
                        "created_at": stamp,
                    }
                    for subject, party, stamp in zip(subjects, parties, stamps, strict=True)
                ],
                key="row_uuid",
            )
        done += count
        log(f"  {done:,} persons")
    return expired


def raw_sql(organisation_id: int, now: datetime) -> tuple[float, int]:
    """The baseline: the expired rows removed by hand, timed, then rolled back."""
    from django.db import connection, transaction

    limit = now - timedelta(days=3 * 366)
    expired = "SELECT id FROM parties_party WHERE organisation_id = %s AND created_at < %s"  # noqa: S608
    subjects = (
        "SELECT data_subject_id FROM parties_party WHERE organisation_id = %s AND created_at < %s"
    )
    args = [organisation_id, limit]
    with transaction.atomic(), connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(
            "DELETE FROM privacy_subjectkey WHERE subject_uuid IN "  # noqa: S608
            f"(SELECT uuid FROM privacy_datasubject WHERE id IN ({subjects}))",
            args,
        )
        cursor.execute(
            f"UPDATE privacy_datasubject SET shredded_at = %s WHERE id IN ({subjects})",  # noqa: S608
            [now, *args],
        )
        cursor.execute(f"DELETE FROM parties_interaction WHERE party_id IN ({expired})", args)  # noqa: S608
        cursor.execute(f"DELETE FROM parties_party WHERE id IN ({expired})", args)  # noqa: S608
        rows = cursor.rowcount
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="20,000 persons, for CI")
    parser.add_argument("--persons", type=int, help="persons (default 1,000,000)")
    parser.add_argument("--database-url", help="a PostgreSQL URL (default: SQLite)")
    parser.add_argument("--var-dir", help="build here and keep it (default: a temporary dir)")
    parser.add_argument(
        "--populate-only", action="store_true", help="build the data and stop (tests)"
    )
    args = parser.parse_args()
    persons = args.persons or (20_000 if args.quick else 1_000_000)
    if not 100 <= persons <= 2_000_000:
        raise SystemExit("keep it bounded: 100 <= persons <= 2,000,000")

    var_dir = Path(args.var_dir or tempfile.mkdtemp(prefix="comptoir-bench-sweep-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    if args.database_url:
        create_database(args.database_url)
    try:
        setup_django(var_dir, args.database_url)
        from django.core.management import call_command
        from django.utils import timezone

        from comptoir.privacy.records.models import ErasureRecord
        from comptoir.privacy.records.sweep import retention_apply

        log(f"migrating a fresh database under {var_dir}")
        call_command("migrate", interactive=False, verbosity=0)
        organisation = make_organisation()
        now = timezone.now().astimezone(UTC)
        started = time.perf_counter()
        expired = populate(organisation, persons, 0.3, now)
        built_s = time.perf_counter() - started
        log(f"built {persons:,} persons ({expired:,} expired) in {built_s:.1f} s")
        if args.populate_only:
            print(
                json.dumps(
                    {"persons": persons, "expired": expired, "organisation": organisation.pk}
                )
            )
            return

        raw_s, raw_rows = raw_sql(organisation.pk, now)
        log(f"raw SQL: {raw_s:.2f} s ({raw_rows:,} parties)")
        started = time.perf_counter()
        outcome = retention_apply(organisation=organisation, now=now)
        sweep_s = time.perf_counter() - started
        log(f"sweep: {sweep_s:.2f} s ({outcome.erased:,} persons, deleted {outcome.deleted})")
        erased = ErasureRecord.objects.of(organisation).count()
        if (outcome.erased, raw_rows, erased) != (expired, expired, expired):
            raise SystemExit(
                f"the two sides did not do the same work: sweep {outcome.erased}, "
                f"raw {raw_rows}, erasure records {erased}, expected {expired}"
            )
        ratio = sweep_s / raw_s
        result = {
            "rows": expired,
            "persons": persons,
            "sweep_s": round(sweep_s, 2),
            "raw_sql_s": round(raw_s, 2),
            "ratio": round(ratio, 2),
            "target_ratio": TARGET_RATIO,
            "database": "postgresql" if args.database_url else "sqlite",
        }
        print(json.dumps(result))
    finally:
        if not args.var_dir:
            shutil.rmtree(var_dir, ignore_errors=True)
        if args.database_url and not args.populate_only:
            drop_database(args.database_url)


if __name__ == "__main__":
    main()
