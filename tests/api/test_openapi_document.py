"""The OpenAPI document is one JSON object per operation, readable by every
client: no key twice (Swagger UI's YAML reader refuses a duplicated key, which
an integer and a string status code of the same value make once serialised)."""

import json

from django.test import Client


def test_no_key_appears_twice_in_the_served_document(db):
    text = Client(HTTP_HOST="localhost").get("/api/openapi.json").content.decode()
    duplicated = []

    def refuse_duplicates(pairs):
        keys = [key for key, _value in pairs]
        duplicated.extend(sorted({key for key in keys if keys.count(key) > 1}))
        return dict(pairs)

    json.loads(text, object_pairs_hook=refuse_duplicates)
    assert not duplicated
