from django.core.management.base import BaseCommand

from comptoir.ops.demo import database_is_new, demo_create, demo_credentials


class Command(BaseCommand):
    help = (
        "Create the demo organisations (one French, one Belgian) with generated members. "
        "With --if-new, only when the database has no organisation yet."
    )

    def add_arguments(self, parser):
        parser.add_argument("--if-new", action="store_true")
        parser.add_argument("--seed", type=int, default=None)

    def handle(self, *args, if_new: bool, seed: int | None, **options):
        if not if_new or database_is_new():
            demo_create(seed=seed)
            self.stdout.write("Demo organisations created.")
        credentials = demo_credentials()
        if credentials:
            self.stdout.write(
                f"Demo owner: {credentials.email}  password: {credentials.password}\n"
                "At first sign-in Comptoir asks the owner to enrol an authenticator app (TOTP)."
            )
