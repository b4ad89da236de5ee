"""``comptoir backup prune [--dry-run]``."""

from django.conf import settings

from comptoir.ops.backup.services import backup_prune

HELP = (
    "delete the backups the rotation no longer keeps, each deletion journalled. "
    "Data backups are kept {hourly} days; the first data backup of each ISO week "
    "(Monday 00:00 UTC on, by the time in its name) is kept {weekly} days; key store "
    "backups are kept {keys} days, never longer; a backup is deleted once its age reaches "
    "that duration. Files whose name is not a backup's are never deleted. "
    "Durations: COMPTOIR_BACKUP_HOURLY_DAYS, _WEEKLY_DAYS, _KEYS_DAYS. Run it daily"
)


def help_text() -> str:
    return HELP.format(
        hourly=settings.BACKUP_HOURLY_DAYS,
        weekly=settings.BACKUP_WEEKLY_DAYS,
        keys=settings.BACKUP_KEYS_DAYS,
    )


def add_arguments(parser) -> None:
    parser.add_argument(
        "--dry-run", action="store_true", help="say what would be deleted; delete nothing"
    )


def run(command, *, dry_run: bool = False, **_options) -> None:
    outcome = backup_prune(dry_run=dry_run)
    verb = "would remove" if dry_run else "removed"
    for decision in outcome.removed:
        command.stdout.write(f"{verb} {decision.name}: {decision.reason}")
    command.stdout.write(
        f"{verb} {len(outcome.removed)} backup(s), kept {len(outcome.kept)} file(s)"
    )
