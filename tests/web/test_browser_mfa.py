"""An owner's first sign-in: forced TOTP enrolment, then a two-step sign-in, then English."""

import re

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD
from tests.web.conftest import screenshot, totp_code

pytestmark = pytest.mark.browser


def test_owner_enrols_totp_signs_in_with_it_and_switches_to_english(page: Page, site, world):
    owner = world.member("owner")

    # Password sign-in; an owner without a second factor is sent to enrol one.
    page.goto(f"{site}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    screenshot(page, "login")
    page.get_by_label("Courriel").fill(owner.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()

    # Straight to the enrolment: a fresh sign-in needs no second password.
    expect(page).to_have_url(f"{site}/accounts/2fa/totp/activate/")

    # Nothing else is reachable before enrolment.
    page.goto(f"{site}/members/")
    expect(page).to_have_url(f"{site}/accounts/2fa/totp/activate/")

    # The secret is on the page; the test plays the authenticator app.
    secret_box = page.locator("#authenticator_secret")
    expect(secret_box).to_have_value(re.compile(r"^[A-Z2-7]{32}$"))
    screenshot(page, "totp-activate")
    secret = secret_box.input_value()
    page.locator("input[name=code]").fill(totp_code(secret))
    page.locator("main form button[type=submit]").click()

    # allauth shows the recovery codes generated with the first authenticator.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/(recovery-codes/)?$"))
    if "recovery-codes" in page.url:
        codes = page.locator("#recovery_codes")
        expect(codes).to_have_value(re.compile(r"\w"))
        screenshot(page, "recovery-codes")
    assert Authenticator.objects.filter(user=owner, type=Authenticator.Type.TOTP).exists()

    # Sign out, then in again: password first, then the current TOTP code.
    page.goto(f"{site}/")
    page.locator("#logout").click()
    expect(page).to_have_url(f"{site}/accounts/login/")
    page.get_by_label("Courriel").fill(owner.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    expect(page).to_have_url(f"{site}/accounts/2fa/authenticate/")
    screenshot(page, "totp-authenticate")
    page.locator("input[name=code]").fill(totp_code(secret))
    page.get_by_role("button", name="Connexion").click()

    expect(page).to_have_url(f"{site}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(world.org_a.legal_name)
    expect(page.locator("#logout")).to_be_visible()
    screenshot(page, "home")

    # French, the default, to English with the language form.
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator(".messages")).to_contain_text("Connexion avec")
    page.locator("#language-select").select_option("en")
    page.locator("#language-submit").click()
    expect(page).to_have_url(f"{site}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#language-select")).to_have_value("en")
    expect(page.locator("main")).to_contain_text("You are signed in with the role: Owner.")
    screenshot(page, "home-en")
    # The language sticks for the rest of the session, allauth's pages included.
    page.get_by_role("link", name="Two-factor authentication").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-Factor Authentication")
    expect(page.get_by_role("heading", name="Authenticator App")).to_be_visible()
    screenshot(page, "mfa-en")
