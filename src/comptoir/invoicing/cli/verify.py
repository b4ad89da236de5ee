"""``comptoir invoices verify [--organisation ID]``: every series' chain of
issued documents checked (``selectors.chain_verify``); exit status 1 at the
first altered or missing document of any chain."""

from django.core.management.base import CommandError

from comptoir.invoicing.selectors import chain_verify

HELP = "check every chain of issued invoices; exit 1 at the first altered or missing one"


def add_arguments(parser) -> None:
    parser.add_argument("--organisation", type=int, help="only this organisation's chains")


def run(command, *, organisation: int | None = None, **_options) -> None:
    reports = chain_verify(organisation_id=organisation)
    for report in reports:
        where = f"organisation {report.organisation_id} {report.series}"
        if report.ok:
            command.stdout.write(f"{where}: ok ({report.checked} documents)")
        else:
            at = f" at {report.number}" if report.number else ""
            command.stdout.write(
                f"{where}: BROKEN{at}: {report.problem} "
                f"({report.checked} documents verified before it)"
            )
    broken = [r for r in reports if not r.ok]
    if broken:
        raise CommandError(f"{len(broken)} chain(s) broken")
