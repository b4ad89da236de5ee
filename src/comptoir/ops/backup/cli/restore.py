"""``comptoir backup restore DATA [--keys KEYS]``."""

from contextlib import ExitStack

from django.core.management.base import CommandError

from comptoir.ops.backup.archive import BackupError
from comptoir.ops.backup.cli.progress import byte_progress
from comptoir.ops.backup.restore import backup_restore, keys_backup_needed, located

HELP = (
    "restore the data backup DATA (a file, or a name as 'backup list' prints it) into an "
    "empty database, migrate it forward, then erase again the people erased and delete "
    "again the organisations offboarded since it was made. The key store is kept when it "
    "survived; when it is empty, --keys (by default the newest key store backup) is "
    "restored first. A tampered, truncated or foreign file is refused and nothing changes."
)


def add_arguments(parser) -> None:
    parser.add_argument("data", help="e.g. data/comptoir-data-20261203T180000Z.cbk")
    parser.add_argument("--keys", help="a key store backup, when the key store is empty")


def run(command, *, data: str, keys: str | None = None, **_options) -> None:
    try:
        keys = keys or keys_backup_needed()
        with ExitStack() as stack, byte_progress(command) as report:
            data_path = stack.enter_context(located(data))
            keys_path = stack.enter_context(located(keys)) if keys else None
            restored = backup_restore(data=data_path, keys=keys_path, progress=report)
    except BackupError as exc:
        raise CommandError(f"restore refused: {exc}") from None
    command.stdout.write(
        f"restored {data} (made {restored.data.created_at}); key store {restored.key_store}"
        + (f" from {keys}" if restored.keys else "")
        + f"; {len(restored.migrations)} migration(s) applied, {restored.replays} replay(s) run"
    )
