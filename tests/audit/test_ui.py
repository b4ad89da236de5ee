"""/audit/: auditors and admins browse and filter the journal in the UI; other
roles get 403; each page view is journalled once."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from comptoir.audit.models import Action, ActorKind, AuditEvent
from comptoir.audit.services import Actor, audit_record
from comptoir.web.views import PAGE_SIZE
from tests.audit.journal import record_five

ALLOWED = ["owner", "admin", "auditor"]
REFUSED = ["sales", "accountant", "support"]


def journal_of(organisation):
    return AuditEvent.objects.filter(organisation_id=organisation.pk)


def shown_seqs(response) -> list[int]:
    """The seq column of the table, in page order."""
    assert response.status_code == 200
    return [int(n) for n in re.findall(r"<tr>\s*<td>(\d+)</td>", response.content.decode())]


@pytest.fixture
def events(world):
    return record_five(world.org_a, world.member("sales"))


@pytest.mark.parametrize("role", ALLOWED)
def test_allowed_roles_see_their_organisation_journal(world, ui_as, events, role):
    record_five(world.org_b, world.owner_b)
    client = ui_as(role)
    response = client.get("/audit/")
    seqs = shown_seqs(response)
    assert {e.seq for e in events} <= set(seqs)
    # B's chain has the same seqs: make sure none of its rows leaked in.
    assert len(seqs) == journal_of(world.org_a).count()
    assert "2001:db8::7" in response.content.decode()


@pytest.mark.parametrize("role", REFUSED)
def test_other_roles_get_403_and_nothing_is_journalled(world, ui_as, events, role):
    client = ui_as(role)
    before = journal_of(world.org_a).count()
    assert client.get("/audit/").status_code == 403
    assert journal_of(world.org_a).count() == before


def test_someone_in_no_organisation_gets_403(world):
    client = Client()
    client.force_login(world.outsider)
    assert client.get("/audit/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(world):
    response = Client().get("/audit/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_page_view_writes_exactly_one_list_event(world, ui_as, events):
    client = ui_as("auditor")
    before = set(journal_of(world.org_a).values_list("pk", flat=True))
    client.get("/audit/?action=update", REMOTE_ADDR="198.51.100.23")
    (new,) = journal_of(world.org_a).exclude(pk__in=before)
    assert (new.action, new.object_type) == (Action.LIST, "audit.AuditEvent")
    assert (new.actor_kind, new.actor_user_id) == (ActorKind.USER, world.member("auditor").pk)
    assert new.ip_address == "198.51.100.23"


def test_filter_by_action(world, ui_as, events):
    assert shown_seqs(ui_as("auditor").get("/audit/?action=update")) == [3]


def test_filter_by_who(world, ui_as, events):
    client = ui_as("auditor")
    assert shown_seqs(client.get("/audit/?actor_kind=system")) == [4]
    user = world.member("sales").pk
    assert shown_seqs(client.get(f"/audit/?actor_user_id={user}&action=read")) == [2]


def test_filter_by_token(world, ui_as, api_as, events):
    api_as("sales").get("/api/organisation")
    read = journal_of(world.org_a).latest("seq")
    response = ui_as("auditor").get(f"/audit/?actor_token_id={read.actor_token_id}")
    assert shown_seqs(response) == [read.seq]


def test_filter_by_ip_address_and_field(world, ui_as, events):
    client = ui_as("auditor")
    assert shown_seqs(client.get("/audit/?ip_address=2001:DB8::7")) == [3]
    assert shown_seqs(client.get("/audit/?field=iban")) == [3]
    assert shown_seqs(client.get("/audit/?field=email")) == [1]


def test_filter_by_object(world, ui_as, events):
    audit_record(
        actor=Actor.system(),
        action=Action.READ,
        organisation_id=world.org_a.pk,
        object_type="parties.Company",
        object_id=7,
    )
    client = ui_as("auditor")
    assert shown_seqs(client.get("/audit/?object_type=parties.Company&object_id=7")) == [6]
    assert shown_seqs(client.get("/audit/?object_type=parties.Person&object_id=7")) == []


def test_filter_by_days(world, ui_as, events):
    client = ui_as("auditor")
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    assert set(shown_seqs(client.get(f"/audit/?since={today}&action=read"))) == {2}
    assert shown_seqs(client.get(f"/audit/?until={today}")) == []  # "before" today
    assert shown_seqs(client.get(f"/audit/?since={tomorrow}")) == []


def test_a_bad_filter_shows_its_error_and_no_events(world, ui_as, events):
    response = ui_as("auditor").get("/audit/?actor_user_id=abc&ip_address=nowhere")
    assert response.status_code == 200
    assert shown_seqs(response) == []
    assert 'class="errorlist' in response.content.decode()


def test_pages_of_events_newest_first(world, ui_as):
    for _ in range(PAGE_SIZE + 5):
        audit_record(actor=Actor.system(), action=Action.READ, organisation_id=world.org_a.pk)
    client = ui_as("auditor")
    first = shown_seqs(client.get("/audit/?action=read"))
    second = shown_seqs(client.get("/audit/?action=read&page=2"))
    assert first == list(range(PAGE_SIZE + 5, 5, -1))
    assert second == [5, 4, 3, 2, 1]
