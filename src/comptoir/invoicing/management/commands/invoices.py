"""``comptoir invoices SUBCOMMAND``: invoices from the command line.

``receive FILE --organisation ID [--create-supplier]``: a supplier's e-invoice
(``comptoir.invoicing.cli.receive``)."""

from django.core.management.base import BaseCommand

from comptoir.invoicing.cli import receive


class Command(BaseCommand):
    help = "Invoices: receive a supplier's e-invoice (Factur-X PDF, CII or UBL XML)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        receive.add_arguments(
            sub.add_parser("receive", help="receive a supplier's e-invoice (Factur-X, CII, UBL)")
        )

    def handle(self, *args, what: str, **options):
        if what == "receive":
            receive.run(options, self.stdout)
