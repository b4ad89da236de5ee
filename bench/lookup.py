"""Finding a person by exact email through the blind index, against plaintext and a scan.

Builds, in a fresh temporary COMPTOIR_VAR_DIR (or a ``bench_`` PostgreSQL
database), one organisation and 1,000,000 persons with encrypted emails, then
measures the median latency of finding one person by exact email:

* **blind**: Comptoir's own path, ``Model.objects.of(org).filter(
  **blind_index.lookup(Model, "email", raw, organisation=org))`` evaluated to
  model instances: the email is normalised, its HMAC computed under the
  organisation's index key (``keys.index_key``), and the indexed
  ``email_index`` column is queried;
* **plain** (the limit): the same query on a plaintext table holding the same
  emails in an indexed ``email`` column, in the same database;
* **scan** (what the blind index replaces): reading rows and decrypting every
  email through the model attribute (``crypto.open_sealed`` with each
  person's own key) to compare it with the one sought. The scan is measured on
  the first 100,000 rows only and extrapolated linearly to 1,000,000
  (``scan_rows_measured``, ``scan_extrapolated``): decryption is per row, so
  its cost is linear in the row count.

Both tables are indexed as Comptoir's are, (organisation, column), and SQLite's
planner is given the statistics Comptoir's own tables get after migrate
(``tenancy.planner``), not those of a real ANALYZE.

Blind and plain lookups are interleaved (alternating which goes first) on the
same random emails, so machine noise affects both alike.

How the encrypted rows are stored: the model is a bench-only
``EncryptedModel`` (``comptoir_bench.BenchPerson``: ``email =
EncryptedEmailField(blind_index="email_index")``, ``email_index =
BlindIndexField(db_index=False)`` indexed with the organisation as
Comptoir's models are), declared here and created with the schema editor as
``tests/privacy`` does. Every person has their own data subject and key
(per-person keys, not simplified). The only shortcut is that data subjects are
inserted with ``bulk_create`` instead of one ``keys.subject_create`` call each:
their wrapped keys are made exactly as ``subject_create`` makes them
(``keys._wrap`` of 32 random bytes under the organisation's current data key,
associated data ``keys._subject_ad``). Persons are inserted with
``bulk_create``, which runs the fields' ``pre_save``: every ciphertext is
``crypto.seal`` under the person's key and every index
``blind_index.compute``, exactly what ``save()`` stores. Emails are generated
(``person{n}@example{n % 97}.test``), no real people.

    .venv/bin/python bench/lookup.py            # full: 1,000,000 rows, scan on 100,000
    .venv/bin/python bench/lookup.py --quick    # 20,000 rows, scan on 5,000
    .venv/bin/python bench/lookup.py --database-url postgres://postgres@127.0.0.1:5432/bench_lookup

With ``--database-url`` the database named in the URL is created for the run
and dropped afterwards; it must not exist yet unless its name starts with
``bench_`` (a leftover of an interrupted run). The last line printed is one
JSON object (../shared/BENCH.md): ``blind_ms``, ``plain_ms``, ``scan_ms_1m``,
``ratio_plain`` (blind / plain), ``ratio_scan`` (scan at 1M / blind) and more.
"""

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _support import (  # noqa: E402 (bench/ is the script folder)
    create_database,
    drop_database,
    make_organisation,
    setup_django,
)

TARGET_RATIO_PLAIN = 2.0
TARGET_RATIO_SCAN = 1000.0
ONE_MILLION = 1_000_000
BATCH = 4_000  # within the person-key cache (keys.CACHE_SIZE): sealed from it


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def email_of(n: int) -> str:
    return f"person{n}@example{n % 97}.test"


# --- PostgreSQL: a database of the run's own (as bench/api.py) ---------------


