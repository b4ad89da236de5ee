"""What the benchmark scripts share: a PostgreSQL database of the run's own,
and Django set up in-process on a fresh var dir."""

import os
import re
import urllib.parse
from pathlib import Path

HOST = "127.0.0.1"


def _admin_connect(database_url: str):
    import psycopg

    parts = urllib.parse.urlsplit(database_url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit("--database-url must be a PostgreSQL URL (SQLite is the default)")
    if parts.hostname not in (HOST, "localhost"):
        raise SystemExit("--database-url must point at 127.0.0.1")
    return psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=urllib.parse.unquote(parts.username or "postgres"),
        password=urllib.parse.unquote(parts.password) if parts.password else None,
        dbname="postgres",
        autocommit=True,
    )


def _database_name(database_url: str) -> str:
    name = urllib.parse.urlsplit(database_url).path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name or ""):
        raise SystemExit("--database-url must name its database, e.g. .../bench_api")
    return name


def create_database(database_url: str) -> None:
    name = _database_name(database_url)
    with _admin_connect(database_url) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            if not name.startswith("bench_"):
                raise SystemExit(f"database {name} exists: refusing to replace it")
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(database_url: str) -> None:
    name = _database_name(database_url)
    with _admin_connect(database_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(var_dir: Path, database_url: str | None = None) -> None:
    for name in [k for k in os.environ if k.startswith("COMPTOIR_")]:
        del os.environ[name]
    os.environ.update(
        DJANGO_SETTINGS_MODULE="comptoir.settings",
        COMPTOIR_VAR_DIR=str(var_dir),
        COMPTOIR_DEBUG="false",
        COMPTOIR_LOG_LEVEL="WARNING",
    )
    if database_url:
        os.environ["COMPTOIR_DATABASE_URL"] = database_url
    import django

    django.setup()


def siren_of(n: int) -> str:
    """A valid (Luhn) SIREN built from an 8-digit number: generated, nobody's."""
    from stdnum import luhn

    body = f"{n:08d}"
    return body + luhn.calc_check_digit(body)


def make_organisation():
    """The benchmarks' organisation, with its owner, made by the services (Django set up)."""
    from datetime import date

    from comptoir.accounts.services import user_create
    from comptoir.audit.services import Actor
    from comptoir.tenancy.services import organisation_create

    system = Actor.system()
    owner = user_create(actor=system, email="owner@bench.comptoir.test", password=None)
    return organisation_create(
        actor=system,
        owner=owner,
        legal_name="Banc d'essai SAS",
        legal_form="SAS",
        country="FR",
        siren=siren_of(73282932),
        address_line="1 rue du Banc",
        postal_code="75001",
        city="Paris",
        privacy_contact_name="DPO",
        privacy_contact_email="dpo@bench.comptoir.test",
        subscription_start=date.today(),
    )
