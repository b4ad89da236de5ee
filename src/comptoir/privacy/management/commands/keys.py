from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from comptoir.privacy import keys
from comptoir.privacy.rotation import organisation_reencrypt
from comptoir.tenancy.models import Organisation


class Command(BaseCommand):
    help = "Rotate organisations' data keys and re-encrypt their data under the new ones."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        rotate = sub.add_parser(
            "rotate",
            help=(
                "start a new data key version, then re-wrap person keys and re-encrypt "
                "values in batches (one transaction each); with --resume, only finish "
                "the re-encryption of an interrupted run (values already moved are skipped)"
            ),
        )
        rotate.add_argument("--organisation", type=int, help="only this organisation (id)")
        rotate.add_argument("--resume", action="store_true", help="do not start a new version")
        rotate.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, action: str, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        organisations = Organisation.objects.order_by("pk")
        if options["organisation"] is not None:
            organisations = organisations.filter(pk=options["organisation"])
            if not organisations.exists():
                raise CommandError(f"no organisation {options['organisation']}")
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=None, transient=False) as progress:
            for organisation in organisations:
                if options["resume"]:
                    version = keys.current_key(organisation.pk)[0]
                else:
                    version = keys.rotate_organisation_key(organisation.pk)
                tasks: dict[str, int] = {}

                def report(what: str, done: int, total: int, org=organisation, tasks=tasks) -> None:
                    name = f"org {org.pk}: {what}"
                    if name not in tasks:
                        tasks[name] = progress.add_task(name, total=total)
                    progress.update(tasks[name], completed=done)

                result = organisation_reencrypt(
                    organisation=organisation,
                    batch_size=options["batch_size"],
                    progress=report,
                )
                self.stdout.write(
                    f"organisation {organisation.pk}: data key v{version}; "
                    f"{result.subjects_rewrapped} person keys re-wrapped, "
                    f"{result.values_reencrypted} values re-encrypted "
                    f"({result.rows_seen} rows read)"
                )
