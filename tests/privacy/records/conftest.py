"""Clients, persons and invoices made through the services (the invoicing
tests' own fixtures) for the erasure and retention tests; the SMTP server and
tasks run as they are enqueued, for the art. 19 and trail tests."""

import pytest
from django.db import connection
from faker import Faker

from comptoir.parties import services as parties
from comptoir.parties.models import PartyKind
from comptoir.privacy.registry import registry
from tests.invoicing.conftest import (  # noqa: F401 (fixtures)
    _fresh_key_caches,
    actor,
    make_client,
    make_draft,
    make_person,
)
from tests.mail.conftest import immediate_tasks  # noqa: F401 (a fixture)
from tests.privacy.records.models import IdentityCopy
from tests.smtp import smtp  # noqa: F401 (a fixture)

fr = Faker("fr_FR")


@pytest.fixture
def make_prospect(world, actor):  # noqa: F811
    """``make_prospect(org, **fields)``: an individual prospect (never a client)."""

    def build(organisation=None, **fields):
        return parties.party_create(
            actor=actor,
            organisation=organisation or world.org_a,
            kind=PartyKind.INDIVIDUAL,
            given_names=fr.first_name(),
            family_name=fr.last_name(),
            **fields,
        )

    return build


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The privacy tests' database, plus the test-only model with a retention start."""
    with django_db_blocker.unblock():
        if IdentityCopy._meta.db_table not in connection.introspection.table_names():
            with connection.schema_editor() as editor:
                editor.create_model(IdentityCopy)


@pytest.fixture
def identity_copies():
    """``IdentityCopy`` declared in the privacy registry for the test's length."""
    registry.register(IdentityCopy)
    yield IdentityCopy
    registry._models.pop(IdentityCopy, None)
