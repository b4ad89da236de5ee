"""Every operation of the OpenAPI document, every string, number and integer it reads
(path, query and body), each hostile value: a 4xx in the error shape, never a 5xx, and
not one row of the database written.

The operations and their parameters come from /api/openapi.json read at test time, so
a new route or field is covered the day it appears. What is written by hand is only
what the document cannot say: a real id for each path parameter and a valid body for
each operation whose body has required fields (a missing one fails the test, naming
the operation), so that the hostile value is the only thing wrong with a request.
Those bodies are first proven valid (2xx, then rolled back).

"No row written" compares every row of every table of the database before and after
each parameter's values, with one exception: ``accounts_apitoken.last_used_at``, the
token's last-use bookkeeping, which any authenticated request may refresh (to the
nearest few minutes) whatever it then answers. Nothing else is excluded: a refused
request journals no read either.
"""

import json
import re

import pytest
from django.db import connection, transaction
from django.utils import timezone

from comptoir.parties.models import Party
from tests.api.test_errors import assert_shape
from tests.invoicing.api_ids import invoice_bodies, invoice_ids
from tests.invoicing.payments.issued import issued_invoice
from tests.openapi import openapi_document
from tests.privacy.api_ids import breach_body, privacy_ids
from tests.sales.api_ids import sales_ids

LONG = "x" * 10_000
TOO_DEEP = '{"a": ' + "[" * 2_000 + "]" * 2_000 + "}"

# Text no name, title or note may hold (the API says so in its description).
FORBIDDEN_TEXT = ["x\ud800y", "\udfff", "a\x00b", "\x01", "a\x1bb", "a\x7f"]
# Numbers no field can hold: not a double, 40 digits, past signed 64 bits either side.
RAW_NUMBERS = ["1e309", "-1e309"]
BIG_NUMBERS = [10**39, 2**63, -(2**63) - 1]
# Text that reads as a number no field can hold: hostile to an amount, a fine name.
NUMERIC_TEXT = ["1e309", "-1e309", "9" * 40, "NaN", "Infinity", "0x1F", "1_000"]


class Raw(str):
    """A JSON token written as it is (``1e309``, which ``json.dumps`` cannot write)."""


def encode(body) -> str:
    raws = {}

    def mark(value):
        if isinstance(value, Raw):
            raws[f"__raw_{len(raws)}__"] = str(value)
            return f"__raw_{len(raws) - 1}__"
        if isinstance(value, dict):
            return {key: mark(item) for key, item in value.items()}
        return value

    text = json.dumps(mark(body))
    for marker, token in raws.items():
        text = text.replace(f'"{marker}"', token)
    return text


# The document's view of a value -----------------------------------------------------
class Shape:
    """The JSON types a schema accepts, and the longest string it declares."""

    def __init__(self, schema: dict, components: dict):
        self.types: set[str] = set()
        self.max_length: int | None = None
        self.closed = False  # an enum, a date, a pattern: not any text
        self.patterns: list[str] = []
        self._walk(schema, components)

    def _walk(self, schema: dict, components: dict) -> None:
        if "$ref" in schema:
            self._walk(components[schema["$ref"].rsplit("/", 1)[1]], components)
        for key in ("anyOf", "allOf", "oneOf"):
            for part in schema.get(key, []):
                self._walk(part, components)
        if "type" in schema:
            self.types.add(schema["type"])
        elif "enum" in schema:
            self.types.add("string")
        if "enum" in schema or "format" in schema:
            self.closed = True
        if "pattern" in schema:
            self.patterns.append(schema["pattern"])
        if "maxLength" in schema:
            self.max_length = max(self.max_length or 0, schema["maxLength"])

    @property
    def numeric(self) -> bool:
        return bool(self.types & {"integer", "number"})

    @property
    def text(self) -> bool:
        return "string" in self.types

    @property
    def hostile(self) -> bool:
        return self.text or self.numeric

    def may_accept(self, text: str) -> bool:
        """Whether the document lets ``text`` through (so a 2xx is no fault)."""
        if self.closed or not self.text:
            return False
        if self.patterns and not any(re.search(p, text) for p in self.patterns):
            return False
        return self.max_length is None or len(text) <= self.max_length


