"""The access export (GDPR art. 15) of one person among many.

Builds, in a fresh temporary COMPTOIR_VAR_DIR (SQLite by default, or the
PostgreSQL database of ``--database-url``), one French organisation and:

* N minimal persons (a data subject and an individual party each), written
  by two ``INSERT ... SELECT`` statements (not timed; they have no key in
  the key store: nothing of theirs is ever unwrapped);
* the person exported: an individual client made by ``party_create``, with
  I interactions (notes encrypted under their key, ``bulk_create``) and V
  issued invoices: one issued by ``invoice_issue`` (checks, number, frozen
  snapshot), cloned V-1 times with its two lines and its issued document (each
  snapshot sealed again under the organisation key, bound to its own row).

Then, three times, ``access_export`` of that person (key caches cleared
before each: the keys are unwrapped again), and the ZIP is checked to hold the
I interactions and V invoices. Timed: the export, the median of the three.
Printed last: one JSON object with ``export_s``, ``persons``, ``interactions``,
``invoices`` (../shared/BENCH.md). Target: ``export_s < 1`` at 1,000,000
persons, 10,000 interactions and 1,000 invoices.

    .venv/bin/python bench/dsar.py            # 1,000,000 persons (a few minutes to build)
    .venv/bin/python bench/dsar.py --quick    # 2,000 persons, 200 interactions, 20 invoices
    .venv/bin/python bench/dsar.py --database-url postgres://postgres@127.0.0.1:5432/bench_dsar
"""

import argparse
import io
import json
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import uuid
import zipfile
from decimal import Decimal
from pathlib import Path

from _support import create_database, drop_database, make_organisation, setup_django

TARGET_EXPORT_S = 1.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _constant(model_field, now):
    """What a minimal row stores in a column the generator does not set."""
    from django.db import models

    if model_field.null:
        return None
    if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
        return now
    if model_field.has_default():
        return model_field.get_default()
    if isinstance(model_field, models.BinaryField):
        return b""
    if isinstance(model_field, models.CharField | models.TextField):
        return ""
    raise SystemExit(f"no filler for {model_field.model.__name__}.{model_field.name}")


def _insert_select(model, generated: dict[str, str], source: str, params: list) -> None:
    """``INSERT INTO <model> (...) SELECT <generated or constants> FROM <source>``."""
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    columns, values, bound = [], [], []
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key:
            continue
        columns.append(connection.ops.quote_name(model_field.column))
        if model_field.attname in generated:
            values.append(generated[model_field.attname])
        else:
            values.append("%s")
            bound.append(model_field.get_db_prep_save(_constant(model_field, now), connection))
    # Names from the models' own metadata, values bound: nothing from outside.
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} FROM {source}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, bound + params)


def build_crowd(organisation, persons: int) -> None:
    """``persons`` data subjects, each with a minimal individual party."""
    from django.db import connection, transaction

    from comptoir.parties.models import Party
    from comptoir.privacy.models import DataSubject

    postgres = connection.vendor == "postgresql"
    new_uuid = "gen_random_uuid()" if postgres else "lower(hex(randomblob(16)))"
    series = (
        "generate_series(1, %s) AS n(i)"
        if postgres
        else "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %s) "
        "SELECT i FROM n)"
    )
    with transaction.atomic():
        _insert_select(
            DataSubject,
            {
                "organisation_id": str(int(organisation.pk)),
                "uuid": new_uuid,
            },
            series,
            [persons],
        )
        _insert_select(
            Party,
            {
                "organisation_id": "s.organisation_id",
                "data_subject_id": "s.id",
                "row_uuid": new_uuid,
                "kind": "'individual'",
            },
            "privacy_datasubject s WHERE s.organisation_id = %s",
            [organisation.pk],
        )


def build_person(organisation, interactions: int, invoices: int):
    """The person exported, with their interactions and issued invoices."""
    from django.db import transaction

    from comptoir.audit.services import Actor
    from comptoir.invoicing import services as invoicing
    from comptoir.invoicing.models import Invoice, InvoiceLine, IssuedDocument
    from comptoir.parties import services as parties
    from comptoir.parties.models import Interaction, PartyKind

    actor = Actor.system()
    person = parties.party_create(
        actor=actor,
        organisation=organisation,
        kind=PartyKind.INDIVIDUAL,
        is_client=True,
        given_names="Camille",
        family_name="Banc-d'Essai",
        email="camille@bench.comptoir.test",
        billing_street="3 rue de la Mesure",
        billing_postal_code="75002",
        billing_city="Paris",
    )
    kinds, directions = ("call", "meeting", "email", "note"), ("inbound", "outbound")
    with transaction.atomic():
        Interaction.objects.of(organisation).bulk_create(
            (
                Interaction(
                    organisation=organisation,
                    party=person,
                    data_subject=person.data_subject,
                    kind=kinds[n % 4],
                    direction=directions[n % 2],
                    note=f"Échange n° {n} : suite donnée à la demande, rappel prévu.",
                )
                for n in range(interactions)
            ),
            batch_size=1000,
        )
    draft = invoicing.invoice_create(
        actor=actor,
        organisation=organisation,
        party=person,
        lines=[
            {
                "name": f"Prestation {i}",
                "quantity": Decimal(i + 1),
                "unit_price": Decimal("120.45"),
                "vat_category": "S",
                "vat_rate": Decimal("20"),
            }
            for i in range(2)
        ],
    )
    first = invoicing.invoice_issue(actor=actor, invoice=draft)
    issued = IssuedDocument.objects.of(organisation).get(invoice=first)
    snapshot = issued.snapshot
    values = {
        f.attname: getattr(first, f.attname)
        for f in Invoice._meta.concrete_fields
        if not f.primary_key
    }
    lines = [
        {f.attname: getattr(x, f.attname) for f in InvoiceLine._meta.concrete_fields}
        for x in first.lines.all()
    ]
    with transaction.atomic():
        clones = Invoice._base_manager.bulk_create(
            [Invoice(**{**values, "number": f"{first.number}-{n}"}) for n in range(1, invoices)],
            batch_size=500,
        )
        InvoiceLine._base_manager.bulk_create(
            [
                InvoiceLine(**{**line, "id": None, "invoice_id": clone.pk})
                for clone in clones
                for line in lines
            ],
            batch_size=1000,
        )
        IssuedDocument._base_manager.bulk_create(
            [
                IssuedDocument(
                    organisation=organisation,
                    invoice_id=clone.pk,
                    series=issued.series,
                    year=issued.year,
                    sequence=issued.sequence + n,
                    number=clone.number,
                    snapshot=snapshot,
                    content_hash=secrets.token_hex(32),
                    previous_hash=secrets.token_hex(32),
                    chain_hash=secrets.token_hex(32),
                    issued_at=issued.issued_at,
                    issued_by=issued.issued_by,
                    row_uuid=uuid.uuid4(),
                )
                for n, clone in enumerate(clones, 1)
            ],
            batch_size=500,
        )
    return person


