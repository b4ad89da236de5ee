"""``comptoir retention <subcommand>``: each subcommand's body is a module of
``comptoir.privacy.records.cli`` with ``HELP``, ``add_arguments(parser)`` and
``run(command, **options)``; a new one is one line in ``SUBCOMMANDS``."""

from importlib import import_module

from django.core.management.base import BaseCommand

SUBCOMMANDS = {
    "plan": "comptoir.privacy.records.cli.plan",
    "apply": "comptoir.privacy.records.cli.apply",
}


class Command(BaseCommand):
    help = (
        "Retention (DOMAIN.md §4): 'plan' prints what has outlived its rule, rule by rule; "
        "'apply' deletes or anonymises it in batches (legal holds win)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        for name, path in SUBCOMMANDS.items():
            module = import_module(path)
            module.add_arguments(sub.add_parser(name, help=getattr(module, "HELP", None)))

    def handle(self, *args, subcommand: str, **options):
        import_module(SUBCOMMANDS[subcommand]).run(self, **options)