def define_models():
    """The bench-only tables: persons with an encrypted, searchable email; plaintext twins."""
    from django.db import models

    from comptoir.privacy.fields import BlindIndexField, EncryptedEmailField
    from comptoir.privacy.models import EncryptedModel
    from comptoir.tenancy.scope import TenantModel, tenant_index

    class BenchPerson(EncryptedModel):
        email = EncryptedEmailField(max_length=254, blank=True, blind_index="email_index")
        email_index = BlindIndexField(db_index=False)

        class Meta:
            app_label = "comptoir_bench"
            indexes = [tenant_index("bench_person", "email_index")]  # as Comptoir's models

    class BenchPlainPerson(TenantModel):
        email = models.CharField(max_length=254)

        class Meta:
            app_label = "comptoir_bench"
            indexes = [tenant_index("bench_plain", "email")]  # the same shape, in clear

    return BenchPerson, BenchPlainPerson


def build(organisation, BenchPerson, BenchPlainPerson, rows: int) -> dict:
    """``rows`` persons (each with their own data subject) and their plaintext twins."""
    from comptoir.privacy import keys

    version, org_key = keys.current_key(organisation.pk)
    return _build(organisation, BenchPerson, BenchPlainPerson, rows, version, org_key.aead())


def _build(organisation, BenchPerson, BenchPlainPerson, rows, version, wrapping) -> dict:
    from django.db import transaction

    from comptoir.privacy import keys
    from comptoir.privacy.models import DataSubject, SubjectKey

    timings = {"subjects_s": 0.0, "persons_s": 0.0, "plain_s": 0.0}
    started = time.perf_counter()
    for start in range(0, rows, BATCH):
        stop = min(rows, start + BATCH)
        with transaction.atomic():
            # keys.subject_create, in bulk: the same wrapping, the same associated data.
            t0 = time.perf_counter()
            subjects, stored = [], []
            for _ in range(start, stop):
                subject = DataSubject(organisation=organisation)
                material = os.urandom(keys.KEY_BYTES)
                stored.append(
                    SubjectKey(
                        organisation=organisation,
                        subject_uuid=subject.uuid,
                        wrapped_key=keys._wrap(
                            wrapping, material, keys._subject_ad(organisation.pk, subject.uuid)
                        ),
                        wrapped_by=version,
                    )
                )
                # As subject_create leaves it: the fresh key at hand for the row's values.
                keys._subject_keys.put(subject.uuid, keys.Key(material, "bench"))
                subjects.append(subject)
            SubjectKey.objects.of(organisation).bulk_create(stored)
            DataSubject.objects.of(organisation).bulk_create(subjects)
            t1 = time.perf_counter()
            # pre_save of the fields: crypto.seal under each person's key, blind_index.compute.
            BenchPerson.objects.of(organisation).bulk_create(
                [
                    BenchPerson(organisation=organisation, data_subject=subject, email=email_of(n))
                    for n, subject in zip(range(start, stop), subjects, strict=True)
                ]
            )
            t2 = time.perf_counter()
            BenchPlainPerson.objects.of(organisation).bulk_create(
                [
                    BenchPlainPerson(organisation=organisation, email=email_of(n))
                    for n in range(start, stop)
                ]
            )
            t3 = time.perf_counter()
        timings["subjects_s"] += t1 - t0
        timings["persons_s"] += t2 - t1
        timings["plain_s"] += t3 - t2
        if stop % 100_000 == 0 or stop == rows:
            elapsed = time.perf_counter() - started
            log(f"built {stop:,}/{rows:,} rows in {elapsed:.0f} s")
    return {k: round(v, 1) for k, v in timings.items()}


def plan_as_comptoir(*models) -> None:
    """The planner statistics Comptoir's own tables get after migrate (tenancy.planner)."""
    from comptoir.tenancy import planner

    planner.seed(models=models)


