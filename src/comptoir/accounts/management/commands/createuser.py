import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from comptoir.accounts.services import user_create
from comptoir.audit.services import Actor


class Command(BaseCommand):
    help = "Create a sign-in account (asks for the password when --password is not given)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", help="prefer the prompt: arguments stay in history")
        parser.add_argument("--name", default="", help="display name, shown to other people")

    def handle(self, *args, email: str, password: str | None, name: str, **options):
        if password is None:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("the two passwords differ")
        try:
            user = user_create(
                actor=Actor.system(), email=email, password=password, display_name=name
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"created user #{user.pk}")
