"""API tokens: per user and organisation, random, shown once, stored as a
SHA-256 digest only, read or read_write, expiring, revocable, and dead once
their user leaves the organisation."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client

from comptoir.accounts.models import ApiToken
from comptoir.audit.models import AuditEvent
from comptoir.tenancy.models import Membership
from tests.conftest import ApiClient, make_token

TOKEN_RE = re.compile(r"cpt_[A-Za-z0-9_-]{43}")


def raw_rows() -> list[tuple]:
    """Every column of every token row, as the database holds them."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")  # noqa: S608
        return cursor.fetchall()


def assert_stored_as_digest_only(raw: str) -> None:
    token = ApiToken.across_organisations.get(digest=hashlib.sha256(raw.encode()).hexdigest())
    assert raw.startswith(token.prefix)
    assert len(token.prefix) == 10
    for row in raw_rows():
        for value in row:
            assert raw not in str(value)
            assert raw[len(token.prefix) :] not in str(value)


# --- Creation: shown once, stored hashed ----------------------------------------


def test_created_through_the_api_shown_once_stored_hashed(world, api_as):
    api = api_as("sales")
    response = api.post("/api/tokens", json={"name": "Export CRM", "scope": "read", "days": 30})
    assert response.status_code == 201
    body = response.json()
    raw = body["token"]
    assert TOKEN_RE.fullmatch(raw)
    assert body["scope"] == "read"
    assert body["prefix"] == raw[:10]
    assert_stored_as_digest_only(raw)

    listing = api.get("/api/tokens").json()["items"]
    assert {t["id"] for t in listing} >= {body["id"]}
    assert all("token" not in t for t in listing)
    assert raw not in api.get(f"/api/tokens/{body['id']}").content.decode()

    assert ApiClient(raw).get("/api/organisation").status_code == 200
    [event] = AuditEvent.objects.filter(action="token_create", object_id=str(body["id"]))
    assert event.actor_user_id == world.member("sales").pk


def test_created_in_the_ui_shown_once_stored_hashed(world, ui_as):
    client = ui_as("accountant")
    response = client.post("/tokens/", {"name": "Comptabilité", "scope": "read", "days": 7})
    assert response.status_code == 200
    page = response.content.decode()
    shown = re.search(r'id="new-token">\s*(cpt_[^<\s]+)\s*<', page)
    assert shown is not None
    raw = shown.group(1)
    assert TOKEN_RE.fullmatch(raw)
    assert_stored_as_digest_only(raw)

    assert "no-store" in response["Cache-Control"]  # no copy left in the browser's cache

    again = client.get("/tokens/").content.decode()
    assert raw not in again
    assert raw[:10] in again  # the prefix, to recognise it
    token = ApiToken.across_organisations.get(prefix=raw[:10])
    assert (token.user, token.organisation, token.scope) == (
        world.member("accountant"),
        world.org_a,
        "read",
    )
    assert ApiClient(raw).get("/api/organisation").status_code == 200


def test_the_ui_form_refuses_a_bad_lifetime(world, ui_as):
    client = ui_as("sales")
    response = client.post("/tokens/", {"name": "Trop long", "scope": "read", "days": 400})
    assert response.status_code == 200
    assert "days" in response.context["form"].errors
    assert 'id="new-token"' not in response.content.decode()
    assert not ApiToken.across_organisations.exists()


def test_an_auditor_token_only_reads_whatever_its_scope(world, api_as):
    api = api_as("auditor", scope="read_write")
    assert api.get("/api/organisation").status_code == 200
    response = api.post("/api/tokens", json={"name": "x", "scope": "read", "days": 1})
    assert response.status_code == 403
    assert ApiToken.across_organisations.count() == 1