class MaybeValid:
    """A value the schema may accept: it must not break anything (no 5xx); if it is
    accepted, what it wrote is rolled back, not counted."""

    def __init__(self, value):
        self.value = value

    def __repr__(self):
        return f"maybe {self.value!r}"


def numeric_text(shape: Shape) -> list:
    return [MaybeValid(t) if shape.may_accept(t) else t for t in NUMERIC_TEXT]


def body_values(shape: Shape) -> list:
    """What to put in a body property of this shape: only what its schema refuses
    (a 10,000-character string is fine where 10,000 are declared, null where null is)."""
    values = []
    if shape.text:
        values += FORBIDDEN_TEXT
        if shape.max_length is None or shape.max_length < len(LONG):
            values.append(LONG)
        if not shape.numeric:
            values.append(12)
        values += numeric_text(shape)
    if shape.numeric:
        values += [Raw(n) for n in RAW_NUMBERS] + BIG_NUMBERS
        if not shape.text:
            values.append("abc")
    values += [[], {}]
    if "null" not in shape.types:
        values.append(None)
    return values


def query_values(shape: Shape) -> list[str]:
    """Percent-encoded query values. A lone surrogate has no UTF-8 form, so no URL can
    carry one (its CESU bytes arrive as U+FFFD): it is tried in bodies only."""
    values = ["a%00b", "%01", "a%1Bb", "%7F"]
    if shape.text and (shape.max_length is None or shape.max_length < len(LONG)):
        values.append(LONG)
    if shape.text:
        values += numeric_text(shape)
    if shape.numeric:
        values += [*RAW_NUMBERS, *(str(n) for n in BIG_NUMBERS)]
        if not shape.text:
            values.append("abc")
    return values


PATH_VALUES = [str(2**63), "9" * 20, str(10**39), "-1", "abc", "1e309", "%00", "%ED%A0%80"]


# The world the requests meet --------------------------------------------------------
@pytest.fixture
def api(world, api_as):
    return api_as("owner")


@pytest.fixture
def path_ids(api, world) -> dict:
    def created(path, body):
        response = api.post(path, json=body)
        assert response.status_code == 201, (path, response.json())
        return response.json()["id"]

    # A SIREN: a French business client is invoiced with it (issue checks it).
    party_id = created(
        "/api/parties", {"kind": "company", "company_name": "Établi", "siren": "253660088"}
    )
    stage_id = created("/api/pipeline/stages", {"name": "Lead", "probability": 10})
    ids = {
        "party_id": party_id,
        "contact_person_id": created(
            f"/api/parties/{party_id}/contact-persons", {"family_name": "Moreau"}
        ),
        "stage_id": stage_id,
        "opportunity_id": created(
            "/api/opportunities", {"party_id": party_id, "title": "Étagères", "amount": "10"}
        ),
        "token_id": api.get("/api/tokens").json()["items"][0]["id"],
        "event_id": api.get("/api/audit/events").json()["items"][0]["id"],
        "entry_id": created("/api/suppression", {"kind": "email", "value": "objected@example.net"}),
    }
    members = api.get("/api/members").json()["items"]
    sales = world.member("sales").pk
    ids["member_id"] = next(m["id"] for m in members if m["user_id"] == sales)
    ids.update(sales_ids(api, party_id))
    # Payments: an issued invoice of the party, and a payment settling part of it.
    party = Party.objects.of(world.org_a).get(pk=party_id)
    ids["issued_invoice_id"] = issued_invoice(party, "120.00").pk
    allocation = {"invoice_id": ids["issued_invoice_id"], "amount": "4"}
    payment = api.post(
        "/api/payments",
        json={"party_id": party_id, "amount": "10", "method": "cash", "allocations": [allocation]},
    ).json()
    ids["payment_id"] = payment["id"]
    ids["allocation_id"] = payment["allocations"][0]["id"]
    ids.update(invoice_ids(api, party_id, ids["order_id"]))
    # The consent ledger names a person by their subject uuid.
    person = api.get(f"/api/contact-persons/{ids['contact_person_id']}").json()
    ids["subject_uuid"] = person["subject_uuid"]
    ids["wording_id"] = api.post(
        "/api/consents/wordings",
        json={"purpose": "prospection_post", "language": "fr", "text": "Courriers ?"},
    ).json()["id"]
    ids.update(privacy_ids(api))
    return ids


