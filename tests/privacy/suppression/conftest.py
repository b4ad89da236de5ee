"""Parties and people made through the services (Faker fr_FR), the outbox switched on."""

import pytest
from faker import Faker

from comptoir.audit.services import Actor
from comptoir.parties import services
from comptoir.parties.models import PartyKind
from tests.parties.conftest import make_company, make_contact  # noqa: F401 (fixtures)

fr = Faker("fr_FR")


@pytest.fixture
def actor(world) -> Actor:
    return Actor.user(world.member("sales").pk)


@pytest.fixture
def dpo(world) -> Actor:
    return Actor.user(world.member("admin").pk)


@pytest.fixture
def make_individual(world, actor):
    def build(organisation=None, **fields):
        fields.setdefault("given_names", fr.first_name())
        fields.setdefault("family_name", fr.last_name())
        return services.party_create(
            actor=actor,
            organisation=organisation or world.org_a,
            kind=PartyKind.INDIVIDUAL,
            **fields,
        )

    return build


@pytest.fixture(autouse=True)
def _outbox(settings):
    """The outbox itself (pytest-django puts locmem in its place), kept locally."""
    settings.EMAIL_BACKEND = "comptoir.mail.backend.OutboxBackend"
    settings.MAIL_TRANSPORT = ""
