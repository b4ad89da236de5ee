"""Playwright on Debian's Chromium against pytest-django's live server.

The browser is the system one (never a downloaded build), launched with the
flags that keep it from reaching for the network. The live server runs in a
thread of this process, so the test data must be committed: browser tests use
``transactional_db`` (through ``live_server``), never the ``db`` rollback.
"""

import os
import re
import time
from pathlib import Path

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

# Playwright's sync API runs an event loop in the test thread; the ORM calls of
# the tests (factories, assertions) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Screenshots of the pages the tests walk through, for a person to look at.
SHOTS = Path(os.environ.get("COMPTOIR_SHOTS_DIR", "/tmp/shots"))  # noqa: S108


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A French-speaking visitor: Accept-Language asks for French, the default.
    return {
        **browser_context_args,
        "locale": "fr-FR",
        "timezone_id": "Europe/Paris",
        "viewport": {"width": 1280, "height": 800},
    }


@pytest.fixture(autouse=True)
def _browser_defaults(request):
    """For browser tests: fail within seconds, not minutes, when an element is missing.

    Every error the page reports (a script or style the strict CSP refused, a
    script error, a failed resource) fails the test."""
    if request.node.get_closest_marker("browser") is None:
        yield
        return
    page: Page = request.getfixturevalue("page")
    page.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)
    errors: list[str] = []

    def on_console(msg):
        source = msg.location.get("url")
        if source == page.url and msg.text.startswith("Failed to load resource"):
            return  # the page itself answered 4xx: that is for the test to judge
        if msg.type == "error":
            errors.append(f"{page.url}: {msg.text} (from {source})")

    def on_response(response):
        if response.status >= 400 and response.request.resource_type != "document":
            errors.append(f"{page.url}: {response.status} on {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    page.on("response", on_response)
    yield
    assert errors == [], f"the browser reported errors: {errors}"


@pytest.fixture
def site(live_server, settings):
    """The live server's base URL, with a clean cache and a one-step TOTP tolerance.

    Used TOTP codes and rate limits live in the cache, so each test starts with
    an empty one. The tolerance lets a code computed just before a 30-second
    boundary still be accepted just after it: no test depends on the clock.
    """
    settings.MFA_TOTP_TOLERANCE = 1
    cache.clear()
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield live_server.url
    cache.clear()


def totp_code(secret: str) -> str:
    """The current RFC 6238 code for a base32 secret (allauth's own HOTP helpers)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))


def screenshot(page: Page, name: str) -> None:
    # caret="initial": Playwright's default caret hiding leaves style="" on the
    # inputs, which htmx then copies on a swap and the strict CSP refuses.
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True, caret="initial")


def password_login(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()


def login(page: Page, base_url: str, email: str, totp_secret: str | None = None) -> None:
    """Sign in through the real forms, answering the TOTP step when asked."""
    password_login(page, base_url, email)
    if totp_secret is not None:
        expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
        page.locator("input[name=code]").fill(totp_code(totp_secret))
        page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(f"{base_url}/")


def unlabelled_fields(page: Page) -> list[str]:
    """The visible form fields of the page that no <label> names."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('input, select, textarea'))
            .filter(el => !['hidden', 'submit', 'button', 'reset'].includes(el.type))
            .filter(el => !Array.from(el.labels || []).some(l => l.textContent.trim()))
            .map(el => el.outerHTML)"""
    )