def test_tokens_are_random(world):
    user = world.member("sales")
    raws = {make_token(user, world.org_a) for _ in range(20)}
    assert len(raws) == 20
    assert all(TOKEN_RE.fullmatch(r) for r in raws)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": " ", "scope": "read", "days": 30}, "name"),
        ({"name": "x", "scope": "admin", "days": 30}, "scope"),
        ({"name": "x", "scope": "read", "days": 0}, "days"),
        ({"name": "x", "scope": "read", "days": 367}, "days"),
    ],
)
def test_bad_creation_requests_are_refused(world, api_as, payload, field):
    api = api_as("sales")
    before = ApiToken.across_organisations.count()
    response = api.post("/api/tokens", json=payload)
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}
    assert ApiToken.across_organisations.count() == before


# --- Scope ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("POST", "/api/tokens", {"name": "more", "scope": "read", "days": 1}),
        ("PATCH", "/api/organisation", {"city": "Lyon"}),
        ("DELETE", "/api/tokens/{own}", None),
    ],
)
def test_a_read_token_gets_403_on_any_write(world, method, path, payload):
    user = world.member("admin")
    raw = make_token(user, world.org_a, scope="read")
    own = ApiToken.across_organisations.get(digest=hashlib.sha256(raw.encode()).hexdigest())
    api = ApiClient(raw)
    count = ApiToken.across_organisations.count()
    city = world.org_a.city
    response = api.request(method, path.format(own=own.pk), json=payload)
    assert response.status_code == 403
    assert response.json()["detail"]
    own.refresh_from_db()
    world.org_a.refresh_from_db()
    assert own.revoked_at is None
    assert world.org_a.city == city
    assert ApiToken.across_organisations.count() == count
    assert api.get("/api/organisation").status_code == 200


def test_a_read_write_token_writes(world, api_as):
    response = api_as("admin", scope="read_write").patch("/api/organisation", json={"city": "Lyon"})
    assert response.status_code == 200
    world.org_a.refresh_from_db()
    assert world.org_a.city == "Lyon"


# --- Expiry, revocation, membership ----------------------------------------------


def test_an_expired_token_gets_401(world, time_machine):
    raw = make_token(world.member("sales"), world.org_a)  # 30 days
    api = ApiClient(raw)
    time_machine.move_to(ApiToken.across_organisations.get().expires_at - timedelta(seconds=1))
    assert api.get("/api/organisation").status_code == 200
    time_machine.shift(timedelta(seconds=2))
    response = api.get("/api/organisation")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_revoked_through_the_api_gets_401(world):
    user = world.member("support")
    keep, revoke = make_token(user, world.org_a), make_token(user, world.org_a)
    token = ApiToken.across_organisations.get(digest=hashlib.sha256(revoke.encode()).hexdigest())
    assert ApiClient(keep).delete(f"/api/tokens/{token.pk}").status_code == 204
    assert ApiClient(revoke).get("/api/organisation").status_code == 401
    assert ApiClient(keep).get("/api/organisation").status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="token_revoke", object_id=str(token.pk)).count() == 1


def test_a_token_can_revoke_itself(world):
    raw = make_token(world.member("sales"), world.org_a)
    token = ApiToken.across_organisations.get()
    api = ApiClient(raw)
    assert api.delete(f"/api/tokens/{token.pk}").status_code == 204
    assert api.get("/api/tokens").status_code == 401