def measure_lookups(organisation, BenchPerson, BenchPlainPerson, rows, count, warmup, seed):
    """Median ms of blind and plain lookups, interleaved, on the same random emails."""
    from comptoir.privacy import blind_index

    rng = random.Random(seed)
    persons = BenchPerson.objects.of(organisation)
    plains = BenchPlainPerson.objects.of(organisation)

    def blind(email: str) -> list:
        return list(
            persons.filter(
                **blind_index.lookup(BenchPerson, "email", email, organisation=organisation)
            )
        )

    def plain(email: str) -> list:
        return list(plains.filter(email=email))

    def compute_only(email: str) -> dict:
        return blind_index.lookup(BenchPerson, "email", email, organisation=organisation)

    def timed(function, argument):
        t0 = time.perf_counter_ns()
        result = function(argument)
        return (time.perf_counter_ns() - t0) / 1e6, result

    for _ in range(warmup):
        email = email_of(rng.randrange(rows))
        blind(email)
        plain(email)
    samples: dict[str, list[float]] = {
        "blind": [],
        "plain": [],
        "compute": [],
        "query": [],
    }
    checks = []
    for index in range(count):
        n = rng.randrange(rows)
        email = email_of(n)
        # Alternate which goes first; the index query alone, with the digest made outside.
        order = ["blind", "plain"] if index % 2 == 0 else ["plain", "blind"]
        for name in order:
            ms, found = timed(blind if name == "blind" else plain, email)
            samples[name].append(ms)
            if name == "blind":
                checks.append((email, found))
            elif [p.email for p in found] != [email]:
                raise SystemExit(f"plain lookup of {email} found {len(found)} rows")
        ms, filters = timed(compute_only, email)
        samples["compute"].append(ms)
        ms, _ = timed(lambda f: list(persons.filter(**f)), filters)
        samples["query"].append(ms)
    # Outside the timings: every blind lookup found exactly its person (decrypted to check).
    for email, found in checks:
        if len(found) != 1 or found[0].email != email:
            raise SystemExit(f"blind lookup of {email} found {len(found)} rows")
    return samples


