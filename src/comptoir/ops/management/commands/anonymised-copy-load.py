from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from comptoir.ops.anonymise.load import NotEmpty, copy_load


class Command(BaseCommand):
    help = (
        "Internal: run by anonymised-copy, in the copy's environment. Migrates the "
        "database and loads the anonymised rows of ROWS into it."
    )

    def add_arguments(self, parser):
        parser.add_argument("rows", help="the rows file written by anonymised-copy")
        parser.add_argument("--rows", dest="total", type=int, default=None)

    def handle(self, *args, rows: str, total: int | None, **options):
        call_command("migrate", interactive=False, verbosity=0)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, transient=False) as progress:
            task = progress.add_task("loading the copy", total=total)
            try:
                loaded = copy_load(
                    rows_path=Path(rows), progress=lambda _what, n: progress.advance(task, n)
                )
            except NotEmpty as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(f"{loaded} rows loaded")
