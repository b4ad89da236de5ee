"""Schemathesis over the whole API, in-process (the Django WSGI application), on the
test database of the run (SQLite or PostgreSQL): every operation of /api/openapi.json,
with data that fits its schema and data that does not, fails on any 5xx and on any
answer the document does not declare (status code, content type, body schema).

Bounded: ``MAX_EXAMPLES`` generated cases per operation and mode, no shrinking, a
fixed seed (the same cases each run), so the whole API takes a minute or so per
database. Select or skip it with ``-m schemathesis``.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from comptoir.accounts.services import token_authenticate
from comptoir.wsgi import application
from tests.conftest import ApiClient, make_token

MAX_EXAMPLES = 10
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

pytestmark = pytest.mark.schemathesis


@pytest.fixture
def _one_connection():
    """Requests served by the WSGI application in this thread use the test's own
    database connection (and its transaction), as Django's test client does: the
    handler must not close it at the start and end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Read from the application itself: the document the API serves is the one tested.
api_schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
api_schema.config.generation.update(
    modes=["positive", "negative"],
    max_examples=MAX_EXAMPLES,
    no_shrink=True,
    deterministic=True,
    database="none",
)


@pytest.fixture
def seeded(world):
    """A party, its contact person, a stage and an opportunity in org A, so that the
    small ids the generator tries first meet real rows, not only 404s."""
    api = ApiClient(make_token(world.member("owner"), world.org_a))
    party = api.post("/api/parties", json={"kind": "company", "company_name": "Établi"}).json()
    api.post(f"/api/parties/{party['id']}/contact-persons", json={"family_name": "Moreau"})
    api.post("/api/pipeline/stages", json={"name": "Lead", "probability": 10})
    api.post("/api/opportunities", json={"party_id": party["id"], "title": "Bancs", "amount": "9"})


@pytest.fixture
def owner_token(world, seeded):
    """A live read-write token of org A's owner for each case: an operation that
    revokes a token or removes a member cannot starve the cases after it.

    The token of the previous case is kept while the API would still take it
    (``token_authenticate``, the API's own one-query lookup) and a new one made
    when it would not: creating a token (a row, a journal entry) for each of the
    thousands of cases cost a fifth of this test's time."""
    current = None

    def token() -> str:
        nonlocal current
        if current is None or token_authenticate(current) is None:
            current = make_token(world.member("owner"), world.org_a)
        return current

    return token


@api_schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_document(case, owner_token, _one_connection):
    case.call_and_validate(headers={"Authorization": f"Bearer {owner_token()}"}, checks=CHECKS)
