"""Sessions (HttpOnly, SameSite=Lax, Secure behind HTTPS, 30-minute idle
timeout), security headers, and Django's deployment checks."""

import json
import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client

from tests.accounts.conftest import (
    MFA_AUTHENTICATE_URL,
    password_login,
    signed_in_user_id,
    totp_code,
)
from tests.conftest import enrol_totp

IDLE = timedelta(minutes=30)


# --- Session cookie and idle timeout ---------------------------------------------


def test_the_session_cookie_is_httponly_lax_and_lasts_the_idle_timeout(world):
    client = Client()
    response = password_login(client, world.member("sales").email)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    # A lifetime (DOMAIN.md §4), the idle timeout: not a browser-session
    # cookie, which a browser restoring its tabs may keep for ever.
    assert cookie["max-age"] == 30 * 60
    assert cookie["expires"] != ""
    assert cookie["secure"] == ""  # plain HTTP here: see the HTTPS settings test below
    csrf = Client().get("/accounts/login/").cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["samesite"] == "Lax"


def test_the_session_ends_after_thirty_idle_minutes(world, clock):
    user = world.member("sales")
    client = Client()
    password_login(client, user.email)
    clock.shift(IDLE - timedelta(seconds=5))
    assert client.get("/").status_code == 200
    assert signed_in_user_id(client) == user.pk
    clock.shift(IDLE + timedelta(seconds=5))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert signed_in_user_id(client) is None


def test_each_request_extends_the_session(world, clock):
    user = world.member("sales")
    client = Client()
    password_login(client, user.email)
    for _ in range(6):  # three hours of work, never thirty minutes apart
        clock.shift(IDLE - timedelta(minutes=1))
        assert client.get("/").status_code == 200
    assert signed_in_user_id(client) == user.pk


def test_a_second_factor_step_left_idle_also_expires(world, clock):
    owner = world.member("owner")
    enrol_totp(owner)
    client = Client()
    assert password_login(client, owner.email)["Location"] == MFA_AUTHENTICATE_URL
    clock.shift(IDLE + timedelta(seconds=5))
    response = client.get(MFA_AUTHENTICATE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- Headers -------------------------------------------------------------------


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.fixture
def pages(world, ui_as):
    """A few pages of each kind: allauth's, Comptoir's, the API's."""
    anonymous = Client()
    owner = ui_as("owner")
    return [
        anonymous.get("/accounts/login/"),
        anonymous.get("/accounts/password/reset/"),
        owner.get("/"),
        owner.get("/tokens/"),
        owner.get("/members/"),
        anonymous.get("/api/organisation"),
    ]


def test_security_headers_on_every_kind_of_page(pages):
    for response in pages:
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        directives = csp_directives(response)
        assert directives["script-src"] == ["'self'"]
        assert directives["default-src"] == ["'self'"]
        assert directives["object-src"] == ["'none'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["base-uri"] == ["'self'"]
        assert directives["form-action"] == ["'self'"]
        header = response["Content-Security-Policy"]
        assert "unsafe-inline" not in header
        assert "unsafe-eval" not in header


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def test_the_pages_need_no_inline_script(world, clock):
    """The CSP forbids inline scripts: the pages must not rely on any."""
    owner = world.member("owner")
    secret = enrol_totp(owner)
    step = Client()
    password_login(step, owner.email)
    mfa_page = step.get(MFA_AUTHENTICATE_URL)
    step.post(MFA_AUTHENTICATE_URL, {"code": totp_code(secret)})
    responses = [
        Client().get("/accounts/login/"),
        mfa_page,
        step.get("/"),
        step.get("/tokens/"),
        step.get("/members/"),
        step.get("/audit/"),
        step.get("/accounts/2fa/"),
        step.get("/accounts/password/change/"),
    ]
    for response in responses:
        assert response.status_code == 200, response.request["PATH_INFO"]
        html = response.content.decode()
        assert not INLINE_SCRIPT.findall(html), response.request["PATH_INFO"]
        assert not INLINE_HANDLER.findall(html), response.request["PATH_INFO"]


# --- Production settings, read in a fresh process ---------------------------------


def production_env(tmp_path, **extra) -> dict[str, str]:
    # A clean environment: nothing of this test run's own (COMPTOIR_*, or
    # DJANGO_ALLOW_ASYNC_UNSAFE that the browser tests set) leaks into it.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPTOIR_", "DJANGO_"))}
    env.update(
        COMPTOIR_VAR_DIR=str(tmp_path),
        COMPTOIR_SECRET_KEY=secrets.token_urlsafe(60)[:60],
        **extra,
    )
    return env


def read_settings(env: dict[str, str]) -> dict:
    code = (
        "import json, django, os;"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'comptoir.settings');"
        "django.setup();"
        "from django.conf import settings as s;"
        "print(json.dumps({k: getattr(s, k) for k in ["
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT',"
        "'SECURE_HSTS_SECONDS', 'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE',"
        "'SESSION_COOKIE_AGE', 'SESSION_SAVE_EVERY_REQUEST', 'PASSWORD_HASHERS',"
        "'DEBUG']}))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_cookies_are_secure_behind_https(tmp_path):
    https = read_settings(production_env(tmp_path, COMPTOIR_HTTPS="1"))
    assert https["SESSION_COOKIE_SECURE"] is True
    assert https["CSRF_COOKIE_SECURE"] is True
    assert https["SECURE_SSL_REDIRECT"] is True
    assert https["SECURE_HSTS_SECONDS"] >= 31536000
    assert https["SESSION_COOKIE_HTTPONLY"] is True
    assert https["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert https["SESSION_COOKIE_AGE"] == 30 * 60
    assert https["SESSION_SAVE_EVERY_REQUEST"] is True
    assert https["PASSWORD_HASHERS"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert https["DEBUG"] is False

    plain = read_settings(production_env(tmp_path))
    assert plain["SESSION_COOKIE_SECURE"] is False


def deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "comptoir.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = deploy_check(production_env(tmp_path, COMPTOIR_HTTPS="1"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_without_https(tmp_path):
    """The same check does look: without HTTPS it names what is missing."""
    result = deploy_check(production_env(tmp_path))
    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout  # no HSTS
    assert "security.W008" in result.stderr + result.stdout  # no HTTPS redirect
