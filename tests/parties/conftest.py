"""Generated parties and people (Faker fr_FR and nl_BE), made through the services."""

import pytest
from faker import Faker
from stdnum import luhn

from comptoir.audit.models import AuditEvent
from comptoir.audit.services import Actor
from comptoir.ops.demo import fake_be_enterprise_number, fake_siren
from comptoir.parties import services
from comptoir.parties.models import ContactPerson, Interaction, Party, PartyKind
from comptoir.privacy import keys
from comptoir.privacy.models import DataSubject
from comptoir.sales.models import Opportunity

fr, be = Faker("fr_FR"), Faker("nl_BE")


def fake_siret(siren: str, establishment: str = "0001") -> str:
    body = siren + establishment
    return body + luhn.calc_check_digit(body)


@pytest.fixture(autouse=True)
def _fresh_key_caches():
    """Each test unwraps its keys from the database, not from another test's cache."""
    keys.clear_caches()
    yield
    keys.clear_caches()


@pytest.fixture
def actor(world) -> Actor:
    return Actor.user(world.member("sales").pk)


@pytest.fixture
def make_company(world, actor):
    """``make_company(org, **fields)``: a company party, a French one by default."""

    def build(organisation=None, **fields) -> Party:
        organisation = organisation or world.org_a
        if organisation.country == "BE":
            fields.setdefault("country", "BE")
            fields.setdefault("enterprise_number", fake_be_enterprise_number(be))
            fields.setdefault("company_name", be.company())
        else:
            fields.setdefault("siren", fake_siren(fr))
            fields.setdefault("company_name", fr.company())
        return services.party_create(
            actor=actor, organisation=organisation, kind=PartyKind.COMPANY, **fields
        )

    return build


@pytest.fixture
def make_contact(actor):
    """``make_contact(company, **fields)``: a contact person with generated names."""

    def build(party: Party, **fields) -> ContactPerson:
        fields.setdefault("given_names", fr.first_name())
        fields.setdefault("family_name", fr.last_name())
        return services.contact_person_create(actor=actor, party=party, **fields)

    return build


def counts() -> dict[str, int]:
    """Rows of everything a service of the app may write (to prove nothing was)."""
    models = (Party, ContactPerson, Interaction, Opportunity, DataSubject, AuditEvent)
    return {model.__name__: model._base_manager.count() for model in models}