def valid_bodies(ids: dict) -> dict:
    """A valid body for each operation whose body has required fields or must not be empty."""
    return {
        ("POST", "/api/tokens"): {"name": "hostile"},
        ("POST", "/api/parties"): {"kind": "company", "company_name": "Hostile"},
        ("POST", "/api/parties/search"): {"email": "nobody@example.org"},
        ("POST", "/api/contact-persons/search"): {"name": "Moreau"},
        ("POST", "/api/parties/{party_id}/contact-persons"): {"family_name": "Hostile"},
        ("POST", "/api/parties/{party_id}/interactions"): {"kind": "call", "direction": "inbound"},
        ("POST", "/api/pipeline/stages"): {"name": "Hostile", "probability": 20},
        ("POST", "/api/opportunities"): {
            "party_id": ids["party_id"],
            "title": "Hostile",
            "amount": "10",
        },
        ("POST", "/api/opportunities/{opportunity_id}/move"): {"stage_id": ids["stage_id"]},
        ("PATCH", "/api/members/{member_id}"): {"role": "support"},
        ("POST", "/api/products"): {
            "reference": "H-2",
            "name": "Hostile",
            "unit_price": "1",
            "vat_rate": "20",
        },
        ("POST", "/api/quotes"): {"party_id": ids["party_id"]},
        ("POST", "/api/quotes/{quote_id}/lines"): {
            "name": "Hostile",
            "quantity": "1",
            "unit_price": "1",
            "vat_rate": "20",
        },
        ("POST", "/api/orders"): {
            "party_id": ids["party_id"],
            "lines": [{"product_id": ids["product_id"], "quantity": "1"}],
        },
        ("PUT", "/api/sales-settings/number-series"): {
            "series": "quote",
            "pattern": "D-{year}-{number:05}",
        },
        ("POST", "/api/payments"): {"party_id": ids["party_id"], "amount": "10", "method": "cash"},
        ("POST", "/api/suppression"): {"kind": "phone", "value": "+33 6 12 34 56 78"},
        ("POST", "/api/payments/{payment_id}/allocations"): {
            "invoice_id": ids["issued_invoice_id"],
            "amount": "1",
        },
        ("POST", "/api/consents/subjects/{subject_uuid}/give"): {
            "purpose": "prospection_post",
            "channel": "phone",
            "wording_id": ids["wording_id"],
        },
        ("POST", "/api/consents/subjects/{subject_uuid}/withdraw"): {
            "purpose": "prospection_post",
            "channel": "phone",
        },
        ("POST", "/api/consents/wordings"): {
            "purpose": "reviews",
            "language": "fr",
            "text": "Avis ?",
        },
        ("POST", "/api/breaches"): breach_body(timezone.now()),
        ("PATCH", "/api/breaches/{breach_id}"): {"note": "Relu."},
        ("POST", "/api/privacy/register/recipients"): {"kind": "external", "name": "Notaire"},
        ("POST", "/api/privacy/register/processors"): {
            "name": "Routeur",
            "service": "Mail",
            "country": "BE",
        },
        ("POST", "/api/rights-requests"): {
            "kind": "erasure",
            "requester_email": "another@example.net",
        },
        ("POST", "/api/rights-requests/{rights_request_id}/extend"): {
            "months": 1,
            "reason": "Volume.",
        },
        ("POST", "/api/rights-requests/{rights_request_id}/identity-ask"): {"note": "Pièce ?"},
        ("POST", "/api/rights-requests/{rights_request_id}/answer"): {"answer": "Fait."},
        ("POST", "/api/rights-requests/{rights_request_id}/refuse"): {"reasons": "Abusif."},
        ("POST", "/api/data-subjects/{subject_uuid}/recipients/notify"): {"change": "erasure"},
        **invoice_bodies(ids),
    }


