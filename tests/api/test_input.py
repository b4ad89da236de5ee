"""What a client sends is read in one place (comptoir/api/parsing.py, middleware.py,
pagination.py): a body that is not a JSON object, nested too deep, holding a control
character or a lone surrogate, a page bound out of range, an id no row can have —
each gets its 4xx in the error shape, the same on SQLite and PostgreSQL, and nothing
changes. And every route answers with or without its trailing slash."""

import io
import json
import sys
from urllib.parse import quote

import pytest
from django.test import Client

from comptoir.api.pagination import MAX_LIMIT, MAX_OFFSET
from comptoir.api.parsing import MAX_DEPTH
from comptoir.parties.models import ContactPerson, Party
from comptoir.tenancy.models import Membership
from tests.api.test_errors import assert_shape
from tests.invoicing.api_ids import invoice_ids
from tests.invoicing.payments.issued import issued_invoice
from tests.openapi import openapi_document
from tests.privacy.api_ids import privacy_ids
from tests.sales.api_ids import sales_ids


def raw(api, method: str, path: str, body: str | bytes):
    """Send ``body`` as it is, so it may hold what ``json.dumps`` would never write."""
    return api.client.generic(
        method, path, body, content_type="application/json", headers=api.headers
    )


def only_error(response, status=422) -> dict:
    body = assert_shape(response, status)
    assert len(body["errors"]) == 1, body
    return body["errors"][0]


def spec() -> dict:
    return openapi_document()


def operations(method_filter=None):
    for path, operations in spec()["paths"].items():
        for method, operation in operations.items():
            if method_filter is None or method_filter(method, operation):
                yield method.upper(), path, operation


@pytest.fixture
def api(world, api_as):
    return api_as("owner")


@pytest.fixture
def party(api) -> dict:
    # A SIREN: a French business client is invoiced with it (issue checks it).
    body = {"kind": "company", "company_name": "Établi", "siren": "253660088"}
    response = api.post("/api/parties", json=body)
    assert response.status_code == 201, response.json()
    return response.json()


def ids(api, party) -> dict:
    """A real id for each path parameter of the API, so only the value under test is wrong."""
    person = api.post(
        f"/api/parties/{party['id']}/contact-persons", json={"family_name": "Moreau"}
    ).json()
    stage = api.post("/api/pipeline/stages", json={"name": "Lead", "probability": 10}).json()
    opportunity = api.post(
        "/api/opportunities", json={"party_id": party["id"], "title": "Étagères", "amount": "10"}
    ).json()
    invoice = issued_invoice(Party._base_manager.get(pk=party["id"]), "120.00")
    sales = sales_ids(api, party["id"])
    allocation = {"invoice_id": invoice.pk, "amount": "4"}
    payment = api.post(
        "/api/payments",
        json={
            "party_id": party["id"],
            "amount": "10",
            "method": "cash",
            "allocations": [allocation],
        },
    ).json()
    return (
        {
            "payment_id": payment["id"],
            "allocation_id": payment["allocations"][0]["id"],
            "party_id": party["id"],
            "contact_person_id": person["id"],
            "subject_uuid": person["subject_uuid"],
            "stage_id": stage["id"],
            "opportunity_id": opportunity["id"],
            "member_id": api.get("/api/members").json()["items"][0]["id"],
            "token_id": api.get("/api/tokens").json()["items"][0]["id"],
            "event_id": api.get("/api/audit/events").json()["items"][0]["id"],
            **sales,
            "bill_id": _bill_id(api, party),
            "entry_id": api.post(
                "/api/suppression", json={"kind": "email", "value": "objected@example.net"}
            ).json()["id"],
        }
        | invoice_ids(api, party["id"], sales["order_id"])
        | privacy_ids(api)
    )


