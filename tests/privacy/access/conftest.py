from decimal import Decimal

import pytest
from django.db import connection
from faker import Faker

from comptoir.audit.services import Actor
from comptoir.invoicing import services as invoicing
from comptoir.parties import services as parties
from comptoir.parties.models import PartyKind
from comptoir.privacy.registry import registry
from tests.privacy.access.models import Gift

fake = Faker("fr_FR")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        if Gift._meta.db_table not in connection.introspection.table_names():
            with connection.schema_editor() as editor:
                editor.create_model(Gift)


@pytest.fixture
def gift_declared():
    """The throwaway model, known to the registry for one test."""
    registry.register(Gift)
    yield Gift
    registry._models.pop(Gift, None)


@pytest.fixture
def actor(world) -> Actor:
    return Actor.user(world.member("owner").pk)


def line(quantity="1", price="100", rate="20"):
    return {
        "name": fake.catch_phrase()[:60],
        "quantity": Decimal(quantity),
        "unit_price": Decimal(price),
        "vat_category": "S",
        "vat_rate": Decimal(rate),
    }


@pytest.fixture
def make_individual(world, actor):
    """An individual client with a billing address (their own data subject)."""

    def build(organisation=None, **fields):
        organisation = organisation or world.org_a
        faker = Faker("nl_BE") if organisation.country == "BE" else fake
        fields.setdefault("email", faker.email())
        return parties.party_create(
            actor=actor,
            organisation=organisation,
            kind=PartyKind.INDIVIDUAL,
            is_client=True,
            given_names=faker.first_name(),
            family_name=faker.last_name(),
            billing_street=faker.street_address(),
            billing_postal_code=faker.postcode(),
            billing_city=faker.city(),
            **fields,
        )

    return build


@pytest.fixture
def issue_invoice(actor):
    """An issued invoice of two lines to ``party``."""

    def build(party, notes=""):
        rate = "21" if party.organisation.country == "BE" else "20"
        draft = invoicing.invoice_create(
            actor=actor,
            organisation=party.organisation,
            party=party,
            lines=[line(rate=rate), line(quantity="2.5", price="40", rate=rate)],
            notes=notes,
        )
        return invoicing.invoice_issue(actor=actor, invoice=draft)

    return build
