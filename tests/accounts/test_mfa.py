"""Second factor (allauth.mfa): TOTP and recovery codes, required of owners and
administrators, with secrets sealed at rest."""

import base64

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from cryptography.exceptions import InvalidTag
from django.db import connection
from django.test import Client

from comptoir.accounts.adapters import MfaAdapter
from comptoir.tenancy.middleware import SESSION_KEY
from comptoir.tenancy.models import Membership
from comptoir.tenancy.roles import Role
from tests.accounts.conftest import (
    MFA_AUTHENTICATE_URL,
    events,
    form_error_codes,
    password_login,
    signed_in_user_id,
    totp_code,
)
from tests.conftest import enrol_totp

ACTIVATE_URL = "/accounts/2fa/totp/activate/"


def raw_authenticator_data(authenticator: Authenticator) -> str:
    """The column exactly as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT data FROM {Authenticator._meta.db_table} WHERE id = %s",  # noqa: S608
            [authenticator.pk],
        )
        (value,) = cursor.fetchone()
    return value if isinstance(value, str) else str(value)


def enrol_through_the_pages(client: Client) -> str:
    """Activate TOTP on allauth's page, as a person with an app would; returns the secret.

    Right after signing in, the page opens without asking for the password
    again (a fresh sign-in is a recent authentication)."""
    response = client.get(ACTIVATE_URL)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == ACTIVATE_URL
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(ACTIVATE_URL, {"code": totp_code(secret)})
    assert response.status_code == 302, form_error_codes(response)
    return secret


def test_the_totp_secret_is_sealed_in_the_database(world, clock):
    owner = world.member("owner")
    client = Client()
    assert password_login(client, owner.email).status_code == 302
    secret = enrol_through_the_pages(client)

    totp = Authenticator.objects.get(user=owner, type=Authenticator.Type.TOTP)
    raw = raw_authenticator_data(totp)
    assert secret not in raw
    assert secret.lower() not in raw.lower()
    assert base64.b32decode(secret).hex() not in raw.lower()
    assert MfaAdapter().decrypt(totp.data["secret"]) == secret

    # The recovery codes' seed too: neither it nor any code is in the row.
    recovery = Authenticator.objects.get(user=owner, type=Authenticator.Type.RECOVERY_CODES)
    raw_recovery = raw_authenticator_data(recovery)
    seed = MfaAdapter().decrypt(recovery.data["seed"])
    assert seed not in raw_recovery
    assert not any(code in raw_recovery for code in RecoveryCodes(recovery).generate_codes())


def test_a_sealed_secret_does_not_open_once_altered(world):
    sealed = MfaAdapter().encrypt("JBSWY3DPEHPK3PXP")
    assert sealed != MfaAdapter().encrypt("JBSWY3DPEHPK3PXP")  # a fresh nonce each time
    body = bytearray(base64.b64decode(sealed[3:]))
    body[-1] ^= 1
    with pytest.raises(InvalidTag):
        MfaAdapter().decrypt("v1:" + base64.b64encode(bytes(body)).decode())
    with pytest.raises(ValueError):
        MfaAdapter().decrypt("JBSWY3DPEHPK3PXP")


def test_login_asks_for_the_totp_code_then_signs_in(world, clock):
    owner = world.member("owner")
    secret = enrol_totp(owner)
    client = Client()
    response = password_login(client, owner.email)
    assert response.status_code == 302
    assert response["Location"] == MFA_AUTHENTICATE_URL
    # The password alone opens nothing.
    assert signed_in_user_id(client) is None
    assert client.get("/").status_code == 302
    assert events("login", owner) == []

    response = client.post(MFA_AUTHENTICATE_URL, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_user_id(client) == owner.pk
    assert client.get("/").status_code == 200
    assert len(events("login", owner)) == 1


def test_a_wrong_totp_code_signs_nobody_in(world, clock):
    admin = world.member("admin")
    secret = enrol_totp(admin)
    client = Client()
    password_login(client, admin.email)
    right = totp_code(secret)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post(MFA_AUTHENTICATE_URL, {"code": wrong})
    assert response.status_code == 200
    assert form_error_codes(response) == ["incorrect_code"]
    assert signed_in_user_id(client) is None
    assert events("login", admin) == []


def test_a_totp_code_works_once(world, clock):
    owner = world.member("owner")
    secret = enrol_totp(owner)
    code = totp_code(secret)
    first = Client()
    password_login(first, owner.email)
    assert first.post(MFA_AUTHENTICATE_URL, {"code": code}).status_code == 302
    second = Client()
    password_login(second, owner.email)
    response = second.post(MFA_AUTHENTICATE_URL, {"code": code})
    assert form_error_codes(response) == ["incorrect_code"]
    assert signed_in_user_id(second) is None


def test_a_recovery_code_signs_in_once(world, clock):
    owner = world.member("owner")
    enrol_totp(owner)
    codes = RecoveryCodes.activate(owner).generate_codes()
    client = Client()
    password_login(client, owner.email)
    assert client.post(MFA_AUTHENTICATE_URL, {"code": codes[3]}).status_code == 302
    assert signed_in_user_id(client) == owner.pk

    again = Client()
    password_login(again, owner.email)
    response = again.post(MFA_AUTHENTICATE_URL, {"code": codes[3]})
    assert form_error_codes(response) == ["incorrect_code"]
    assert again.post(MFA_AUTHENTICATE_URL, {"code": codes[4]}).status_code == 302


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN])
@pytest.mark.parametrize("path", ["/", "/members/", "/tokens/", "/audit/"])
def test_owners_and_admins_must_enrol_first(world, role, path):
    user = world.member(role)
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE_URL


@pytest.mark.parametrize("role", [Role.SALES, Role.ACCOUNTANT, Role.SUPPORT, Role.AUDITOR])
def test_other_roles_may_work_without_a_second_factor(world, role):
    client = Client()
    client.force_login(world.member(role))
    assert client.get("/").status_code == 200


def test_an_owner_who_enrols_gets_in(world, clock):
    owner = world.member("owner")
    client = Client()
    response = password_login(client, owner.email)
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response["Location"] == ACTIVATE_URL
    enrol_through_the_pages(client)
    assert client.get("/").status_code == 200
    assert client.get("/members/").status_code == 200


def test_the_rule_follows_the_active_organisation(world):
    """A sales member of A who owns B must enrol before working in B."""
    user = world.member("sales")
    Membership.objects.create(organisation=world.org_b, user=user, role=Role.OWNER)
    client = Client()
    client.force_login(user)
    client.get("/")
    session = client.session
    session[SESSION_KEY] = world.org_a.pk
    session.save()
    assert client.get("/").status_code == 200
    assert client.post("/organisation/switch/", {"organisation": world.org_b.pk}).status_code == 302
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == ACTIVATE_URL


def test_enrolling_and_removing_totp_are_journalled(
    world, clock, django_capture_on_commit_callbacks
):
    owner = world.member("owner")
    client = Client()
    password_login(client, owner.email)
    with django_capture_on_commit_callbacks(execute=True):
        enrol_through_the_pages(client)
    [enrolled] = events("mfa_enrolled", owner)
    assert (enrolled.actor_user_id, enrolled.ip_address) == (owner.pk, "127.0.0.1")

    # An owner cannot switch the second factor off: Comptoir needs it.
    client.post("/accounts/2fa/totp/deactivate/")
    assert Authenticator.objects.filter(user=owner, type=Authenticator.Type.TOTP).exists()
    assert events("mfa_removed", owner) == []

    # Once no longer owner or admin anywhere, the same person may.
    Membership.objects.of(world.org_a).filter(user=owner).update(role="sales")
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=owner, type=Authenticator.Type.TOTP).exists()
    [removed] = events("mfa_removed", owner)
    assert removed.actor_user_id == owner.pk
