"""``comptoir retention apply [--organisation ID] [--batch-size N]``: do what
``retention plan`` prints, in batches of N persons or rows, one transaction
each, every batch journalled; then (over every organisation) the outbox,
audit and import-file purges. Killed at any moment, it leaves no half-done
batch; run it again and it finishes the work (an erased person is skipped)."""

from django.core.management.base import CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from comptoir.privacy.records.cli.plan import organisation_of
from comptoir.privacy.records.sweep import BATCH, retention_apply, retention_plan

HELP = "delete or anonymise what has outlived its rule, in batches, with a progress bar"


def add_arguments(parser) -> None:
    parser.add_argument("--organisation", type=int, help="only this organisation (by id)")
    parser.add_argument("--batch-size", type=int, default=BATCH, help="persons or rows per batch")


def run(command, *, organisation: int | None = None, batch_size: int = BATCH, **_options) -> None:
    if batch_size < 1:
        raise CommandError("--batch-size must be at least 1")
    org = organisation_of(organisation)
    plan = retention_plan(organisation=org)
    total = sum(line.count or 0 for line in plan)
    console = Console(file=command.stdout)
    with Progress(
        TextColumn("retention"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
    ) as progress:
        bar = progress.add_task("apply", total=total)
        outcome = retention_apply(
            organisation=org,
            plan=plan,
            batch_size=batch_size,
            progress=lambda n: progress.advance(bar, n),
        )
    command.stdout.write(
        f"erased {outcome.erased} persons ({outcome.already} already erased); "
        f"deleted {sum(outcome.deleted.values())} rows, "
        f"anonymised {sum(outcome.anonymised.values())} rows"
    )
    for label, count in sorted(outcome.deleted.items()):
        command.stdout.write(f"  deleted {label}: {count}")
    for label, count in sorted(outcome.anonymised.items()):
        command.stdout.write(f"  anonymised {label}: {count}")
    for name, count in outcome.purged.items():
        command.stdout.write(f"  purged {name}: {count}")
