from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from comptoir.accounts.models import User
from comptoir.audit.services import Actor
from comptoir.tenancy.services import organisation_create


class Command(BaseCommand):
    help = "Create an organisation with an existing user as its owner."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="legal name")
        parser.add_argument("--country", required=True, choices=["FR", "BE"])
        parser.add_argument("--owner-email", required=True)
        parser.add_argument("--legal-form", default="")
        parser.add_argument("--siren", default="")
        parser.add_argument("--siret", default="")
        parser.add_argument("--enterprise-number", default="")
        parser.add_argument("--vat", default="")
        parser.add_argument("--privacy-contact-name", required=True)
        parser.add_argument("--privacy-contact-email", required=True)
        parser.add_argument("--subscription-start", type=date.fromisoformat, default=None)

    def handle(self, *args, **o):
        owner = User.objects.filter(email__iexact=o["owner_email"]).first()
        if owner is None:
            raise CommandError("no user has that email address; create it with createuser")
        try:
            organisation = organisation_create(
                actor=Actor.system(),
                owner=owner,
                legal_name=o["name"],
                country=o["country"],
                privacy_contact_name=o["privacy_contact_name"],
                privacy_contact_email=o["privacy_contact_email"],
                subscription_start=o["subscription_start"] or date.today(),
                legal_form=o["legal_form"],
                siren=o["siren"],
                siret=o["siret"],
                enterprise_number=o["enterprise_number"],
                vat_number=o["vat"],
            )
        except ValidationError as exc:
            lines = [f"{field}: {'; '.join(msgs)}" for field, msgs in exc.message_dict.items()]
            raise CommandError("\n".join(lines)) from exc
        self.stdout.write(f"created organisation #{organisation.pk}")
