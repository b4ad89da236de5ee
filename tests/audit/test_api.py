"""/api/audit/events: auditors and admins browse and filter their organisation's
journal; other roles get 403; reads are journalled, once each."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from comptoir.audit.models import Action, ActorKind, AuditEvent
from comptoir.audit.selectors import audit_event_list
from comptoir.audit.services import Actor, audit_record
from tests.audit.journal import record_five
from tests.conftest import ApiClient, make_token

ALLOWED = ["owner", "admin", "auditor"]
REFUSED = ["sales", "accountant", "support"]


def journal_of(organisation):
    return AuditEvent.objects.filter(organisation_id=organisation.pk)


def items(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["items"]


@pytest.fixture
def events(world):
    return record_five(world.org_a, world.member("sales"))


@pytest.mark.parametrize("role", ALLOWED)
def test_allowed_roles_list_their_organisation_journal(world, api_as, events, role):
    record_five(world.org_b, world.owner_b)
    client = api_as(role)
    listed = items(client.get("/api/audit/events?limit=100"))
    ids = {item["id"] for item in listed}
    assert {e.pk for e in events} <= ids
    assert ids <= set(journal_of(world.org_a).values_list("pk", flat=True))  # never B's


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_get_403_and_nothing_is_journalled(world, api_as, events, role):
    client = api_as(role)
    before = journal_of(world.org_a).count()
    assert client.get("/api/audit/events").status_code == 403
    assert client.get(f"/api/audit/events/{events[0].pk}").status_code == 403
    assert journal_of(world.org_a).count() == before


def test_no_token_gets_401(world, events):
    assert ApiClient(None).get("/api/audit/events").status_code == 401


def test_the_list_is_newest_first_and_shows_everything_but_values(world, api_as, events):
    listed = items(api_as("auditor").get("/api/audit/events"))
    seqs = [item["seq"] for item in listed]
    assert seqs == sorted(seqs, reverse=True)
    update = next(item for item in listed if item["id"] == events[2].pk)
    assert update == {
        "id": events[2].pk,
        "seq": events[2].seq,
        "actor_kind": "user",
        "actor_user_id": world.member("sales").pk,
        "actor_token_id": None,
        "action": "update",
        "object_type": "parties.Person",
        "object_id": "101",
        "fields": ["iban"],
        "ip_address": "2001:db8::7",
        "created_at": update["created_at"],
        "hash": events[2].hash,
        "prev_hash": events[1].hash,
    }


def test_a_list_request_writes_exactly_one_event(world, api_as, events):
    client = api_as("auditor")
    before = set(journal_of(world.org_a).values_list("pk", flat=True))
    client.get("/api/audit/events?limit=2")
    (new,) = journal_of(world.org_a).exclude(pk__in=before)
    token_events = journal_of(world.org_a).filter(action=Action.TOKEN_CREATE)
    token_id = token_events.latest("seq").object_id
    assert new.action == Action.LIST
    assert (new.object_type, new.object_id) == ("audit.AuditEvent", "")
    assert new.actor_kind == ActorKind.TOKEN
    assert new.actor_user_id == world.member("auditor").pk
    assert str(new.actor_token_id) == token_id
    assert new.ip_address == "127.0.0.1"


def test_a_detail_request_writes_exactly_one_read(world, api_as, events):
    client = api_as("admin")
    before = set(journal_of(world.org_a).values_list("pk", flat=True))
    response = client.get(f"/api/audit/events/{events[1].pk}")
    assert response.status_code == 200
    assert response.json()["seq"] == events[1].seq
    (new,) = journal_of(world.org_a).exclude(pk__in=before)
    assert (new.action, new.object_type, new.object_id) == (
        Action.READ,
        "audit.AuditEvent",
        str(events[1].pk),
    )


def test_another_organisations_event_is_not_found(world, api_as):
    (foreign, *_) = record_five(world.org_b, world.owner_b)
    assert api_as("auditor").get(f"/api/audit/events/{foreign.pk}").status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/api/organisation", "/api/members/{member}", "/api/members", "/api/tokens"],
)
def test_reading_personal_data_through_the_api_writes_exactly_one_event(world, api_as, path):
    """One event per GET, whether it returns one object or a list."""
    from comptoir.tenancy.models import Membership

    member = Membership.objects.of(world.org_a).get(user=world.member("sales"))
    client = api_as("admin")
    before = set(journal_of(world.org_a).values_list("pk", flat=True))
    response = client.get(path.format(member=member.pk))
    assert response.status_code == 200, response.content
    (new,) = journal_of(world.org_a).exclude(pk__in=before)
    expected = Action.READ if "{member}" in path or path == "/api/organisation" else Action.LIST
    assert new.action == expected


# --- filters ---------------------------------------------------------------------


def listed_ids(client, query: str) -> set[int]:
    return {item["id"] for item in items(client.get(f"/api/audit/events?limit=100&{query}"))}


def test_filter_by_action(world, api_as, events):
    assert listed_ids(api_as("auditor"), "action=update") == {events[2].pk}


def test_filter_by_actor_kind(world, api_as, events):
    auditor = api_as("auditor")  # its token is created by the system: one more event
    token_created = journal_of(world.org_a).get(action=Action.TOKEN_CREATE)
    assert listed_ids(auditor, "actor_kind=system") == {events[3].pk, token_created.pk}


def test_filter_by_user(world, api_as, events):
    other = audit_record(
        actor=Actor.user(world.member("support").pk),
        action=Action.READ,
        organisation_id=world.org_a.pk,
    )
    assert listed_ids(api_as("auditor"), f"actor_user_id={world.member('support').pk}") == {
        other.pk
    }


def test_filter_by_token(world, api_as, events):
    """Which token did what: the token of a script, not its owner's other actions."""
    raw = make_token(world.member("sales"), world.org_a)
    sales_client = ApiClient(raw)
    assert sales_client.get("/api/organisation").status_code == 200
    read = journal_of(world.org_a).latest("seq")
    assert read.actor_token_id is not None
    assert listed_ids(api_as("auditor"), f"actor_token_id={read.actor_token_id}") == {read.pk}


