"""Named personas (Healthchecks' way): a member of each role in organisation A,
an owner of organisation B, and an outsider who belongs nowhere."""

from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client

from comptoir.accounts.models import User
from comptoir.accounts.services import token_create
from comptoir.audit.services import Actor
from comptoir.tenancy.models import Membership, Organisation
from comptoir.tenancy.roles import Role
from tests.factories import (
    PASSWORD,
    BelgianOrganisationFactory,
    FrenchOrganisationFactory,
    UserFactory,
)
from tests.privacy.models import Person

ROLES = [r.value for r in Role]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, plus the table of the test-only model that
    tests/privacy registers with the privacy registry: code that walks the
    registry (people matching of rights requests, access exports) reads it
    from any test once tests/privacy is collected, not only from those."""
    with django_db_blocker.unblock():
        if Person._meta.db_table not in connection.introspection.table_names():
            with connection.schema_editor() as editor:
                editor.create_model(Person)


@pytest.fixture(autouse=True)
def quick_argon2(settings):
    settings.PASSWORD_HASHERS = ["tests.hashers.QuickArgon2PasswordHasher"]


@dataclass
class World:
    org_a: Organisation
    org_b: Organisation
    members: dict[str, User]  # role -> member of org A
    owner_b: User
    outsider: User

    def member(self, role: str) -> User:
        return self.members[role]


@pytest.fixture
def world(db) -> World:
    org_a = FrenchOrganisationFactory()
    org_b = BelgianOrganisationFactory()
    members = {}
    for role in ROLES:
        user = UserFactory()
        Membership.objects.create(organisation=org_a, user=user, role=role)
        members[role] = user
    owner_b = UserFactory()
    Membership.objects.create(organisation=org_b, user=owner_b, role=Role.OWNER)
    return World(org_a, org_b, members, owner_b, UserFactory())


def make_token(user: User, organisation: Organisation, scope: str = "read_write") -> str:
    _token, raw = token_create(
        actor=Actor.system(),
        organisation=organisation,
        user=user,
        name="test",
        scope=scope,
        days=30,
    )
    return raw


class ApiClient:
    """Django's test client speaking JSON with a bearer token."""

    def __init__(self, token: str | None):
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def request(self, method: str, path: str, json=None, **extra):
        import json as jsonlib

        kwargs = {"headers": self.headers, **extra}
        if json is not None:
            kwargs.update(data=jsonlib.dumps(json), content_type="application/json")
        return getattr(self.client, method.lower())(path, **kwargs)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self.request("POST", path, json=json, **kw)

    def patch(self, path, json=None, **kw):
        return self.request("PATCH", path, json=json, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


@pytest.fixture
def api_as(world):
    """``api_as("admin")``: an API client with a read-write token of that role in org A."""

    def build(role: str, scope: str = "read_write", organisation=None) -> ApiClient:
        org = organisation or world.org_a
        user = world.member(role) if org == world.org_a else world.owner_b
        return ApiClient(make_token(user, org, scope))

    return build


@pytest.fixture
def ui_as(world):
    """``ui_as("sales")``: a test client signed in as that member of org A.

    Owners and admins get a TOTP authenticator first, since without one they
    are sent to enrol."""

    def build(role: str) -> Client:
        user = world.member(role)
        if role in (Role.OWNER, Role.ADMIN):
            enrol_totp(user)
        client = Client()
        client.force_login(user)
        return client

    return build


def enrol_totp(user: User) -> str:
    """Give a user a TOTP authenticator the way allauth stores one; returns the secret."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


# pg_trigger.tgtype bit of the triggers that fire on TRUNCATE.
_TRIGGER_TYPE_TRUNCATE = 1 << 5


@pytest.fixture
def _truncate_allowed(django_db_blocker):
    """Lets the flush that ends a live-server test empty the append-only tables.

    On PostgreSQL the audit journal refuses TRUNCATE (a statement trigger), and
    the flush of ``transactional_db`` is a TRUNCATE. Only the TRUNCATE triggers
    are switched off, for the length of one test; the row triggers that refuse
    UPDATE and DELETE stay on, and the TRUNCATE ones come back after the flush.
    """
    from django.db import connection

    with django_db_blocker.unblock():
        triggers = _truncate_triggers(connection)
        _set_triggers(connection, triggers, "DISABLE")
    yield
    with django_db_blocker.unblock():
        _set_triggers(connection, triggers, "ENABLE")


@contextmanager
def truncate_allowed():
    """The TRUNCATE triggers off while the block runs (PostgreSQL): for a
    module fixture that flushes the data it committed (as ``_truncate_allowed``
    does for one test)."""
    triggers = _truncate_triggers(connection)
    _set_triggers(connection, triggers, "DISABLE")
    try:
        yield
    finally:
        _set_triggers(connection, triggers, "ENABLE")


def _truncate_triggers(connection) -> list[tuple[str, str]]:
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger"
            " WHERE NOT tgisinternal AND tgenabled <> 'D' AND (tgtype & %s) <> 0",
            [_TRIGGER_TYPE_TRUNCATE],
        )
        return cursor.fetchall()


def _set_triggers(connection, triggers, state: str) -> None:
    # ``table`` is PostgreSQL's own regclass text, quoted as needed already.
    with connection.cursor() as cursor:
        for table, name in triggers:
            cursor.execute(f"ALTER TABLE {table} {state} TRIGGER {connection.ops.quote_name(name)}")


@pytest.fixture
def transactional_db(_truncate_allowed, transactional_db):
    """pytest-django's, set up after (so torn down before) ``_truncate_allowed``:
    every test with committed data (live server, code outside a transaction)."""
    return transactional_db


__all__ = ["PASSWORD", "ApiClient", "World", "enrol_totp", "make_token", "truncate_allowed"]
