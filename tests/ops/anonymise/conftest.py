"""The invoicing tests' fixtures (clients, drafts), reused to populate an organisation."""

from tests.invoicing.conftest import (  # noqa: F401 (fixtures)
    _fresh_key_caches,
    actor,
    make_client,
    make_draft,
    make_person,
)