def measure_scan(organisation, BenchPerson, scan_rows: int, rounds: int, seed: int) -> list[float]:
    """ms to decrypt and compare the emails of the first ``scan_rows`` persons."""
    from comptoir.privacy import keys, normalise

    rng = random.Random(seed)
    results = []
    for _ in range(rounds):
        keys.clear_caches()  # a scan reaches persons far beyond the 4096-key cache anyway
        n = rng.randrange(scan_rows)
        wanted = normalise.email(email_of(n))
        t0 = time.perf_counter_ns()
        matches = [
            person.pk
            for person in BenchPerson.objects.of(organisation)
            .select_related("data_subject")
            .order_by("pk")[:scan_rows]
            .iterator(chunk_size=2000)
            if person.email and normalise.email(person.email) == wanted
        ]
        results.append((time.perf_counter_ns() - t0) / 1e6)
        if len(matches) != 1:
            raise SystemExit(f"the scan for {wanted} found {len(matches)} rows")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few seconds, for CI")
    parser.add_argument("--rows", type=int, help="persons to build (default 1,000,000)")
    parser.add_argument("--scan-rows", type=int, help="rows the scan decrypts (default 100,000)")
    parser.add_argument("--lookups", type=int, help="timed lookups of each kind (default 2000)")
    parser.add_argument("--scan-rounds", type=int, help="scans, median taken (default 3)")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL on 127.0.0.1, e.g. postgres://postgres@127.0.0.1:5432/bench_lookup",
    )
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--keep", action="store_true", help="keep the temporary var dir")
    args = parser.parse_args()
    rows = args.rows or (20_000 if args.quick else ONE_MILLION)
    scan_rows = min(rows, args.scan_rows or (5_000 if args.quick else 100_000))
    lookups = args.lookups or (300 if args.quick else 2000)
    scan_rounds = args.scan_rounds or 3
    warmup = 50 if args.quick else 200
    if not 100 <= rows <= 2 * ONE_MILLION or not 100 <= scan_rows <= 200_000:
        raise SystemExit("keep it bounded: 100 <= rows <= 2,000,000, 100 <= scan rows <= 200,000")
    if not 10 <= lookups <= 20_000 or not 1 <= scan_rounds <= 10:
        raise SystemExit("keep it bounded: 10 <= lookups <= 20,000, 1 <= scan rounds <= 10")

    var_dir = Path(tempfile.mkdtemp(prefix="comptoir-bench-lookup-"))
    database_made = False
    try:
        if args.database_url:
            create_database(args.database_url)
            database_made = True
        setup_django(var_dir, args.database_url)
        from django.core.management import call_command
        from django.db import connection

        log(f"migrating a fresh database under {var_dir}")
        call_command("migrate", interactive=False, verbosity=0)
        BenchPerson, BenchPlainPerson = define_models()
        with connection.schema_editor() as editor:
            editor.create_model(BenchPerson)
            editor.create_model(BenchPlainPerson)
        organisation = make_organisation()

        log(f"building {rows:,} encrypted persons and their plaintext twins")
        t0 = time.perf_counter()
        build_timings = build(organisation, BenchPerson, BenchPlainPerson, rows)
        build_s = time.perf_counter() - t0
        plan_as_comptoir(BenchPerson, BenchPlainPerson)
        log(f"built in {build_s:.0f} s ({build_timings}); timing {lookups} lookups of each kind")
        samples = measure_lookups(
            organisation, BenchPerson, BenchPlainPerson, rows, lookups, warmup, args.seed
        )
        log(f"scanning {scan_rows:,} rows, {scan_rounds} times")
        scans = measure_scan(organisation, BenchPerson, scan_rows, scan_rounds, args.seed)
        database = connection.vendor
        connection.close()
    finally:
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        if database_made:
            drop_database(args.database_url)
        if args.keep:
            log(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)

    def median(name: str) -> float:
        return statistics.median(samples[name])

    def pct(name: str, p: float) -> float:
        ordered = sorted(samples[name])
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    blind_ms = median("blind")
    plain_ms = median("plain")
    scan_ms = statistics.median(scans)
    scan_ms_1m = scan_ms * ONE_MILLION / scan_rows
    ratio_plain = blind_ms / plain_ms
    ratio_scan = scan_ms_1m / blind_ms
    report = {
        "blind_ms": round(blind_ms, 4),
        "plain_ms": round(plain_ms, 4),
        "scan_ms_1m": round(scan_ms_1m, 1),
        "ratio_plain": round(ratio_plain, 3),
        "ratio_scan": round(ratio_scan, 1),
        "target_ratio_plain": TARGET_RATIO_PLAIN,
        "target_ratio_scan": TARGET_RATIO_SCAN,
        "ok": ratio_plain <= TARGET_RATIO_PLAIN and ratio_scan >= TARGET_RATIO_SCAN,
        "database": database,
        "rows": rows,
        "lookups": lookups,
        "blind_path": "Model.objects.of(org).filter(**blind_index.lookup(...)), list()",
        "plain_path": "PlainModel.objects.of(org).filter(email=...), list()",
        "blind_p90_ms": round(pct("blind", 90), 4),
        "plain_p90_ms": round(pct("plain", 90), 4),
        # The blind lookup split in two: blind_index.lookup() alone (normalise,
        # index key, HMAC) and the indexed query with a digest made beforehand.
        "blind_lookup_call_ms": round(median("compute"), 4),
        "blind_query_only_ms": round(median("query"), 4),
        "ratio_plain_query_only": round(median("query") / plain_ms, 3),
        "scan_rows_measured": scan_rows,
        "scan_ms_measured": round(scan_ms, 1),
        "scan_ms_rounds": [round(s, 1) for s in scans],
        "scan_extrapolated": f"linear: scan_ms_measured x {ONE_MILLION:,} / {scan_rows:,}",
        "scan_path": "iterate rows (select_related data_subject), read person.email "
        "(crypto.open_sealed with the person's key), normalise.email, compare",
        "keys": "per-person (one DataSubject each, wrapped by the organisation data key)",
        "simplified": "build only: data subjects bulk_created with keys._wrap/keys._subject_ad "
        "instead of one keys.subject_create each; persons bulk_created (fields' pre_save: "
        "crypto.seal, blind_index.compute); lookups and scan use Comptoir's own code",
        "build_s": round(build_s, 1),
        "build_timings_s": build_timings,
        "cpus": os.cpu_count(),
        "quick": args.quick,
    }
    print(
        f"blind {blind_ms:.3f} ms, plain {plain_ms:.3f} ms (ratio {ratio_plain:.2f}, target <= "
        f"{TARGET_RATIO_PLAIN:g}); scan of 1M ~{scan_ms_1m / 1000:.1f} s from {scan_rows:,} rows "
        f"(ratio {ratio_scan:.0f}, target >= {TARGET_RATIO_SCAN:g})"
    )
    print(json.dumps(report))


if __name__ == "__main__":
    main()
