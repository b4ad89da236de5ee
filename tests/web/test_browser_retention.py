"""The retention page in a browser: the privacy manager sets the organisation's
own period for prospects, sees it applied, and a legal hold refuses to shrink."""

import pytest
from playwright.sync_api import Page, expect

from comptoir.privacy import retention
from comptoir.privacy.records.retention import effective_rule
from comptoir.privacy.retention import Duration
from tests.conftest import enrol_totp
from tests.web.conftest import login, screenshot, unlabelled_fields

pytestmark = pytest.mark.browser


def test_a_privacy_manager_sets_an_own_period(page: Page, site, world):
    owner = world.member("owner")
    login(page, site, owner.email, enrol_totp(owner))
    page.goto(f"{site}/privacy/")
    page.locator("#privacy-sections a[href='/privacy/records/retention/']").click()
    assert unlabelled_fields(page) == []
    row = page.locator("#rule-prospect")
    row.locator("input[name=months]").fill("24")
    row.locator("button[type=submit]").first.click()
    expect(page.locator("#rule-prospect")).to_contain_text("2 years")
    screenshot(page, "retention-periods")
    assert effective_rule(world.org_a, retention.PROSPECT).duration == Duration(months=24)

    held = page.locator("#rule-accounting")
    held.locator("input[name=months]").fill("12")
    held.locator("button[type=submit]").first.click()
    expect(page.locator("#rule-accounting")).to_contain_text("La loi impose")
    screenshot(page, "retention-legal-hold-refused")
    assert effective_rule(world.org_a, retention.ACCOUNTING) == retention.ACCOUNTING
