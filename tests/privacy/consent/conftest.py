"""People made through the parties' services, wordings, and the SMTP server."""

import pytest
from faker import Faker

from comptoir.audit.services import Actor
from comptoir.ops.demo import fake_be_enterprise_number, fake_siren
from comptoir.parties import services as parties
from comptoir.parties.models import PartyKind
from comptoir.privacy.consent import services
from comptoir.privacy.consent.models import ConsentPurpose
from tests.smtp import smtp  # noqa: F401 (a fixture)

fr = Faker("fr_FR")
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = IMMEDIATE


@pytest.fixture
def actor(world) -> Actor:
    return Actor.user(world.member("sales").pk)


@pytest.fixture
def make_contact(world, actor):
    """``make_contact(org=None, company=None, **fields)``: a contact person of a company."""

    def build(organisation=None, company=None, **fields):
        organisation = organisation or world.org_a
        if company is None:
            extra = (
                {"siren": fake_siren(fr)}
                if organisation.country == "FR"
                else {"country": "BE", "enterprise_number": fake_be_number()}
            )
            company = parties.party_create(
                actor=actor,
                organisation=organisation,
                kind=PartyKind.COMPANY,
                company_name=fr.company(),
                **extra,
            )
        fields.setdefault("family_name", fr.last_name())
        fields.setdefault("email", f"{fr.user_name()}.{fr.random_int()}@example.test")
        return parties.contact_person_create(actor=actor, party=company, **fields)

    return build


def fake_be_number() -> str:
    return fake_be_enterprise_number(Faker("nl_BE"))


@pytest.fixture
def make_individual(world, actor):
    def build(organisation=None, **fields):
        fields.setdefault("family_name", fr.last_name())
        fields.setdefault("email", f"{fr.user_name()}.{fr.random_int()}@example.test")
        return parties.party_create(
            actor=actor,
            organisation=organisation or world.org_a,
            kind=PartyKind.INDIVIDUAL,
            **fields,
        )

    return build


@pytest.fixture
def wording(world, actor):
    """``wording(purpose, org=None)``: a new wording version for the purpose."""

    def build(purpose=ConsentPurpose.PROSPECTION_EMAIL, organisation=None, language="fr"):
        return services.consent_wording_create(
            actor=actor,
            organisation=organisation or world.org_a,
            purpose=purpose,
            language=language,
            text=fr.paragraph(),
        )

    return build
