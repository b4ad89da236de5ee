"""``/api/privacy/register``: owners and admins only, each organisation its own
rows, bad input refused with 422 and nothing changed."""

import io
import json

import pytest
from openpyxl import load_workbook

from comptoir.privacy.register import selectors
from tests.conftest import ApiClient, make_token

BASE = "/api/privacy/register"
PROCESSOR = {"name": "Hosting SAS", "service": "Hosting", "country": "FR"}


def test_owner_reads_the_register(world, api_as):
    response = api_as("owner").get(BASE)
    assert response.status_code == 200
    data = response.json()
    assert data["controller"] == world.org_a.legal_name
    assert [s["code"] for s in data["sheets"]] == [
        s.code for s in selectors.register_build(organisation=world.org_a).sheets
    ]


@pytest.mark.parametrize("role", ["sales", "accountant", "support", "auditor"])
def test_other_roles_are_refused(world, api_as, role):
    api = api_as(role)
    for path in (BASE, f"{BASE}/export?format=pdf", f"{BASE}/processors", f"{BASE}/settings"):
        assert api.get(path).status_code == 403, path


def test_no_token_is_refused(db):
    assert ApiClient(None).get(BASE).status_code == 401


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("pdf", "application/pdf"),
        ("json", "application/json"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_downloads(world, api_as, fmt, content_type):
    response = api_as("admin").get(f"{BASE}/export?format={fmt}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert f'.{fmt}"' in response["Content-Disposition"]
    if fmt == "xlsx":
        assert load_workbook(io.BytesIO(response.content)).sheetnames
    elif fmt == "json":
        assert json.loads(response.content)["sheets"]


def test_processors_round_trip(world, api_as):
    api = api_as("owner")
    created = api.post(
        f"{BASE}/processors",
        json={**PROCESSOR, "country": "us", "safeguard": "scc", "purposes": ["accounting"]},
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["country"], body["safeguard"], body["purposes"]) == ("US", "scc", ["accounting"])
    url = f"{BASE}/processors/{body['id']}"
    assert api.get(url).json()["name"] == "Hosting SAS"
    assert api.patch(url, json={"service": "Mail"}).json()["service"] == "Mail"
    accounting = next(s for s in api.get(BASE).json()["sheets"] if s["code"] == "accounting")
    assert [t["name"] for t in accounting["transfers"]] == ["Hosting SAS"]
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404


def test_recipients_and_settings(world, api_as):
    api = api_as("owner")
    created = api.post(f"{BASE}/recipients", json={"kind": "external", "name": "Tax office"})
    assert created.status_code == 201
    assert api.get(f"{BASE}/recipients").json()[0]["name"] == "Tax office"
    patched = api.patch(
        f"{BASE}/settings", json={"purposes": ["accounting"], "measures_backup": "Offsite copy"}
    )
    assert patched.status_code == 200, patched.json()
    assert patched.json()["purposes_in_use"] == ["accounting"]
    sheets = api.get(BASE).json()["sheets"]
    assert [s["code"] for s in sheets] == ["accounting"]
    backup = next(m for m in sheets[0]["measures"] if m["heading"] == "backup")
    assert backup["own"] == "Offsite copy"
    assert sheets[0]["external_recipients"] == [["Tax office", ""]]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "/processors", {**PROCESSOR, "country": "ZZ"}),
        ("post", "/processors", {**PROCESSOR, "country": "US"}),  # no safeguard
        ("post", "/processors", {**PROCESSOR, "safeguard": "nope"}),
        ("post", "/processors", {**PROCESSOR, "purposes": ["nope"]}),
        ("post", "/processors", {**PROCESSOR, "purposes": "accounting"}),
        ("post", "/processors", {**PROCESSOR, "name": "x" * 201}),
        ("post", "/processors", {"service": "Hosting", "country": "FR"}),
        ("post", "/processors", {**PROCESSOR, "name": ""}),
        ("post", "/recipients", {"kind": "friend", "name": "Someone"}),
        ("post", "/recipients", {"kind": "internal", "name": 12}),
        ("patch", "/settings", {"purposes": ["nope"]}),
        ("patch", "/settings", {"purposes": ["accounting", "accounting"]}),
        ("patch", "/settings", {"measures_other": "x" * 2001}),
        ("get", "/export?format=doc", None),
    ],
)
def test_bad_input_gets_422_and_changes_nothing(world, api_as, method, path, body):
    api = api_as("owner")
    before = (
        list(selectors.processors_of(organisation=world.org_a).values()),
        list(selectors.recipients_of(organisation=world.org_a).values()),
        selectors.register_settings_of(organisation=world.org_a).purposes,
    )
    response = api.request(method.upper(), BASE + path, json=body)
    assert response.status_code == 422, response.content
    assert response.json()["errors"]
    after = (
        list(selectors.processors_of(organisation=world.org_a).values()),
        list(selectors.recipients_of(organisation=world.org_a).values()),
        selectors.register_settings_of(organisation=world.org_a).purposes,
    )
    assert after == before


def test_another_organisations_rows_are_not_found(world, api_as):
    owner_b = ApiClient(make_token(world.owner_b, world.org_b))
    made = owner_b.post(f"{BASE}/processors", json=PROCESSOR).json()
    api = api_as("owner")
    for method in ("GET", "PATCH", "DELETE"):
        body = {"name": "Mine"} if method == "PATCH" else None
        response = api.request(method, f"{BASE}/processors/{made['id']}", json=body)
        assert response.status_code == 404
    assert owner_b.get(f"{BASE}/processors/{made['id']}").json()["name"] == "Hosting SAS"
    assert api.get(f"{BASE}/processors").json() == []
