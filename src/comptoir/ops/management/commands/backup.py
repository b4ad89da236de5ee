"""``comptoir backup <subcommand>``: each subcommand's body is a module of
``comptoir.ops.backup.cli`` with ``HELP`` (or ``help_text()``),
``add_arguments(parser)`` and ``run(command, **options)``; a new one is one
line in ``SUBCOMMANDS``."""

from importlib import import_module

from django.core.management.base import BaseCommand

SUBCOMMANDS = {
    "create": "comptoir.ops.backup.cli.create",
    "list": "comptoir.ops.backup.cli.list",
    "verify": "comptoir.ops.backup.cli.verify",
    "prune": "comptoir.ops.backup.cli.prune",
    "restore": "comptoir.ops.backup.cli.restore",
}


class Command(BaseCommand):
    help = (
        "Encrypted backups (DOMAIN.md §4): 'create' backs up the data and the key store apart, "
        "'list' shows them, 'verify' decrypts and checks them, 'prune' applies the rotation, "
        "'restore' brings one back into an empty database."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        for name, path in SUBCOMMANDS.items():
            module = import_module(path)
            text = module.help_text() if hasattr(module, "help_text") else module.HELP
            module.add_arguments(sub.add_parser(name, help=text, description=text))

    def handle(self, *args, subcommand: str, **options):
        import_module(SUBCOMMANDS[subcommand]).run(self, **options)
