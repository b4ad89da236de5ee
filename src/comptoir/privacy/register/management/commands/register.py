"""``comptoir register export|processor``: the registers of processing as files."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from comptoir.audit.services import Actor
from comptoir.privacy.register import services
from comptoir.privacy.register.exports import Format
from comptoir.tenancy.models import Organisation


class Command(BaseCommand):
    help = (
        "Write a register of processing (GDPR art. 30) to a file: an organisation's "
        "controller register (export), or the operator's register as a processor of "
        "every organisation it serves (processor). Each file written is journalled."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="one organisation's register (art. 30(1))")
        export.add_argument("--organisation", type=int, required=True, help="its id")
        processor = sub.add_parser(
            "processor", help="the operator's register as a processor (art. 30(2))"
        )
        for parser_ in (export, processor):
            parser_.add_argument("--format", choices=[f.value for f in Format], default="pdf")
            parser_.add_argument("out", help="the file to write")

    def handle(self, *args, action: str, **options):
        actor = Actor.system()
        try:
            if action == "export":
                organisation = Organisation.objects.filter(pk=options["organisation"]).first()
                if organisation is None:
                    raise CommandError(f"no organisation {options['organisation']}")
                file = services.register_export(
                    actor=actor, organisation=organisation, fmt=options["format"]
                )
            else:
                file = services.processor_register_export(actor=actor, fmt=options["format"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        try:
            Path(options["out"]).write_bytes(file.content)
        except OSError as exc:
            raise CommandError(f"cannot write {options['out']}: {exc.strerror}") from exc
        self.stdout.write(f"wrote {options['out']} ({len(file.content)} bytes)")