def _bill_id(api, party) -> int:
    """A supplier bill of the party's organisation (addressed to it; its supplier created)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.invoicing.receive.conftest import FRENCH_BUYER_SIREN, french_cii

    organisation = Party._base_manager.get(pk=party["id"]).organisation
    data = french_cii().replace(FRENCH_BUYER_SIREN.encode(), organisation.siren.encode())
    upload = SimpleUploadedFile("bill.xml", data)
    response = api.client.post(
        "/api/supplier-bills",
        {"file": upload, "create_supplier": "true"},
        headers=api.headers,
    )
    return response.json()["id"]


# 1. Control characters and lone surrogates --------------------------------------
@pytest.mark.parametrize(
    ("escaped", "code_point"),
    [("\\ud800", "U+D800"), ("\\udfff", "U+DFFF"), ("\\u0000", "U+0000"), ("\\u001b", "U+001B")],
)
def test_a_forbidden_character_in_a_created_party_is_a_422_naming_the_field(
    api, escaped, code_point
):
    body = '{"kind": "company", "company_name": "x' + escaped + 'y"}'
    error = only_error(raw(api, "POST", "/api/parties", body))
    assert error["field"] == "company_name"
    assert code_point in error["message"]
    assert not Party._base_manager.exists()


def test_every_create_refuses_a_lone_surrogate_and_writes_nothing(api, party):
    path_ids = ids(api, party)
    counts = {model: model._base_manager.count() for model in (Party, ContactPerson)}
    creates = list(operations(lambda m, op: m == "post" and json_body(op)))
    assert len(creates) >= 8
    for method, path, _operation in creates:
        url = path.format(**path_ids)
        error = only_error(raw(api, method, url, '{"name": "\\ud800"}'))
        assert error == {
            "field": "name",
            "message": error["message"],
        }, url
        assert "U+D800" in error["message"], url
    assert counts == {model: model._base_manager.count() for model in (Party, ContactPerson)}


def test_a_read_only_token_searching_with_a_lone_surrogate_gets_a_422(world, api_as):
    reader = api_as("auditor", scope="read")
    error = only_error(raw(reader, "POST", "/api/parties/search", '{"email": "a\\udc00@b.fr"}'))
    assert error["field"] == "email" and "U+DC00" in error["message"]


def test_a_nul_in_a_patch_is_refused_and_the_party_unchanged(api, party):
    url = f"/api/parties/{party['id']}"
    error = only_error(api.patch(url, json={"company_name": "Éta\x00bli"}))
    assert error["field"] == "company_name" and "U+0000" in error["message"]
    assert Party._base_manager.get(pk=party["id"]).company_name == "Établi"


def test_tab_and_line_breaks_are_text(api, party):
    url = f"/api/parties/{party['id']}"
    response = api.patch(url, json={"billing_street": "1 rue\tHaute\r\nBât. B"})
    assert response.status_code == 200, response.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"company_name": "ok", "\\u0007bell": 1}', "body"),
        ('{"a": {"b\\u0000": 1}}', "a"),
        ('{"a": [{"b": "c"}, {"d": "\\u007f"}]}', "a.1.d"),
    ],
)
def test_keys_and_nested_strings_are_checked_with_their_path(api, party, body, field):
    error = only_error(raw(api, "PATCH", f"/api/parties/{party['id']}", body))
    assert error["field"] == field and "U+00" in error["message"]


def test_a_control_character_in_a_query_parameter_is_a_422(api):
    error = only_error(api.get("/api/parties/by-name?prefix=ab%00c"))
    assert error["field"] == "prefix" and "U+0000" in error["message"]
    error = only_error(api.get("/api/audit/events?object_type=%1b"))
    assert error["field"] == "object_type" and "U+001B" in error["message"]
    error = only_error(api.get("/api/parties/by-name?prefix=abc&x%7F=1"))
    assert error["field"] == "query" and "U+007F" in error["message"]


# 2. Malformed and too deep JSON ------------------------------------------------------
@pytest.mark.parametrize("depth", [MAX_DEPTH, 2_000, 100_000])
def test_json_nested_too_deep_is_a_422_that_names_the_limit(api, party, depth):
    body = '{"company_name": ' + "[" * depth + "]" * depth + "}"
    error = only_error(raw(api, "PATCH", f"/api/parties/{party['id']}", body))
    assert str(MAX_DEPTH) in error["message"]
    assert Party._base_manager.get(pk=party["id"]).company_name == "Établi"


def test_json_at_the_depth_limit_reaches_the_schema(api, party):
    body = '{"company_name": ' + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "}"
    error = only_error(raw(api, "PATCH", f"/api/parties/{party['id']}", body))
    assert error["field"] == "company_name"
    assert str(MAX_DEPTH) not in error["message"]


@pytest.mark.parametrize(
    "body", ["{not json", '{"company_name": NaN}', '{"a": Infinity}', "\xff\xfe", ""]
)
def test_malformed_json_is_a_422(api, party, body):
    response = raw(api, "POST", "/api/parties", body.encode("latin-1"))
    error = only_error(response)
    assert error["field"] == "body"
    assert Party._base_manager.count() == 1


def test_a_number_too_large_for_a_float_is_a_422(api, party):
    error = only_error(raw(api, "PATCH", f"/api/parties/{party['id']}", '{"x": [1, 1e309]}'))
    assert error["field"] == "x.1"


def test_a_number_of_more_digits_than_python_reads_is_a_422(api, party):
    digits = "9" * (sys.get_int_max_str_digits() + 1)
    body = '{"x": ' + digits + "}"
    error = only_error(raw(api, "PATCH", f"/api/parties/{party['id']}", body))
    assert error["field"] == "body"


# 3. A body that is not a JSON object ----------------------------------------------------
@pytest.mark.parametrize("body", ["[]", '[{"company_name": "Autre"}]', '"Autre"', "12", "null"])
def test_every_body_that_is_not_an_object_is_a_422(api, party, body):
    path_ids = ids(api, party)
    with_body = list(operations(lambda m, op: json_body(op)))
    assert {m for m, _p, _o in with_body} >= {"POST", "PATCH"}
    for method, path, _operation in with_body:
        error = only_error(raw(api, method, path.format(**path_ids), body))
        assert error == {"field": "body", "message": error["message"]}
        assert error["message"] == "Le corps de la requête doit être un objet JSON."
    assert Party._base_manager.get(pk=party["id"]).company_name == "Établi"


# 4. Pagination ----------------------------------------------------------------------------
def paginated():
    """The lists, each with its other required query parameters given."""
    lists = []
    for _method, path, operation in operations(lambda m, op: m == "get"):
        parameters = operation.get("parameters", [])
        if {"limit", "offset"} <= {p["name"] for p in parameters}:
            lists.append(with_required_query(path, operation))
    return lists


def test_every_list_declares_its_page_bounds():
    lists = paginated()
    assert len(lists) >= 9
    for _method, path, operation in operations(lambda m, op: m in ("get", "post")):
        parameters = {p["name"]: p["schema"] for p in operation.get("parameters", [])}
        if "limit" in parameters:
            assert parameters["limit"]["minimum"] == 1, path
            assert parameters["limit"]["maximum"] == MAX_LIMIT, path
            assert parameters["offset"]["minimum"] == 0, path
            assert parameters["offset"]["maximum"] == MAX_OFFSET, path


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (f"limit={2**63}", "limit"),
        (f"limit={MAX_LIMIT + 1}", "limit"),
        ("limit=0", "limit"),
        (f"offset={2**63}", "offset"),
        (f"offset={2**64 + 5}", "offset"),
        (f"offset={MAX_OFFSET + 1}", "offset"),
        ("offset=-1", "offset"),
        ("limit=1e309", "limit"),
    ],
)
def test_page_bounds_out_of_range_are_a_422_on_every_list(api, party, query, field):
    path_ids = ids(api, party)
    for path in paginated():
        error = only_error(api.get(f"{path.format(**path_ids)}{query}"))
        assert error["field"] == field, path


def test_a_page_at_the_bounds_is_served(api, party):
    body = api.get(f"/api/parties?limit={MAX_LIMIT}&offset={MAX_OFFSET}").json()
    assert body == {"items": [], "count": 1}
    assert api.get("/api/parties?limit=1&offset=0").json()["items"][0]["id"] == party["id"]


# 5. Ids in the path ----------------------------------------------------------------------
@pytest.mark.parametrize("value", [str(2**63), "9" * 20, "9" * 40])
def test_an_id_no_row_can_have_is_a_404_on_every_route(api, party, value):
    path_ids = ids(api, party)
    members = Membership._base_manager.count()
    with_ids = list(operations(lambda m, op: has_path(op)))
    assert len(with_ids) >= 15
    for method, path, operation in with_ids:
        for parameter in (p["name"] for p in operation["parameters"] if p["in"] == "path"):
            url = path.format(**{**path_ids, parameter: value})
            response = api.request(method, url, json={} if "requestBody" in operation else None)
            assert_shape(response, 404)
    assert Membership._base_manager.count() == members


def test_the_largest_id_a_row_can_have_is_looked_for(api, party):
    path_ids = ids(api, party)
    for method, path, operation in operations(lambda m, op: has_path(op)):
        for parameter in (p["name"] for p in operation["parameters"] if p["in"] == "path"):
            url = path.format(**{**path_ids, parameter: 2**63 - 1})
            response = api.request(method, url, json={} if "requestBody" in operation else None)
            # 422 when a field the body needs is missing (the body is read before the id).
            assert response.status_code in (404, 422), url
            assert_shape(response, response.status_code)


def json_body(operation) -> bool:
    """The operation reads a JSON body (an upload reads a multipart form instead)."""
    return "application/json" in operation.get("requestBody", {}).get("content", {})


def has_path(operation) -> bool:
    return any(p["in"] == "path" for p in operation.get("parameters", []))


def with_required_query(path: str, operation: dict) -> str:
    """The path with its required query parameters given (``prefix=a``)."""
    required = [
        p["name"]
        for p in operation.get("parameters", [])
        if p["in"] == "query" and p.get("required")
    ]
    return path + "?" + "".join(f"{name}=a&" for name in required)


# 6. Both spellings ------------------------------------------------------------------------
def test_every_route_answers_with_its_trailing_slash(api, party):
    path_ids = ids(api, party)
    for _method, path, operation in operations(lambda m, op: m == "get"):
        url = path.format(**path_ids)
        without = api.get(with_required_query(url, operation))
        with_slash = api.get(with_required_query(url + "/", operation))
        assert (without.status_code, with_slash.status_code) == (200, 200), url
        # The same route: the same answer (but the journal, one read longer).
        # The journal and a generated register (stamped with its making) differ by a moment.
        if "/audit/" in url or url.endswith("/register/export"):
            assert with_slash.json().keys() == without.json().keys(), url
        elif without["Content-Type"] != "application/json":  # a file: compared by its type
            assert with_slash["Content-Type"] == without["Content-Type"], url
        else:
            assert with_slash.json() == without.json(), url


def test_a_write_through_the_trailing_slash_reaches_the_route(api, party):
    response = api.post("/api/parties/", json={"kind": "company", "company_name": "Barre"})
    assert response.status_code == 201, response.json()
    url = f"/api/parties/{party['id']}/"
    assert api.patch(url, json={"company_name": "Établi 2"}).status_code == 200
    assert Party._base_manager.get(pk=party["id"]).company_name == "Établi 2"


def test_the_docs_and_unknown_routes_with_a_slash(api):
    assert Client().get("/api/openapi.json/").status_code == 200
    assert_shape(api.get("/api/nothing-here/"), 404)
    assert_shape(api.get("/api/parties/by-name//"), 404)


def test_too_many_query_fields_is_a_400(api, settings):
    query = "&".join(f"x{i}=1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    assert_shape(api.get(f"/api/parties?{query}"), 400)


def test_a_host_not_served_is_a_400_in_the_shape(db):
    assert_shape(Client(HTTP_HOST="elsewhere.example").get("/api/organisation"), 400)


# 7. Size -------------------------------------------------------------------------------------
def chunked(api, path: str, body: bytes):
    """POST ``body`` as a server hands a chunked request to Django: no Content-Length,
    the body (de-chunked) on wsgi.input."""
    return api.client.generic(
        "POST",
        path,
        b"",
        content_type="application/json",
        headers=api.headers,
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": io.BytesIO(body)},
    )


def test_a_chunked_body_past_the_limit_is_a_413(api, settings):
    big = json.dumps(
        {"kind": "company", "company_name": "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
    )
    assert_shape(chunked(api, "/api/parties", big.encode()), 413)
    assert not Party._base_manager.exists()


def test_a_chunked_body_within_the_limit_is_read(api):
    body = json.dumps({"kind": "company", "company_name": "Chunk"}).encode()
    response = chunked(api, "/api/parties", body)
    assert response.status_code == 201, response.json()
    assert Party._base_manager.get().company_name == "Chunk"


@pytest.mark.parametrize(
    "moment",
    [
        "1539-09-19T12:50:42.9-21:43",  # an offset PostgreSQL does not take
        "0001-01-01T00:00:00+01:00",  # before the calendar once in UTC
        "9999-12-31T23:59:59-05:00",  # after it
        "0001-01-01T00:00:00",  # naive, read in Paris time: before year 1 in UTC
    ],
)
def test_a_moment_the_databases_cannot_hold_is_a_422_or_an_answer(api, moment):
    """Read as UTC before any query: never a 500 on either database."""
    response = api.get(f"/api/audit/events?since={quote(moment)}")
    assert response.status_code in (200, 422), response.content
