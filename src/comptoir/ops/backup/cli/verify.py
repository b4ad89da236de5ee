"""``comptoir backup verify [NAME]``."""

from django.core.management.base import CommandError

from comptoir.ops.backup.archive import BackupError
from comptoir.ops.backup.cli.progress import byte_progress
from comptoir.ops.backup.services import backup_verify

HELP = (
    "decrypt and check every backup, or the one NAME (as 'backup list' prints it), "
    "without restoring it: each chunk authenticated, the content's size and SHA-256 "
    "compared with the manifest; exits non-zero if one fails"
)


def add_arguments(parser) -> None:
    parser.add_argument("name", nargs="?", help="e.g. data/comptoir-data-20261203T180000Z.cbk")


def run(command, *, name: str | None = None, **_options) -> None:
    try:
        with byte_progress(command) as report:
            results = backup_verify(name=name, progress=report)
    except BackupError as exc:
        raise CommandError(str(exc)) from None
    for result in results:
        command.stdout.write(f"{result.name}: {result.message}")
    failed = [r for r in results if not r.ok]
    if failed:
        raise CommandError(f"{len(failed)} of {len(results)} backup(s) failed verification")
    command.stdout.write(f"{len(results)} backup(s) verified")
