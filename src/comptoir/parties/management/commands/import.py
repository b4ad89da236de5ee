"""``comptoir import parties FILE``: import parties and contact persons with a progress bar."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from comptoir.parties.importing import readers, services
from comptoir.tenancy.models import Organisation


def _mapping(values: list[str]) -> dict[str, str]:
    """``--mapping "Raison sociale=company_name"`` (repeatable) or ``--mapping map.json``."""
    mapping: dict[str, str] = {}
    for value in values:
        if "=" not in value and Path(value).is_file():
            loaded = json.loads(Path(value).read_text(encoding="utf-8"))
            if not isinstance(loaded, dict):
                raise CommandError("a mapping file holds one JSON object: header -> column")
            mapping.update({str(k): str(v) for k, v in loaded.items()})
            continue
        header, eq, column = value.partition("=")
        if not eq:
            raise CommandError(f"--mapping {value!r}: write HEADER=COLUMN or give a JSON file")
        mapping[header] = column
    return mapping


class Command(BaseCommand):
    help = (
        "Import parties and contact persons from a CSV (';' or ',', UTF-8 or Windows-1252, "
        "French or English headers) or vCard 3.0/4.0 file, in batches of one transaction "
        "each. Re-running the same file resumes an interrupted import and creates no "
        "duplicates. Rejected rows are written to a CSV report (line, column, reason)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        parties = sub.add_parser("parties", help="parties and their contact persons")
        parties.add_argument("file", type=Path)
        parties.add_argument(
            "--organisation", type=int, help="organisation id (needed if there are several)"
        )
        parties.add_argument(
            "--mapping",
            action="append",
            default=[],
            help="HEADER=COLUMN (repeatable) or a JSON file; columns: "
            + ", ".join(readers.COLUMNS),
        )
        parties.add_argument("--batch-size", type=int, default=services.DEFAULT_BATCH_SIZE)
        parties.add_argument(
            "--report", type=Path, help="where to write the rejected rows (CSV), if any"
        )
        sub.add_parser(
            "purge",
            help="delete the uploaded files and reports of imports ended more than 30 days "
            "ago (run it daily)",
        )

    def handle(self, *args, what: str, **o):
        if what == "purge":
            count = services.import_files_purge()
            self.stdout.write(f"files of {count} imports deleted")
            return
        organisation = self._organisation(o["organisation"])
        if o["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            data = o["file"].read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {o['file']}: {exc.strerror}") from None
        try:
            job = services.import_job_create(
                organisation=organisation,
                data=data,
                mapping=_mapping(o["mapping"]),
                batch_size=o["batch_size"],
            )
        except readers.ImportFormatError as exc:
            raise CommandError(str(exc)) from None
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, transient=False) as progress:
            bar = progress.add_task(f"import #{job.pk}", total=job.total_rows or None)

            def report(done: int, total: int) -> None:
                progress.update(bar, completed=done, total=total)

            job = services.import_job_run(job_id=job.pk, progress=report)
        self.stdout.write(
            f"import #{job.pk}: {job.processed_rows} rows read, {job.parties_created} parties "
            f"and {job.contacts_created} contact persons created, {job.duplicates} duplicates "
            f"skipped, {job.rejected} rows rejected"
        )
        for line, column, reason in job.rejections[:20]:
            self.stdout.write(f"  line {line}, {column or '-'}: {reason}")
        if job.rejected and o["report"]:
            with services.import_report_open(job=job) as handle:
                o["report"].write_bytes(handle.read())
            self.stdout.write(f"rejected rows written to {o['report']}")

    def _organisation(self, organisation_id: int | None) -> Organisation:
        if organisation_id is not None:
            found = Organisation.objects.filter(pk=organisation_id).first()
            if found is None:
                raise CommandError(f"no organisation {organisation_id}")
            return found
        found = list(Organisation.objects.order_by("pk")[:2])
        if len(found) != 1:
            raise CommandError("say which organisation with --organisation ID")
        return found[0]
