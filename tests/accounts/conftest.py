"""Helpers for the accounts tests: the real allauth login form, TOTP codes,
and a clock that moves only when told to."""

import re
import time
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.auth import get_user
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from comptoir.audit.models import AuditEvent
from tests.factories import PASSWORD

LOGIN_URL = "/accounts/login/"
MFA_AUTHENTICATE_URL = "/accounts/2fa/authenticate/"


@pytest.fixture(autouse=True)
def _empty_cache():
    """allauth keeps rate limits and used TOTP codes in the cache: each test
    starts with an empty one, so no test depends on another."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(time_machine):
    """Time stands still at the present moment until the test shifts it."""
    time_machine.move_to(timezone.now(), tick=False)
    return time_machine


def english_client() -> Client:
    """A visitor reading English, so that messages can be compared as text."""
    return Client(headers={"Accept-Language": "en"})


def password_login(client: Client, email: str, password: str = PASSWORD):
    """POST allauth's own login form."""
    return client.post(LOGIN_URL, {"login": email, "password": password})


def form_error_codes(response) -> list[str]:
    """The codes of the login form's errors (empty when the form was accepted)."""
    if response.context is None or "form" not in response.context:
        return []
    return [e.code for errors in response.context["form"].errors.as_data().values() for e in errors]


def totp_code(secret: str) -> str:
    """The RFC 6238 code of this instant, with allauth's own HOTP helpers."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def signed_in_user_id(client: Client) -> int | None:
    """Who the session belongs to, asked through the application itself."""
    user = get_user(SimpleNamespace(session=client.session))
    return user.pk if user.is_authenticated else None


def events(action: str, user) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=action, object_type="accounts.User", object_id=str(user.pk)
        ).order_by("chain", "seq")
    )


def password_reset_link(email: str) -> str:
    """Ask for a reset through allauth's form and return the path the mail links to."""
    mail.outbox.clear()
    response = Client().post("/accounts/password/reset/", {"email": email})
    assert response.status_code == 302, response.content
    assert len(mail.outbox) == 1
    url = re.search(r"https?://\S+/accounts/password/reset/key/\S+", mail.outbox[0].body)
    assert url is not None, mail.outbox[0].body
    return urlparse(url.group(0)).path