def test_revoked_in_the_ui_gets_401(world, ui_as):
    user = world.member("owner")
    raw = make_token(user, world.org_a)
    token = ApiToken.across_organisations.get()
    client = ui_as("owner")
    assert f'action="/tokens/{token.pk}/revoke/"' in client.get("/tokens/").content.decode()
    response = client.post(f"/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert ApiClient(raw).get("/api/organisation").status_code == 401
    page = client.get("/tokens/").content.decode()
    assert f'action="/tokens/{token.pk}/revoke/"' not in page
    assert AuditEvent.objects.filter(action="token_revoke", object_id=str(token.pk)).count() == 1


def test_nobody_revokes_someone_elses_token(world, ui_as):
    victim = make_token(world.member("sales"), world.org_a)
    token = ApiToken.across_organisations.get()
    # Not another member, not even the owner, through the UI or the API.
    assert ui_as("owner").post(f"/tokens/{token.pk}/revoke/").status_code == 404
    other = make_token(world.member("owner"), world.org_a)
    assert ApiClient(other).delete(f"/api/tokens/{token.pk}").status_code == 404
    assert ApiClient(other).get(f"/api/tokens/{token.pk}").status_code == 404
    assert ApiClient(victim).get("/api/organisation").status_code == 200


def test_a_member_removed_from_the_organisation_gets_401(world, ui_as):
    user = world.member("sales")
    raw = make_token(user, world.org_a)
    assert ApiClient(raw).get("/api/organisation").status_code == 200
    membership = Membership.objects.of(world.org_a).get(user=user)
    assert ui_as("owner").post(f"/members/{membership.pk}/remove/").status_code == 302
    assert not Membership.objects.of(world.org_a).filter(user=user).exists()
    assert ApiClient(raw).get("/api/organisation").status_code == 401


def test_a_removed_member_who_comes_back_does_not_get_old_tokens_back(world, ui_as):
    user = world.member("sales")
    raw = make_token(user, world.org_a)
    membership = Membership.objects.of(world.org_a).get(user=user)
    assert ui_as("owner").post(f"/members/{membership.pk}/remove/").status_code == 302
    Membership.objects.create(organisation=world.org_a, user=user, role="sales")
    assert ApiClient(raw).get("/api/organisation").status_code == 401
    [token] = ApiToken.objects.of(world.org_a).filter(user=user)
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(action="token_revoke", object_id=str(token.pk)).exists()


def test_last_use_is_recorded_to_the_nearest_five_minutes(world, time_machine):
    time_machine.move_to("2026-11-23 10:00:00+00:00", tick=False)
    raw = make_token(world.member("sales"), world.org_a)
    token = ApiToken.objects.of(world.org_a).get(user=world.member("sales"))
    assert token.last_used_at is None
    ApiClient(raw).get("/api/organisation")
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    time_machine.move_to("2026-11-23 10:04:00+00:00", tick=False)
    ApiClient(raw).get("/api/organisation")
    token.refresh_from_db()
    assert token.last_used_at == first_use
    time_machine.move_to("2026-11-23 10:06:00+00:00", tick=False)
    ApiClient(raw).get("/api/organisation")
    token.refresh_from_db()
    assert token.last_used_at > first_use


def test_a_token_belongs_to_one_organisation(world):
    """Owner of B, also sales in A: the token made for A answers for A only."""
    user = world.owner_b
    Membership.objects.create(organisation=world.org_a, user=user, role="sales")
    for_a = ApiClient(make_token(user, world.org_a))
    assert for_a.get("/api/organisation").json()["legal_name"] == world.org_a.legal_name
    for_b = ApiClient(make_token(user, world.org_b))
    assert for_b.get("/api/organisation").json()["legal_name"] == world.org_b.legal_name


def test_a_deactivated_user_gets_401(world):
    user = world.member("sales")
    raw = make_token(user, world.org_a)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert ApiClient(raw).get("/api/organisation").status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer ",
        "Bearer cpt_",
        "Bearer cpt_" + "A" * 43,
        "Bearer " + "cpt_" + "A" * 200,
        "Bearer not-a-token",
        "Basic dXNlcjpwYXNz",
    ],
)
def test_missing_or_unknown_tokens_get_401(world, header):
    make_token(world.member("sales"), world.org_a)
    headers = {"Authorization": header} if header else {}
    response = Client().get("/api/organisation", headers=headers)
    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_digest_alone_does_not_authenticate(world):
    """Someone who reads the table learns digests, not tokens."""
    make_token(world.member("sales"), world.org_a)
    digest = ApiToken.across_organisations.get().digest
    for guess in (digest, f"cpt_{digest}"):
        assert ApiClient(guess).get("/api/organisation").status_code == 401
