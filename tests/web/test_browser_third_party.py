"""No third-party request (issue #14, DOMAIN.md §4's technical cookies only):
Chromium signs in and walks the main pages (the dashboard, a party, an
invoice and its PDF, the privacy register, the API docs, the cookies notice,
the public rights-request page), every request it makes is recorded, and
none leaves the live server; every page's Content-Security-Policy names no
other origin, and the only cookies in the browser are the three technical
ones, each expiring within 24 hours."""

import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from comptoir.privacy.requests import services as requests_services
from tests.conftest import enrol_totp
from tests.web.conftest import login
from tests.web.invoiced import invoiced_client

pytestmark = pytest.mark.browser

LOCAL_HOSTS = {"localhost", "127.0.0.1"}
# What a CSP source may be: a keyword or a scheme with no host (data: images).
LOCAL_SOURCES = {"'self'", "'none'", "data:"}


def test_no_page_asks_anything_of_another_site(page: Page, site, world):
    party, invoice = invoiced_client(world)
    desk = requests_services.request_desk_get(organisation=world.org_a)
    owner = world.member("owner")
    secret = enrol_totp(owner)
    requested: list[str] = []
    policies: dict[str, str] = {}
    page.on("request", lambda request: requested.append(request.url))

    def on_response(response):
        if response.request.resource_type == "document":
            policies[response.url] = response.headers.get("content-security-policy", "")

    page.on("response", on_response)

    # The first page waits longer: Chromium's first start and the live
    # server's first request (importing every view) on a busy machine.
    page.goto(f"{site}/accounts/login/", timeout=60_000)
    login(page, site, owner.email, totp_secret=secret)
    for path in (
        "/",
        "/parties/",
        f"/parties/{party.pk}/",
        "/invoicing/invoices/",
        f"/invoicing/invoices/{invoice.pk}/",
        "/privacy/",
        "/privacy/register/",
        "/api/docs",
        "/cookies/",
        f"/privacy/requests/p/{desk.slug}/",
    ):
        page.goto(f"{site}{path}")
        page.wait_for_load_state("networkidle")
        expect(page.locator("footer.site a#cookies-link")).to_have_count(1)
        # What the page asks for, even what the CSP kept the browser from requesting.
        requested += page.evaluate(
            """() => Array.from(document.querySelectorAll(
                'script[src], link[href]:not([rel~="alternate"]), img[src], iframe[src],'
                + ' source[src], video[src], audio[src], object[data], embed[src]'))
                .map(el => el.src || el.href || el.data)"""
        )
    # The invoice's PDF, from its link.
    page.goto(f"{site}/invoicing/invoices/{invoice.pk}/")
    with page.expect_download() as download:
        page.locator("#download-pdf").click()
    assert download.value.suggested_filename.endswith(".pdf")

    cookies = page.context.cookies()
    page.locator("#logout").click()
    page.goto(f"{site}/privacy/requests/p/{desk.slug}/")
    page.wait_for_load_state("networkidle")

    paths = {urlsplit(url).path for url in requested}
    assert {"/", f"/parties/{party.pk}/", "/privacy/register/", "/api/openapi.json"} <= paths
    assert f"/invoicing/invoices/{invoice.pk}/file/facturx/" in paths
    elsewhere = sorted(
        url
        for url in requested
        if urlsplit(url).scheme not in ("data", "blob")
        and urlsplit(url).hostname not in LOCAL_HOSTS
    )
    assert elsewhere == []

    assert len(policies) >= 10
    for url, policy in policies.items():
        assert policy, url
        sources = {word for part in policy.split(";") for word in part.split()[1:]}
        assert sources <= LOCAL_SOURCES, (url, sources - LOCAL_SOURCES)

    assert {cookie["name"] for cookie in cookies} <= {"sessionid", "csrftoken", "django_language"}
    assert "sessionid" in {cookie["name"] for cookie in cookies}
    for cookie in cookies:
        assert 0 < cookie["expires"] <= time.time() + 24 * 3600 + 60, cookie
