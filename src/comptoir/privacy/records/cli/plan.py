"""``comptoir retention plan [--organisation ID]``: what ``retention apply``
would delete, anonymise or purge now, rule by rule, with each rule's duration
(the organisation's own, if it set one) and the event its clock starts from.
Changes nothing."""

from django.core.management.base import CommandError
from rich.console import Console
from rich.table import Table

from comptoir.privacy.records.sweep import retention_plan
from comptoir.tenancy.models import Organisation

HELP = "print what the retention sweep would do now, rule by rule, and why"


def add_arguments(parser) -> None:
    parser.add_argument("--organisation", type=int, help="only this organisation (by id)")


def organisation_of(organisation_id: int | None):
    if organisation_id is None:
        return None
    found = Organisation.objects.filter(pk=organisation_id).first()
    if found is None:
        raise CommandError(f"no organisation {organisation_id}")
    return found


def plan_table(lines) -> Table:
    table = Table(title="Retention plan")
    for column in ("organisation", "rule", "duration", "counted from", "what", "action", "count"):
        table.add_column(column, justify="right" if column == "count" else "left")
    for line in lines:
        table.add_row(
            "" if line.organisation_id is None else str(line.organisation_id),
            line.rule.code if line.rule else "",
            line.duration,
            line.start,
            line.what,
            line.action,
            "" if line.count is None else str(line.count),
        )
    return table


def run(command, *, organisation: int | None = None, **_options) -> None:
    lines = retention_plan(organisation=organisation_of(organisation))
    Console(file=command.stdout, width=160).print(plan_table(lines))