# Rows -----------------------------------------------------------------------------------
# The one column a refused request may still write (see the module's docstring).
BOOKKEEPING = {"accounts_apitoken": {"last_used_at"}}


def snapshot(_queries={}) -> dict[str, list]:  # noqa: B006 (the tables' queries, kept)
    """Every row of every table (but the bookkeeping column), sorted."""
    with connection.cursor() as cursor:
        if connection.alias not in _queries:
            _queries[connection.alias] = {
                table: _select_all(cursor, table)
                for table in sorted(connection.introspection.table_names(cursor))
            }
        rows = {}
        for table, query in _queries[connection.alias].items():
            cursor.execute(query)
            rows[table] = sorted(repr(tuple(_plain(v) for v in row)) for row in cursor.fetchall())
    return rows


def _select_all(cursor, table: str) -> str:
    columns = [
        connection.ops.quote_name(c.name)
        for c in connection.introspection.get_table_description(cursor, table)
        if c.name not in BOOKKEEPING.get(table, ())
    ]
    return f"SELECT {', '.join(columns)} FROM {connection.ops.quote_name(table)}"  # noqa: S608


def _plain(value):
    return bytes(value) if isinstance(value, memoryview) else value


def changed_tables(before: dict, after: dict) -> list[str]:
    return [table for table in after if before.get(table) != after[table]]


