"""``comptoir backup create [--kind data|keys]``."""

from django.core.management.base import CommandError

from comptoir.ops.backup.archive import BackupError
from comptoir.ops.backup.cli.progress import byte_progress
from comptoir.ops.backup.services import backup_create
from comptoir.ops.backup.snapshot import KINDS

HELP = (
    "back up the data and, apart, the key store (or only --kind): a consistent snapshot, "
    "compressed with zstd and encrypted with AES-256-GCM, to the backup storage"
)


def add_arguments(parser) -> None:
    parser.add_argument(
        "--kind", choices=KINDS, action="append", help="only this kind (repeatable)"
    )


def run(command, *, kind: list[str] | None = None, **_options) -> None:
    kinds = tuple(kind) if kind else KINDS
    try:
        with byte_progress(command) as report:
            created = backup_create(kinds=kinds, progress=report)
    except BackupError as exc:
        raise CommandError(f"backup failed: {exc}") from None
    for backup in created:
        command.stdout.write(f"created {backup.name} ({backup.size} bytes)")