def test_filter_by_ip_address(world, api_as, events):
    auditor = api_as("auditor")
    assert listed_ids(auditor, "ip_address=2001:DB8:0::7") == {events[2].pk}
    assert listed_ids(auditor, "ip_address=192.0.2.10") == {
        events[0].pk,
        events[1].pk,
        events[4].pk,
    }


def test_filter_by_object(world, api_as, events):
    other = audit_record(
        actor=Actor.system(),
        action=Action.READ,
        organisation_id=world.org_a.pk,
        object_type="parties.Person",
        object_id=102,
    )
    auditor = api_as("auditor")
    assert listed_ids(auditor, "object_type=parties.Person&object_id=102") == {other.pk}
    assert len(listed_ids(auditor, "object_type=parties.Person")) == 6


def test_filter_by_field_touched(world, api_as, events):
    """Who touched the IBAN? A whole name, not a part of one."""
    ibanish = audit_record(
        actor=Actor.system(),
        action=Action.UPDATE,
        organisation_id=world.org_a.pk,
        fields=["iban_checked_at"],
    )
    auditor = api_as("auditor")
    assert listed_ids(auditor, "field=iban") == {events[2].pk}
    assert listed_ids(auditor, "field=iban_checked_at") == {ibanish.pk}
    assert listed_ids(auditor, "field=email") == {events[0].pk}
    assert listed_ids(auditor, "field=mail") == set()


def test_filter_by_period(world, api_as):
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=10), tick=True):
        old = audit_record(actor=Actor.system(), action=Action.READ, organisation_id=world.org_a.pk)
    with time_machine.travel(now - timedelta(days=5), tick=True):
        middle = audit_record(
            actor=Actor.system(), action=Action.READ, organisation_id=world.org_a.pk
        )
    auditor = api_as("auditor")
    since = (now - timedelta(days=7)).isoformat()
    until = (now - timedelta(days=3)).isoformat()
    query = f"action=read&since={since}&until={until}".replace("+", "%2B")
    assert listed_ids(auditor, query) == {middle.pk}
    until_old = (old.created_at + timedelta(microseconds=1)).isoformat().replace("+", "%2B")
    assert listed_ids(auditor, f"until={until_old}") == {old.pk}


@pytest.mark.parametrize(
    "query",
    ["action=peek", "actor_kind=robot", "ip_address=not-an-ip", "actor_user_id=abc", "since=yes"],
)
def test_a_bad_filter_is_422_with_the_field(world, api_as, events, query):
    response = api_as("auditor").get(f"/api/audit/events?{query}")
    assert response.status_code == 422
    field = query.split("=")[0]
    assert field in {error["field"] for error in response.json()["errors"]}


@pytest.mark.filterwarnings("error::RuntimeWarning")  # Django's "naive datetime" warning
def test_a_moment_without_offset_is_read_in_the_display_time_zone(world, api_as, events):
    auditor = api_as("auditor")
    assert {events[1].pk} == listed_ids(auditor, "action=read&since=2000-01-01T00:00:00")
    assert set() == listed_ids(auditor, "action=read&until=2000-01-01T00:00:00")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plan text")
def test_the_journal_is_read_newest_first_from_its_chain_index(world, events):
    plan = audit_event_list(organisation_id=world.org_a.pk).explain()
    assert "TEMP B-TREE" not in plan, plan  # no sort of the organisation's whole journal