# The sweep ------------------------------------------------------------------------------
class Sweep:
    def __init__(self, api, ids):
        self.api = api
        self.ids = ids
        self.spec = openapi_document()
        self.components = self.spec["components"]["schemas"]
        self.bodies = valid_bodies(ids)
        self.failures: list[str] = []
        self.requests = 0

    def operations(self):
        for path, operations in self.spec["paths"].items():
            for method, operation in operations.items():
                yield method.upper(), path, operation

    def body_schema(self, operation) -> dict | None:
        content = operation.get("requestBody", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        if schema and "$ref" in schema:
            schema = self.components[schema["$ref"].rsplit("/", 1)[1]]
        return schema

    def base_body(self, method, path, operation) -> dict | None:
        schema = self.body_schema(operation)
        if schema is None:
            return None
        return dict(self.bodies.get((method, path), {}))

    def base_query(self, operation) -> dict:
        return {
            p["name"]: "a"
            for p in operation.get("parameters", [])
            if p["in"] == "query" and p.get("required")
        }

    def send(self, method, path, *, path_values=None, query=None, body=None):
        url = path.format(**{**self.ids, **(path_values or {})})
        if query:
            url += "?" + "&".join(f"{name}={value}" for name, value in query.items())
        self.requests += 1
        if body is None:
            return self.api.client.generic(method, url, headers=self.api.headers)
        text = body if isinstance(body, str) else encode(body)
        return self.api.client.generic(
            method, url, text, content_type="application/json", headers=self.api.headers
        )

    def each(self, what: str, method: str, path: str, values, request, allowed=None) -> None:
        """Send one parameter's values (``request(value)`` gives send()'s arguments);
        then no row may differ."""
        before = snapshot()
        for value in values:
            maybe = isinstance(value, MaybeValid)
            plain = value.value if maybe else value
            # A savepoint per request: a 5xx's failed statement (PostgreSQL) and an
            # accepted maybe-valid value's writes are undone; a refusal's are kept, to count.
            savepoint = transaction.savepoint()
            response = self.send(method, path, **request(plain))
            status = response.status_code
            if status >= 500 or (maybe and status < 400):
                transaction.savepoint_rollback(savepoint)
            else:
                transaction.savepoint_commit(savepoint)
            expected = allowed or range(400, 500)
            if maybe and 200 <= status < 300:
                continue
            description = f"{what}={_short(value)}"
            if status not in expected:
                detail = response.content[:300].decode(errors="replace")
                self.failures.append(f"{description} -> {status} {detail}")
                continue
            try:
                assert_shape(response, status)
            except AssertionError as error:
                self.failures.append(f"{description} -> not in the error shape: {error}")
        if changed := changed_tables(before, snapshot()):
            self.failures.append(f"{what}: rows written in {', '.join(changed)}")

    # One per kind of parameter.
    def prove_valid_bodies(self) -> None:
        for method, path, operation in self.operations():
            if self.body_schema(operation) is None or method == "DELETE":
                continue
            schema = self.body_schema(operation)
            if schema.get("required") and (method, path) not in self.bodies:
                self.failures.append(f"{method} {path}: no valid body in valid_bodies()")
                continue
            body = self.base_body(method, path, operation)
            with transaction.atomic():
                response = self.send(method, path, query=self.base_query(operation), body=body)
                transaction.set_rollback(True)
            if not 200 <= response.status_code < 300:
                self.failures.append(
                    f"{method} {path}: the valid body is refused: {response.status_code}"
                    f" {response.content[:300].decode()}"
                )

    def path_parameters(self) -> None:
        for method, path, operation in self.operations():
            body = self.base_body(method, path, operation)
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "path":
                    continue
                name = parameter["name"]
                self.each(
                    f"{method} {path} path {name}",
                    method,
                    path,
                    PATH_VALUES,
                    lambda value, name=name, body=body: {
                        "path_values": {name: value},
                        "body": body,
                    },
                    allowed=(404, 422),
                )

    def query_parameters(self) -> None:
        for method, path, operation in self.operations():
            body = self.base_body(method, path, operation)
            base = self.base_query(operation)
            for parameter in operation.get("parameters", []):
                shape = Shape(parameter["schema"], self.components)
                if parameter["in"] != "query" or not shape.hostile:
                    continue
                name = parameter["name"]
                self.each(
                    f"{method} {path} query {name}",
                    method,
                    path,
                    query_values(shape),
                    lambda value, name=name, body=body, base=base: {
                        "query": {**base, name: value},
                        "body": body,
                    },
                )

    def body_properties(self) -> None:
        for method, path, operation in self.operations():
            schema = self.body_schema(operation)
            if schema is None:
                continue
            base = self.base_body(method, path, operation)
            query = self.base_query(operation)
            for name, property_schema in schema.get("properties", {}).items():
                shape = Shape(property_schema, self.components)
                if not shape.hostile:
                    continue
                self.each(
                    f"{method} {path} body {name}",
                    method,
                    path,
                    body_values(shape),
                    lambda value, name=name, base=base, query=query: {
                        "query": query,
                        "body": {**base, name: value},
                    },
                )

    def body_shapes(self) -> None:
        for method, path, operation in self.operations():
            if self.body_schema(operation) is None:
                continue
            base = self.base_body(method, path, operation)
            query = self.base_query(operation)
            self.each(
                f"{method} {path} body",
                method,
                path,
                ["[]", encode([base]), '"text"', "12", "null", "{", TOO_DEEP],
                lambda text, query=query: {"query": query, "body": text},
                allowed=(422,),
            )


def _short(value) -> str:
    text = repr(value)
    return text if len(text) < 40 else f"{text[:20]}...({len(text)} chars)"


@pytest.fixture
def sweep(api, path_ids) -> Sweep:
    sweep = Sweep(api, path_ids)
    sweep.prove_valid_bodies()
    return sweep


def report(sweep: Sweep) -> str:
    return f"{len(sweep.failures)} failures:\n" + "\n".join(sweep.failures)


def test_hostile_path_parameters(sweep):
    sweep.path_parameters()
    assert sweep.requests > 100
    assert not sweep.failures, report(sweep)


def test_hostile_query_parameters(sweep):
    sweep.query_parameters()
    assert sweep.requests > 100
    assert not sweep.failures, report(sweep)


def test_hostile_body_properties(sweep):
    sweep.body_properties()
    assert sweep.requests > 500
    assert not sweep.failures, report(sweep)


def test_hostile_body_shapes(sweep):
    sweep.body_shapes()
    assert not sweep.failures, report(sweep)