def export_once(organisation, subject) -> tuple[float, bytes, int]:
    from comptoir.audit.services import Actor
    from comptoir.privacy import keys
    from comptoir.privacy.access import access_export

    keys.clear_caches()
    started, cpu = time.perf_counter(), time.process_time()
    export = access_export(organisation=organisation, subjects=[subject], actor=Actor.system())
    return time.perf_counter() - started, time.process_time() - cpu, export.content, export.rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small run, for CI")
    parser.add_argument("--persons", type=int, help="persons in the organisation (1,000,000)")
    parser.add_argument("--interactions", type=int, help="the person's interactions (10,000)")
    parser.add_argument("--invoices", type=int, help="the person's issued invoices (1,000)")
    parser.add_argument("--database-url", help="a PostgreSQL database of the run's own")
    parser.add_argument("--keep", action="store_true", help="keep the temporary var dir")
    parser.add_argument("--profile", action="store_true", help="print a profile of one export")
    args = parser.parse_args()
    persons = args.persons or (2_000 if args.quick else 1_000_000)
    interactions = args.interactions or (200 if args.quick else 10_000)
    invoices = args.invoices or (20 if args.quick else 1_000)
    if not (1 <= persons <= 2_000_000 and 1 <= interactions <= 100_000 and 1 <= invoices <= 10_000):
        raise SystemExit("keep it bounded: persons <= 2M, interactions <= 100k, invoices <= 10k")

    var_dir = Path(tempfile.mkdtemp(prefix="comptoir-bench-dsar-"))
    if args.database_url:
        create_database(args.database_url)
    try:
        setup_django(var_dir, args.database_url)
        from django.core.management import call_command
        from django.db import connection

        log(f"migrating a fresh database under {var_dir}")
        call_command("migrate", interactive=False, verbosity=0)
        organisation = make_organisation()
        started = time.perf_counter()
        build_crowd(organisation, persons - 1)
        log(f"{persons - 1:,} minimal persons in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        person = build_person(organisation, interactions, invoices)
        log(
            f"the person: {interactions:,} interactions, {invoices:,} invoices in "
            f"{time.perf_counter() - started:.1f} s"
        )
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        else:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")

        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(export_once, organisation, person.data_subject)
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(40)
        runs, cpu_runs = [], []
        for index in range(3):
            elapsed, cpu, content, rows = export_once(organisation, person.data_subject)
            runs.append(elapsed)
            cpu_runs.append(cpu)
            log(
                f"export {index + 1}: {elapsed:.3f} s ({cpu:.3f} s of CPU), {rows:,} rows, "
                f"{len(content) / 1e6:.1f} MB"
            )
        archive = zipfile.ZipFile(io.BytesIO(content))
        found_interactions = len(json.loads(archive.read("data/parties.interaction.json")))
        found_invoices = len(json.loads(archive.read("data/invoicing.invoice.json")))
        if (found_interactions, found_invoices) != (interactions, invoices):
            raise SystemExit(
                f"the export is incomplete: {found_interactions} interactions, "
                f"{found_invoices} invoices"
            )
        export_s = statistics.median(runs)
        result = {
            "export_s": round(export_s, 3),
            "export_runs_s": [round(r, 3) for r in runs],
            # This process's CPU time: what a free core would take, steadier
            # than wall time on a machine others share.
            "export_cpu_s": round(statistics.median(cpu_runs), 3),
            "persons": persons,
            "interactions": interactions,
            "invoices": invoices,
            "rows": rows,
            "zip_mb": round(len(content) / 1e6, 2),
            "database": connection.vendor,
            "cpus": os.cpu_count(),
            "target_export_s": TARGET_EXPORT_S,
            "meets_target": export_s < TARGET_EXPORT_S,
        }
        print(json.dumps(result))
    finally:
        if args.database_url:
            from django.db import connections

            connections.close_all()
            drop_database(args.database_url)
        if args.keep:
            log(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
