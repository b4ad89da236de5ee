"""The OpenAPI document the API serves, read once per test process.

Generating /api/openapi.json costs django-ninja over a second of CPU each time
(it rebuilds every schema on each request), and dozens of tests read it only to
walk the routes it lists. The document depends on the code alone, not on the
database or the caller, so the first test to need it fetches it through the real
URL (a plain test client, as every caller did) and the others parse that same
answer: each call returns a fresh copy, free to change.
"""

import functools
import json

from django.test import Client


@functools.cache
def _served() -> bytes:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200, response.status_code
    return response.content


def openapi_document() -> dict:
    """/api/openapi.json as this process's API serves it (a new dict each call)."""
    return json.loads(_served())
