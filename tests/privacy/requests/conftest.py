"""Rights requests: people found in each way the registry knows, the SMTP
server (tests/smtp.py) and tasks run as they are enqueued."""

import pytest
from faker import Faker

from comptoir.audit.services import Actor
from comptoir.parties import services as parties
from comptoir.parties.models import PartyKind
from comptoir.privacy.requests import services
from tests.smtp import smtp  # noqa: F401 (a fixture)

fake = Faker("fr_FR")
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = IMMEDIATE


def company(organisation):
    return parties.party_create(
        actor=Actor.system(),
        organisation=organisation,
        kind=PartyKind.COMPANY,
        company_name=fake.company(),
        siren="732829320" if organisation.country == "FR" else "",
        enterprise_number="" if organisation.country == "FR" else "0403170701",
        allow_duplicate=True,
    )


def contact_person(organisation, email):
    return parties.contact_person_create(
        actor=Actor.system(),
        party=company(organisation),
        family_name=fake.last_name(),
        email=email,
    )


def individual(organisation, email):
    return parties.party_create(
        actor=Actor.system(),
        organisation=organisation,
        kind=PartyKind.INDIVIDUAL,
        family_name=fake.last_name(),
        email=email,
    )


def recorded(world, kind="access", email=None, **kwargs):
    return services.request_record(
        actor=Actor.user(world.member("owner").pk),
        organisation=kwargs.pop("organisation", world.org_a),
        kind=kind,
        email=email or fake.email(),
        **kwargs,
    )
