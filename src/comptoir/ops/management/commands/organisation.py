"""``comptoir organisation export ORG OUT.zip``: the organisation's export
(everything it owns, ``ops.offboarding.export``) written to a file, with a
progress bar. ``comptoir organisation offboard``: offboard the organisations
due today (what the daily task does). ``comptoir organisation replay``: after
a backup restore, delete again the organisations offboarded since."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from comptoir.audit.services import Actor
from comptoir.ops.offboarding import export, services
from comptoir.tenancy.models import Organisation


class Command(BaseCommand):
    help = "An organisation's export (ZIP), and tenant offboarding."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        out = sub.add_parser(
            "export",
            help="write everything the organisation owns (JSON, CSV, invoice files) as a ZIP",
        )
        out.add_argument("organisation", type=int, help="the organisation's id")
        out.add_argument("out", help="the ZIP file to write (must not exist)")
        sub.add_parser(
            "offboard",
            help="delete the organisations whose subscription ended 3 months ago (or their own "
            "duration), their keys and files; each one journalled in the operator's journal",
        )
        sub.add_parser(
            "replay",
            help="after a backup restore: delete again every offboarded organisation found",
        )

    def handle(self, *args, action: str, **options):
        if action == "export":
            self._export(options["organisation"], options["out"])
        elif action == "offboard":
            self._report(services.offboardings_run(), "offboarded")
        else:
            self._report(services.offboardings_replay(), "deleted again")

    def _report(self, done, verb: str) -> None:
        for outcome in done:
            self.stdout.write(
                f"organisation {outcome.organisation_id} {verb}: "
                f"{sum(outcome.rows.values())} rows, {outcome.files} files, "
                f"{outcome.keys} keys, {outcome.audit_events} audit events"
            )
        self.stdout.write(f"{len(done)} organisation(s) {verb}")

    def _export(self, organisation_id: int, out: str) -> None:
        organisation = Organisation.objects.filter(pk=organisation_id).first()
        if organisation is None:
            raise CommandError(f"no organisation {organisation_id}")
        target = Path(out)
        if target.exists():
            raise CommandError(f"{target} exists already: choose a new file")
        if not target.parent.is_dir():
            raise CommandError(f"{target.parent} is not a directory")
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        try:
            with Progress(*columns, transient=False) as bar, target.open("xb") as handle:
                task = bar.add_task(f"organisation {organisation_id}", total=None)

                def progress(done: int, total: int) -> None:
                    bar.update(task, completed=done, total=total)

                written = export.archive_write(
                    organisation=organisation,
                    out=handle,
                    actor=Actor.system(),
                    progress=progress,
                )
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        self.stdout.write(
            f"{written.rows} rows of {written.kinds} kinds and {written.files} issued "
            f"documents written to {target}"
        )
