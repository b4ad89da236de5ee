"""Payments in a real browser: an accountant reads a client's account on its page,
records a payment settling two invoices (one overdue), sees what is left as
credit; support sees the party without any amount; the home page's figures."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import login, screenshot, unlabelled_fields

pytestmark = pytest.mark.browser


def test_an_accountant_records_a_payment_from_the_party_page(
    page: Page, site, world, make_client, issued, pay
):
    client = make_client()
    overdue = issued(client, "1250.00", due=date.today() - timedelta(days=12))
    later = issued(client, "480.00", due=date.today() + timedelta(days=25))
    pay(client, "250.00", allocations=[(overdue, "250.00")], reference="CHQ 0042")

    login(page, site, world.member("accountant").email)
    screenshot(page, "payments-home-accountant")
    expect(page.locator("#dashboard-finance")).to_be_visible()
    page.goto(f"{site}/parties/{client.pk}/")
    expect(page.locator("#client-account")).to_be_visible()
    expect(page.locator("#account-balance")).to_contain_text("1 480,00")
    screenshot(page, "payments-party-account")

    page.locator("#record-payment").click()
    expect(page).to_have_url(re.compile(rf"/invoicing/payments/new/{client.pk}/$"))
    assert unlabelled_fields(page) == []
    page.locator("#id_amount").fill("1 500,00")
    page.locator("#id_method").select_option("transfer")
    page.locator("#id_reference").fill("VIR 2026-123")
    page.locator(f"#id_allocate_{overdue.pk}").fill("1000,01")  # one cent too many
    page.locator(f"#id_allocate_{later.pk}").fill("480")
    page.locator("#save").click()
    expect(page.locator(".form-errors")).to_contain_text(overdue.number)
    screenshot(page, "payments-form-error")
    page.locator(f"#id_allocate_{overdue.pk}").fill("1000")
    page.locator("#save").click()
    expect(page).to_have_url(re.compile(r"/invoicing/payments/\d+/$"))
    expect(page.locator("#payment-unallocated")).to_contain_text("20,00")
    screenshot(page, "payments-detail")

    page.goto(f"{site}/invoicing/accounts/{client.pk}/")
    expect(page.locator("#account-balance")).to_contain_text("-20,00")
    screenshot(page, "payments-account")
    page.goto(f"{site}/invoicing/payments/")
    screenshot(page, "payments-list")


def test_support_sees_no_amount(page: Page, site, world, make_client, issued):
    client = make_client()
    issued(client, "1250.00", due=date.today() - timedelta(days=12))
    login(page, site, world.member("support").email)
    expect(page.locator("#dashboard-finance")).to_have_count(0)
    page.goto(f"{site}/parties/{client.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(client.company_name)
    expect(page.locator("#client-account")).to_have_count(0)
    assert "€" not in page.content()
    screenshot(page, "payments-party-support")
