"""The restriction tests' parties and people (Faker fr_FR), the outbox switched on."""

from tests.privacy.restriction.conftest import (  # noqa: F401 (fixtures)
    _outbox,
    actor,
    dpo,
    make_company,
    make_contact,
    make_individual,
)
