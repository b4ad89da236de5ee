"""The ``comptoir`` command: Comptoir's own commands (serve, createorg,
createuser, demo, audit verify...) and Django's (migrate, check...)."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "comptoir.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["comptoir", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
