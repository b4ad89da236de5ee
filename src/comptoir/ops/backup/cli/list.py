"""``comptoir backup list``."""

from comptoir.ops.backup.services import backup_list

HELP = "list the backups (name, kind, time, size, database, schema), oldest first; no key needed"


def add_arguments(parser) -> None:
    pass


def run(command, **_options) -> None:
    backups = backup_list()
    for backup in backups:
        if backup.manifest is None:
            command.stdout.write(f"{backup.name}\t{backup.size} bytes\tunreadable: {backup.error}")
            continue
        manifest = backup.manifest
        command.stdout.write(
            f"{backup.name}\t{manifest.kind}\t{manifest.created_at}\t{backup.size} bytes\t"
            f"{manifest.database}\tComptoir {manifest.comptoir_version}"
        )
    command.stdout.write(f"{len(backups)} backup(s)")
