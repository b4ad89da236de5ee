"""Members in the browser: the add form makes the person choose a role, and
removing a member goes through a confirmation page (no JavaScript needed)."""

import pytest
from playwright.sync_api import Page, expect

from comptoir.tenancy.models import Membership
from tests.conftest import enrol_totp
from tests.web.conftest import login, screenshot, unlabelled_fields

pytestmark = pytest.mark.browser


def test_adding_needs_a_chosen_role_and_removing_asks_first(page: Page, site, world):
    owner = world.member("owner")
    login(page, site, owner.email, totp_secret=enrol_totp(owner))
    page.goto(f"{site}/members/")
    role = page.locator("main form.stacked select[name=role]")
    expect(role).to_have_value("")
    page.locator("main form.stacked input[name=email]").fill("sans.role@example.test")
    page.locator("main form.stacked button[type=submit]").click()
    expect(page.locator("main form.stacked .errorlist")).to_contain_text(
        "Choisissez le rôle du nouveau membre."
    )
    screenshot(page, "members-role-required")

    sales = world.member("sales")
    target = Membership.objects.of(world.org_a).get(user=sales)
    page.locator("tbody tr", has_text=sales.email).locator("a.danger").click()
    expect(page).to_have_url(f"{site}/members/{target.pk}/remove/")
    expect(page.locator("#remove-question")).to_contain_text(sales.email)
    assert unlabelled_fields(page) == []
    screenshot(page, "member-remove-confirm")
    assert Membership.objects.of(world.org_a).filter(pk=target.pk).exists()

    page.locator("main a.secondary").click()  # cancel
    expect(page).to_have_url(f"{site}/members/")
    assert Membership.objects.of(world.org_a).filter(pk=target.pk).exists()

    page.locator("tbody tr", has_text=sales.email).locator("a.danger").click()
    page.locator("#confirm-remove").click()
    expect(page).to_have_url(f"{site}/members/")
    expect(page.locator(".messages")).to_contain_text("Le membre a été retiré.")
    expect(page.locator("tbody")).not_to_contain_text(sales.email)
    assert not Membership.objects.of(world.org_a).filter(pk=target.pk).exists()
