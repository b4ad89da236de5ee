"""A 100,000-row CSV import end to end, against a raw plaintext insert of the same rows.

Builds, in a fresh temporary COMPTOIR_VAR_DIR (SQLite, WAL), one organisation,
then generates a CSV file (French headers, ``;``, UTF-8) of generated people,
no real ones: names drawn from short lists, unique emails
(``given.family.n@exampleK.test``), unique French mobile numbers and, on
company rows, unique valid SIRENs. Two rows in three are individuals (name,
email, phone, postal code, city); one in three is a company (name, SIREN)
with one contact person (name, email, phone, job title).

* **import** (Comptoir): ``import_job_create`` (reads and stores the file in
  ``default_storage``) then ``import_job_run``, as the ``comptoir import
  parties`` command and the UI's task do: every row checked by the models'
  own fields and the parties' rules (those of ``party_create``), duplicate
  checks per batch through the blind indexes, every non-empty personal value
  encrypted with AES-256-GCM under the person's own key (one data subject
  and key per person), blind indexes computed, one audit record per batch
  and model, job progress committed with each batch of 1,000 rows;
* **raw** (the baseline): the same file parsed with ``csv.reader`` and its rows
  inserted in plaintext with one ``executemany`` into a plain table of the
  same columns, in one transaction, in the same database.

The raw insert is timed before and after the import (median of the two), so
machine noise affects both alike. ``ratio`` is import time / raw time.

Two floors, measured in the same run, say how far the target ratio can be
reached at all by anything doing what the issue asks:

* **storage** (``storage_s``): the imported rows, exactly as stored
  (encrypted, indexed), copied with one ``executemany`` per table into empty
  clones of Comptoir's three tables (same columns, same indexes), one
  transaction: what writing these rows costs with no Python work at all;
* **crypto** (``crypto_s``): the cryptography the issue prescribes for the
  same rows and nothing else: one fresh key per person wrapped under the
  organisation key, every non-empty personal value sealed with AES-256-GCM,
  the blind index (HMAC-SHA256 over the normal form) of every searchable one.

``floor_ratio`` is (storage + crypto) / raw: no import that encrypts and
indexes as the issue prescribes, into these tables, can have a lower
``ratio`` on this machine, before it parses or validates anything; nor can
one process import more than ``floor_rows_per_s`` rows a second.

    .venv/bin/python bench/import.py            # full: 100,000 rows
    .venv/bin/python bench/import.py --quick    # 5,000 rows, seconds

The last line printed is one JSON object (../shared/BENCH.md): ``rows_per_s``,
``raw_rows_per_s``, ``ratio`` and more.
"""

import argparse
import csv
import io
import json
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from _support import make_organisation, setup_django, siren_of  # noqa: E402 (bench/ is the script folder)

