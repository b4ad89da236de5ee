import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from comptoir.config import env_int, env_str

# gunicorn's access log, on standard output (never a file Comptoir would have
# to rotate): when, the method, the path without its query string (%(U)s,
# not %(r)s nor %(q)s), the status and the duration. No client address, no
# user agent, no referrer, no user: no personal data, so nothing here falls
# under the connection logs' 6 months (the journal keeps those, and purges them).
ACCESS_LOG = ("--access-logfile", "-", "--access-logformat", '%(t)s "%(m)s %(U)s" %(s)s %(L)ss')


class Command(BaseCommand):
    help = (
        "Serve Comptoir with gunicorn, and run the background task worker and the "
        "scheduler of periodic tasks beside it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=env_str("COMPTOIR_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=env_int("COMPTOIR_WORKERS", 2))
        parser.add_argument(
            "--no-worker", action="store_true", help="no background task worker nor scheduler"
        )

    def handle(self, *args, bind: str, workers: int, no_worker: bool, **options):
        call_command("collectstatic", interactive=False, verbosity=0)
        comptoir = [sys.executable, "-m", "comptoir.cli"]
        children = []
        if not no_worker:
            children.append(subprocess.Popen([*comptoir, "db_worker"]))  # noqa: S603
            children.append(subprocess.Popen([*comptoir, "scheduler"]))  # noqa: S603
        gunicorn = [
            sys.executable, "-m", "gunicorn", "comptoir.wsgi:application",
            "--bind", bind, "--workers", str(workers), *ACCESS_LOG,
        ]  # fmt: skip
        children.append(subprocess.Popen(gunicorn))  # noqa: S603
        self.stdout.write(f"Comptoir is served at http://{bind}/ (database: {_db_label()})")

        def stop(*_):
            for child in children:
                child.terminate()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            children[-1].wait()
        finally:
            stop()
            for child in children:
                child.wait()


def _db_label() -> str:
    db = settings.DATABASES["default"]
    return "SQLite" if "sqlite" in db["ENGINE"] else "PostgreSQL"
