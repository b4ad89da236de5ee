"""Named personas (Healthchecks' way): a member of each role in organisation A,
an owner of organisation B, and an outsider who belongs nowhere."""

from dataclasses import dataclass

import pytest
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

ROLES = [r.value for r in Role]


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


__all__ = ["PASSWORD", "ApiClient", "World", "enrol_totp", "make_token"]