GIVEN = [
    "Jérôme", "Élise", "Louis", "Chloé", "Hugo", "Inès", "Noé", "Zoé", "Arthur", "Léa",
    "Gabriel", "Manon", "Jules", "Camille", "Adam", "Sarah", "Raphaël", "Jade", "Paul", "Lina",
]  # fmt: skip
FAMILY = [
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
]  # fmt: skip
CITIES = [("75011", "Paris"), ("69003", "Lyon"), ("13001", "Marseille"), ("33000", "Bordeaux")]
TITLES = ["Gérant", "Directrice commerciale", "Acheteur", "Comptable"]
HEADERS = [
    "Raison sociale", "SIREN", "Prénom", "Nom", "Courriel", "Téléphone", "Fonction",
    "Code postal", "Ville",
]  # fmt: skip
TARGET_ROWS_PER_S = 20_000
TARGET_RATIO = 3


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def generate(rows: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(HEADERS)
    for n in range(rows):
        given, family = GIVEN[n % len(GIVEN)], FAMILY[(n // len(GIVEN)) % len(FAMILY)]
        email = f"{given.lower()}.{family.lower()}.{n}@example{n % 97}.test"
        email = email.encode("ascii", "ignore").decode()
        phone = f"06{n:08d}"
        postal_code, city = CITIES[n % len(CITIES)]
        if n % 3 == 2:
            writer.writerow(
                [f"Société {n}", siren_of(10_000_000 + n), given, family, email, phone,
                 TITLES[n % len(TITLES)], "", ""]
            )  # fmt: skip
        else:
            writer.writerow(["", "", given, family, email, phone, "", postal_code, city])
    return out.getvalue().encode()


def raw_insert(data: bytes, table: str) -> float:
    """Parse the file and insert its rows in plaintext, one executemany, one transaction."""
    from django.db import connection, transaction

    columns = ", ".join(f"c{i}" for i in range(len(HEADERS)))
    marks = ", ".join(["%s"] * len(HEADERS))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")  # noqa: S608 (a constant name)
        cursor.execute(
            f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, "  # noqa: S608
            + ", ".join(f"c{i} TEXT NOT NULL" for i in range(len(HEADERS)))
            + ")"
        )
    started = time.perf_counter()
    reader = csv.reader(io.StringIO(data.decode("utf-8")), delimiter=";")
    next(reader)
    rows = [tuple(row) for row in reader]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
            rows,
        )
    return time.perf_counter() - started


STORED_TABLES = ("privacy_datasubject", "parties_party", "parties_contactperson")


def storage_floor() -> float:
    """The stored rows copied into empty clones of their tables (same DDL), timed."""
    from django.db import connection, transaction

    copies = []
    with connection.cursor() as cursor:
        for table in STORED_TABLES:
            clone = f"bench_floor_{table}"
            cursor.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = %s "
                "AND sql IS NOT NULL ORDER BY type DESC",  # the table before its indexes
                [table],
            )
            ddl = cursor.fetchall()
            for kind, name, sql in ddl:
                if kind == "table":
                    cursor.execute(f'DROP TABLE IF EXISTS "{clone}"')
                    cursor.execute(sql.replace(f'"{table}"', f'"{clone}"', 1))
                else:
                    sql = sql.replace(f'"{name}"', f'"bench_floor_{name}"', 1)
                    cursor.execute(sql.replace(f'"{table}"', f'"{clone}"', 1))
            cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1')  # noqa: S608 (constant names)
            rows = cursor.fetchall()
            marks = ", ".join(["%s"] * len(cursor.description))
            copies.append((f'INSERT INTO "{clone}" VALUES ({marks})', rows))  # noqa: S608
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, rows in copies:
            cursor.executemany(sql, rows)
    return time.perf_counter() - started


def crypto_floor(data: bytes, organisation) -> float:
    """The prescribed cryptography of the file's people, and nothing else, timed."""
    import os

    from comptoir.privacy import blind_index, crypto, keys

    reader = csv.reader(io.StringIO(data.decode("utf-8")), delimiter=";")
    next(reader)
    rows = list(reader)
    org = organisation.pk
    version, org_key = keys.current_key(org)
    wrapper = org_key.aead()
    header = crypto.SUBJECT_HEADER
    started = time.perf_counter()
    for company, _siren, given, family, email, phone, _title, postal_code, city in rows:
        person_uuid = str(uuid.uuid4())
        material = os.urandom(32)
        nonce = os.urandom(12)
        wrapper.encrypt(nonce, material, f"org:{org}:subject:{person_uuid}".encode())
        key = keys.Key(material, "bench")
        model = "parties.contactperson" if company else "parties.party"
        row_uuid = str(uuid.uuid4())
        for name, value in (
            ("given_names", given),
            ("family_name", family),
            ("email", email),
            ("phone", phone),
            ("billing_postal_code", postal_code),
            ("billing_city", city),
        ):
            if value:
                place = crypto.associated(header, model, name, row_uuid, org)
                crypto.seal_with(key, header, value.encode(), place)
        for kind, value in (("email", email), ("phone", phone), ("name", family)):
            normal = blind_index.normal_form(kind, value, "FR")
            blind_index.of_normal(organisation_id=org, kind=kind, normal=normal)
    del version
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5,000 rows, for CI")
    parser.add_argument("--rows", type=int, help="rows in the file (default 100,000)")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary var dir")
    args = parser.parse_args()
    rows = args.rows or (5_000 if args.quick else 100_000)
    if not 100 <= rows <= 1_000_000:
        raise SystemExit("keep it bounded: 100 <= rows <= 1,000,000")

    var_dir = Path(tempfile.mkdtemp(prefix="comptoir-bench-import-"))
    try:
        setup_django(var_dir)
        from django.core.management import call_command

        from comptoir.parties.importing import services
        from comptoir.parties.models import ContactPerson, Party

        log(f"migrating a fresh database under {var_dir}")
        call_command("migrate", interactive=False, verbosity=0)
        organisation = make_organisation()
        data = generate(rows)
        log(f"generated a {rows:,}-row CSV ({len(data) / 1e6:.1f} MB)")

        raw_before = raw_insert(data, "bench_raw_import")
        log(f"raw insert: {raw_before:.2f} s")
        started = time.perf_counter()
        job = services.import_job_create(
            organisation=organisation, data=data, batch_size=args.batch_size
        )
        job = services.import_job_run(job_id=job.pk)
        import_s = time.perf_counter() - started
        log(f"import: {import_s:.2f} s ({job.committed_batches} batches)")
        raw_after = raw_insert(data, "bench_raw_import")
        log(f"raw insert again: {raw_after:.2f} s")
        storage_s = storage_floor()
        log(f"storage floor (stored rows into clones of the tables): {storage_s:.2f} s")
        crypto_s = crypto_floor(data, organisation)
        log(f"crypto floor (keys, seals, blind indexes only): {crypto_s:.2f} s")

        parties = Party.objects.of(organisation).count()
        contacts = ContactPerson.objects.of(organisation).count()
        expected_contacts = rows // 3
        if (job.rejected, parties, contacts) != (0, rows, expected_contacts):
            raise SystemExit(
                f"the import did not do its work: {job.rejected} rejected, "
                f"{parties} parties, {contacts} contact persons"
            )
        raw_s = statistics.median([raw_before, raw_after])
        result = {
            "rows": rows,
            "rows_per_s": round(rows / import_s),
            "raw_rows_per_s": round(rows / raw_s),
            "ratio": round(import_s / raw_s, 1),
            "import_s": round(import_s, 2),
            "raw_s": round(raw_s, 3),
            "storage_s": round(storage_s, 3),
            "crypto_s": round(crypto_s, 3),
            "floor_ratio": round((storage_s + crypto_s) / raw_s, 1),
            "floor_rows_per_s": round(rows / (storage_s + crypto_s)),
            "parties_created": job.parties_created,
            "contacts_created": job.contacts_created,
            "batches": job.committed_batches,
            "database": "sqlite",
            "target_rows_per_s": TARGET_ROWS_PER_S,
            "target_ratio": TARGET_RATIO,
            "meets_targets": rows / import_s >= TARGET_ROWS_PER_S
            and import_s / raw_s <= TARGET_RATIO,
        }
        print(json.dumps(result))
    finally:
        if args.keep:
            log(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
