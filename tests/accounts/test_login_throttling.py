"""Login by email through allauth's own form, and Comptoir's throttling rule
(DOMAIN.md §8): a growing delay after 5 consecutive failures, a lock after 10,
lifted by a password reset or by an administrator; all of it journalled."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from comptoir.accounts.models import User
from comptoir.audit.models import Action, AuditEvent, chain_of
from comptoir.tenancy.models import Membership
from tests.accounts.conftest import (
    english_client,
    events,
    form_error_codes,
    password_login,
    password_reset_link,
    signed_in_user_id,
)
from tests.conftest import enrol_totp
from tests.factories import PASSWORD, UserFactory

WRONG = "Not-the-password-42"
NEW_PASSWORD = "Nouveau-mot2passe!"


def fail(client: Client, user: User) -> None:
    response = password_login(client, user.email, WRONG)
    assert response.status_code == 200
    assert form_error_codes(response) == ["email_password_mismatch"]


def lock(client: Client, user: User, clock) -> None:
    """Ten failures, each one waiting out the delay the rule imposes."""
    for failures in range(10):
        fail(client, user)
        if failures >= 4:
            clock.shift(timedelta(seconds=2 ** (failures - 4)))
    user.refresh_from_db()
    assert user.locked_at is not None


def test_login_by_email_signs_in_and_is_journalled(world):
    user = world.member("sales")
    client = Client()
    response = password_login(client, user.email.upper())
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_user_id(client) == user.pk
    [event] = events("login", user)
    assert event.chain == chain_of(world.org_a.pk, Action.LOGIN)  # the connection chain
    assert event.actor_user_id == user.pk
    assert event.ip_address == "127.0.0.1"


def test_logout_ends_the_session_and_is_journalled(world):
    user = world.member("sales")
    client = Client()
    password_login(client, user.email)
    assert client.get("/accounts/logout/").status_code == 200  # a GET only asks
    assert signed_in_user_id(client) == user.pk
    assert client.post("/accounts/logout/").status_code == 302
    assert signed_in_user_id(client) is None
    assert client.get("/").status_code == 302
    [event] = events("logout", user)
    assert event.actor_user_id == user.pk


def test_a_wrong_password_is_refused_counted_and_journalled(world):
    user = world.member("sales")
    client = Client()
    for _ in range(3):
        fail(client, user)
    assert signed_in_user_id(client) is None
    user.refresh_from_db()
    assert user.failed_logins == 3
    assert user.locked_at is None
    failures = events("login_failed", user)
    assert len(failures) == 3
    assert {e.chain for e in failures} == {chain_of(world.org_a.pk, Action.LOGIN_FAILED)}
    assert {e.ip_address for e in failures} == {"127.0.0.1"}
    assert events("login", user) == []


def test_an_unknown_address_is_journalled_on_the_system_connection_chain(db):
    response = password_login(Client(), "nobody@example.test", WRONG)
    assert form_error_codes(response) == ["email_password_mismatch"]
    [event] = AuditEvent.objects.filter(action="login_failed")
    assert event.chain == chain_of(None, Action.LOGIN_FAILED) == "conn:system"
    assert event.object_id == ""


def test_a_success_starts_the_count_again(world):
    user = world.member("accountant")
    client = Client()
    for _ in range(4):
        fail(client, user)
    assert password_login(Client(), user.email).status_code == 302
    user.refresh_from_db()
    assert (user.failed_logins, user.last_failed_login_at) == (0, None)
    for _ in range(4):  # four more do not bring a delay: the count restarted
        fail(client, user)


def test_the_delay_grows_after_five_failures(world, clock):
    user = world.member("sales")
    client = english_client()
    for _ in range(5):
        fail(client, user)
    for delay in (1, 2, 4, 8, 16):
        # Even the right password is refused while the delay runs, and the
        # refused attempt is not counted.
        response = password_login(client, user.email)
        assert form_error_codes(response) == ["throttled"]
        unit = "second" if delay == 1 else "seconds"
        assert (
            f"Too many failed attempts. Try again in {delay} {unit}." in response.content.decode()
        )
        assert signed_in_user_id(client) is None
        clock.shift(timedelta(seconds=delay) - timedelta(milliseconds=10))
        assert form_error_codes(password_login(client, user.email)) == ["throttled"]
        clock.shift(timedelta(milliseconds=10))
        if delay < 16:
            fail(client, user)
    user.refresh_from_db()
    assert user.failed_logins == 9
    assert user.locked_at is None
    assert len(events("login_failed", user)) == 9


def test_comptoir_answers_after_five_failures_not_allauth(world, clock):
    """allauth's own limit (5 failures per address in 5 minutes) is switched off:
    once the 1-second delay is over, the right password signs in."""
    user = world.member("sales")
    client = english_client()
    for _ in range(5):
        fail(client, user)
    clock.shift(timedelta(seconds=1))
    response = password_login(client, user.email)
    assert response.status_code == 302
    assert signed_in_user_id(client) == user.pk


def test_ten_failures_lock_the_account(world, clock):
    user = world.member("sales")
    client = english_client()
    lock(client, user, clock)
    [locked] = events("login_locked", user)
    assert locked.chain == chain_of(world.org_a.pk, Action.LOGIN_LOCKED)
    assert len(events("login_failed", user)) == 10
    # Still locked a week later, with a message that says what to do.
    clock.shift(timedelta(days=7))
    response = password_login(client, user.email)
    assert form_error_codes(response) == ["locked"]
    page = response.content.decode()
    assert "This account is locked after too many failed attempts." in page
    assert "Reset your password or ask an administrator to unlock it." in page
    assert signed_in_user_id(client) is None
    assert events("login", user) == []
    assert len(events("login_locked", user)) == 1


def test_attempts_that_never_reported_back_still_lock(world, ui_as):
    """Ten attempts counted with no answer (a worker killed during the hash):
    the next one finds the account locked, and so do the administrators."""
    user = world.member("sales")
    User.objects.filter(pk=user.pk).update(failed_logins=10)
    response = password_login(Client(), user.email)
    assert form_error_codes(response) == ["locked"]
    user.refresh_from_db()
    assert user.locked_at is not None
    assert len(events("login_locked", user)) == 1
    assert 'name="unlock"' in ui_as("admin").get("/members/").content.decode()


def test_a_user_in_two_organisations_is_journalled_in_both(world, clock):
    user = world.member("support")
    Membership.objects.create(organisation=world.org_b, user=user, role="sales")
    lock(Client(), user, clock)
    [in_a, in_b] = sorted(events("login_locked", user), key=lambda e: e.organisation_id)
    assert {in_a.organisation_id, in_b.organisation_id} == {world.org_a.pk, world.org_b.pk}


def test_a_secondary_address_is_throttled_like_the_primary(world, clock):
    user = world.member("sales")
    secondary = f"autre.{user.pk}@example.test"
    EmailAddress.objects.create(user=user, email=secondary, verified=True, primary=False)
    client = Client()
    for failures in range(10):
        response = password_login(client, secondary, WRONG)
        assert form_error_codes(response) == ["email_password_mismatch"]
        if failures >= 4:
            clock.shift(timedelta(seconds=2 ** (failures - 4)))
    user.refresh_from_db()
    assert user.locked_at is not None
    assert form_error_codes(password_login(client, secondary)) == ["locked"]
    assert form_error_codes(password_login(client, user.email)) == ["locked"]


def test_an_administrator_unlocks_from_the_members_page(world, clock, ui_as):
    user = world.member("sales")
    lock(Client(), user, clock)
    admin = world.member("admin")
    membership = Membership.objects.of(world.org_a).get(user=user)
    client = ui_as("admin")
    page = client.get("/members/").content.decode()
    assert f'action="/members/{membership.pk}/"' in page
    assert 'name="unlock"' in page

    response = client.post(f"/members/{membership.pk}/", {"unlock": ""})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.locked_at, user.failed_logins, user.last_failed_login_at) == (None, 0, None)
    [unlock] = events("unlock", user)
    assert unlock.actor_user_id == admin.pk
    assert unlock.chain == chain_of(world.org_a.pk)
    assert 'name="unlock"' not in client.get("/members/").content.decode()

    login = Client()
    assert password_login(login, user.email).status_code == 302
    assert signed_in_user_id(login) == user.pk


@pytest.mark.parametrize("role", ["sales", "auditor"])
def test_a_member_without_the_right_cannot_unlock(world, clock, ui_as, role):
    user = world.member("accountant")
    lock(Client(), user, clock)
    membership = Membership.objects.of(world.org_a).get(user=user)
    response = ui_as(role).post(f"/members/{membership.pk}/", {"unlock": ""})
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.locked_at is not None
    assert events("unlock", user) == []


def test_another_organisations_owner_cannot_unlock(world, clock):
    user = world.member("sales")
    lock(Client(), user, clock)
    membership = Membership.objects.of(world.org_a).get(user=user)
    enrol_totp(world.owner_b)
    client = Client()
    client.force_login(world.owner_b)
    assert client.post(f"/members/{membership.pk}/", {"unlock": ""}).status_code == 404
    user.refresh_from_db()
    assert user.locked_at is not None


def test_a_password_reset_unlocks(world, clock):
    user = world.member("sales")
    lock(Client(), user, clock)
    client = Client()
    response = client.get(password_reset_link(user.email))
    assert response.status_code == 302  # allauth moves the key into the session
    response = client.post(
        response["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302, response.content
    user.refresh_from_db()
    assert (user.locked_at, user.failed_logins, user.last_failed_login_at) == (None, 0, None)
    assert user.check_password(NEW_PASSWORD)
    [unlock] = events("unlock", user)
    assert unlock.actor_user_id == user.pk

    login = Client()
    assert form_error_codes(password_login(login, user.email)) == ["email_password_mismatch"]
    assert password_login(login, user.email, NEW_PASSWORD).status_code == 302
    assert signed_in_user_id(login) == user.pk


def test_a_password_reset_without_a_lock_journals_no_unlock(world):
    user = world.member("sales")
    fail(Client(), user)
    client = Client()
    response = client.get(password_reset_link(user.email))
    client.post(response["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert user.failed_logins == 0
    assert events("unlock", user) == []


def test_a_locked_account_cannot_reauthenticate_either(world, clock):
    """The lock holds for a session that was open before it."""
    user = world.member("sales")
    session = Client()
    session.force_login(user)
    lock(Client(), user, clock)
    response = session.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 200
    assert "locked" in form_error_codes(response)


def test_an_inactive_account_is_refused(db):
    user = UserFactory(is_active=False)
    client = Client()
    response = password_login(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/inactive/"
    assert signed_in_user_id(client) is None


def test_a_burst_of_parallel_attempts_does_not_slip_past_the_rule(tmp_path):
    """Twenty attempts at one instant: only the five the rule allows without a
    delay get their password checked, the others are refused. (Checking first
    and counting after the slow hash let all twenty through.)"""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPTOIR_", "DJANGO_"))}
    env.update(COMPTOIR_VAR_DIR=str(tmp_path), COMPTOIR_ALLOWED_HOSTS="testserver")
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "tests.accounts.login_burst"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {"answers": {"checked": 5, "throttled": 15}, "failed_logins": 5}
