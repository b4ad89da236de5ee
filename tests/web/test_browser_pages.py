"""The organisation switcher, the keyboard, labels, and the pages an owner manages."""

import re

import pytest
from playwright.sync_api import Page, expect

from comptoir.tenancy.models import Membership
from comptoir.tenancy.roles import Role
from tests.conftest import enrol_totp
from tests.factories import PASSWORD
from tests.web.conftest import login, screenshot, unlabelled_fields

pytestmark = pytest.mark.browser


def nav_link(page: Page, path: str):
    """A link of the main menu, found by where it goes (its text is translated)."""
    return page.locator(f"header nav a[href='{path}']")


def test_sales_member_of_two_organisations_switches_between_them(page: Page, site, world):
    sales = world.member("sales")
    Membership.objects.create(organisation=world.org_b, user=sales, role=Role.SALES)

    login(page, site, sales.email)
    switcher = page.locator("#organisation-switch")
    current = switcher.input_value()
    other = world.org_b if current == str(world.org_a.pk) else world.org_a
    expect(page.get_by_role("heading", level=1)).not_to_have_text(other.legal_name)
    screenshot(page, "home-switcher")

    switcher.select_option(str(other.pk))
    page.locator("#organisation-submit").click()

    expect(page).to_have_url(f"{site}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(other.legal_name)
    expect(switcher).to_have_value(str(other.pk))
    # The choice is kept in the session, not just on this page.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(other.legal_name)


def test_login_form_works_from_the_keyboard_alone(page: Page, site, world):
    sales = world.member("sales")
    page.goto(f"{site}/accounts/login/")
    assert unlabelled_fields(page) == []

    # The first stop is the skip link, and it shows itself when focused.
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()

    email = page.locator("input[name=login]")
    for _ in range(10):
        if email.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(email).to_be_focused()
    page.keyboard.type(sales.email)
    page.keyboard.press("Tab")
    expect(page.locator("input[name=password]")).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{site}/")
    expect(page.locator("#logout")).to_be_visible()


def test_owner_pages_have_labelled_fields_and_work(page: Page, site, world):
    owner = world.member("owner")
    secret = enrol_totp(owner)
    login(page, site, owner.email, totp_secret=secret)

    # Members: the table, one role form per row, the form to add a member.
    nav_link(page, "/members/").click()
    expect(page).to_have_url(f"{site}/members/")
    expect(page.locator("tbody tr")).to_have_count(len(world.members))
    assert unlabelled_fields(page) == []
    # Each row's buttons say which member they act on.
    sales_row = page.locator("tbody tr", has_text=world.member("sales").email)
    expect(sales_row.locator("a.danger")).to_have_accessible_description(
        world.member("sales").email
    )
    screenshot(page, "members")

    page.locator("main form.stacked input[name=email]").fill("nouveau.membre@example.test")
    page.locator("main form.stacked select[name=role]").select_option(Role.SUPPORT.value)
    page.locator("main form.stacked button[type=submit]").click()
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator("tbody")).to_contain_text("nouveau.membre@example.test")

    # API tokens: create one, see it once.
    nav_link(page, "/tokens/").click()
    expect(page).to_have_url(f"{site}/tokens/")
    assert unlabelled_fields(page) == []
    screenshot(page, "tokens-empty")
    form = page.locator("main form.stacked")
    form.locator("input[name=name]").fill("Intégration comptable")
    form.locator("button[type=submit]").click()
    expect(page.locator("#new-token")).to_have_text(re.compile(r"\S{20,}"))
    expect(page.locator("tbody")).to_contain_text("Intégration comptable")
    assert unlabelled_fields(page) == []
    screenshot(page, "tokens")

    # Audit journal: the listings just made are in it, and the filter works.
    nav_link(page, "/audit/").click()
    expect(page).to_have_url(f"{site}/audit/")
    expect(page.locator("tbody tr").first).not_to_contain_text("No event")
    assert unlabelled_fields(page) == []
    screenshot(page, "audit")
    page.locator("#id_action").select_option("token_create")
    page.locator("main form.filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/audit/\?.*action=token_create"))
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("main main")).to_have_count(0)
    screenshot(page, "audit-filtered")
