"""/api/breaches: list, record, read, update; 403 without PRIVACY_MANAGE, 422 on
bad input with nothing written, reads journalled."""

from datetime import timedelta

import pytest

from comptoir.audit.models import Action, AuditEvent
from comptoir.privacy.breaches.models import Breach
from tests.conftest import ApiClient
from tests.privacy.breaches.conftest import NOW


def _body(**values) -> dict:
    return {
        "occurred_from": (NOW - timedelta(days=1)).isoformat(),
        "aware_at": (NOW - timedelta(hours=2)).isoformat(),
        "description": "Base de test exposée sur Internet pendant une journée.",
        "natures": ["confidentiality"],
        "data_categories": ["identity", "connection"],
        "people_categories": ["staff"],
        "people_count": 8,
        "records_count": 8,
        **values,
    }


@pytest.fixture
def api(api_as, time_machine):
    time_machine.move_to(NOW, tick=False)
    return api_as("owner")


def test_record_read_list_and_update(world, api):
    created = api.post("/api/breaches", _body())
    assert created.status_code == 201, created.json()
    breach = created.json()
    assert breach["reference"] == "2026-001"
    assert breach["hours_left"] == 70 and breach["late"] is False
    assert breach["deadline"].startswith("2026-11-13T07:00")
    assert [entry["kind"] for entry in breach["timeline"]] == ["recorded"]
    listed = api.get("/api/breaches").json()["items"]
    assert [item["id"] for item in listed] == [breach["id"]]
    patched = api.patch(
        f"/api/breaches/{breach['id']}", {"records_count": 16, "note": "Journaux relus."}
    )
    assert patched.status_code == 200, patched.json()
    assert patched.json()["records_count"] == 16
    assert patched.json()["timeline"][-1]["changed"] == ["records_count"]
    got = api.get(f"/api/breaches/{breach['id']}").json()
    assert got["description"] == _body()["description"]
    reads = AuditEvent.objects.filter(object_type="privacy_breaches.breach")
    assert reads.filter(action=Action.READ, object_id=str(breach["id"])).exists()
    assert reads.filter(action=Action.LIST).exists()


@pytest.mark.parametrize(
    "values, field",
    [
        ({"people_count": 10**30}, "people_count"),
        ({"records_count": -1}, "records_count"),
        ({"people_count": 10_000_000_001}, "people_count"),
        ({"description": "ligne\u0007cloche"}, "description"),
        ({"description": "x" * 5001}, "description"),
        ({"aware_at": (NOW + timedelta(hours=1)).isoformat()}, "aware_at"),
        ({"aware_at": (NOW - timedelta(days=3)).isoformat()}, "aware_at"),
        ({"natures": ["gossip"]}, "natures"),
        ({"aware_at": "demain"}, "aware_at"),
        ({"occurred_from": None}, "occurred_from"),
    ],
)
def test_bad_input_is_a_422_and_nothing_is_written(world, api, values, field):
    response = api.post("/api/breaches", _body(**values))
    assert response.status_code == 422, response.json()
    fields = {error["field"].split(".")[0] for error in response.json()["errors"]}
    assert field in fields, response.json()
    assert not Breach.objects.of(world.org_a).exists()


def test_an_unchanged_patch_without_note_is_a_422(world, api):
    breach = api.post("/api/breaches", _body()).json()
    response = api.patch(f"/api/breaches/{breach['id']}", {"records_count": 8})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "note"


@pytest.mark.parametrize("role", ["sales", "accountant", "support", "auditor"])
def test_roles_without_privacy_manage_get_403(world, api_as, role, time_machine):
    time_machine.move_to(NOW, tick=False)
    client = api_as(role)
    assert client.get("/api/breaches").status_code == 403
    assert client.post("/api/breaches", _body()).status_code in (403,)
    assert not Breach.objects.of(world.org_a).exists()


def test_no_token_is_a_401(world):
    assert ApiClient(None).get("/api/breaches").status_code == 401


def test_another_organisations_breach_is_a_404(world, api, api_as):
    other = api_as("owner", organisation=world.org_b).post("/api/breaches", _body()).json()
    assert api.get(f"/api/breaches/{other['id']}").status_code == 404
    assert api.get("/api/breaches").json()["items"] == []
