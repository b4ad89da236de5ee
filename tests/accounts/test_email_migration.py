"""Accounts created before emails were sealed are sealed by the migration."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from comptoir.accounts.emails import is_pseudonym

BEFORE = [("accounts", "0002_initial"), ("account", "0009_emailaddress_unique_primary_email")]
AFTER = [("accounts", "0003_user_email_sealed_display_name")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_addresses_are_sealed_and_found_afterwards(transactional_db):
    old = migrate(BEFORE)
    OldUser = old.get_model("accounts", "User")  # noqa: N806
    OldAddress = old.get_model("account", "EmailAddress")  # noqa: N806
    clear = ["ancienne.cliente@exemple.test", "Deuxieme.Compte@exemple.test"]
    for address in clear:
        user = OldUser.objects.create(email=address, password="!")
        OldAddress.objects.create(user=user, email=address.lower(), primary=True, verified=True)

    migrate(AFTER)

    from allauth.account.models import EmailAddress

    from comptoir.accounts.models import User
    from tests.raw_storage import raw_database

    raw = raw_database(User, EmailAddress)
    for address in clear:
        assert address.encode() not in raw and address.lower().encode() not in raw
        user = User.objects.get(email=address.upper())
        assert user.email == address.lower()
        assert EmailAddress.objects.get(user=user).email == address.lower()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT email FROM {EmailAddress._meta.db_table}")  # noqa: S608
        assert all(is_pseudonym(row[0]) for row in cursor.fetchall())

    # Backwards: the addresses come back in clear.
    old = migrate(BEFORE)
    emails = sorted(old.get_model("accounts", "User").objects.values_list("email", flat=True))
    assert emails == sorted(a.lower() for a in clear)
    addresses = old.get_model("account", "EmailAddress").objects.values_list("email", flat=True)
    assert sorted(addresses) == sorted(a.lower() for a in clear)
    migrate(AFTER)
