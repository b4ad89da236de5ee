"""``comptoir invoices <subcommand>``: each subcommand's body is a module of
``comptoir.invoicing.cli`` with ``HELP``, ``add_arguments(parser)`` and
``run(command, **options)``; a new one is one line in ``SUBCOMMANDS``."""

from importlib import import_module

from django.core.management.base import BaseCommand

SUBCOMMANDS = {
    "verify": "comptoir.invoicing.cli.verify",
}


class Command(BaseCommand):
    help = "Invoices: verify the chains of issued documents, and more."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        for name, path in SUBCOMMANDS.items():
            module = import_module(path)
            module.add_arguments(sub.add_parser(name, help=module.HELP))

    def handle(self, *args, subcommand: str, **options):
        import_module(SUBCOMMANDS[subcommand]).run(self, **options)
