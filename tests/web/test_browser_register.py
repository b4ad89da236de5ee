"""The register of processing in a real browser: the owner goes from the privacy
hub to the register, adds a processor outside the EU, reads the sheet that now
shows the transfer, and downloads the PDF."""

import io

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.conftest import enrol_totp
from tests.web.conftest import SHOTS, login, screenshot, unlabelled_fields

pytestmark = pytest.mark.browser


def test_the_owner_reads_configures_and_downloads_the_register(page: Page, site, world):
    # The first request of the live server lays out no PDF yet but loads WeasyPrint
    # with the register's views: give it more than the suite's 10 seconds.
    page.set_default_timeout(60_000)
    owner = world.member("owner")
    secret = enrol_totp(owner)
    login(page, site, owner.email, secret)
    page.goto(f"{site}/privacy/")
    page.locator("#privacy-register a").click()
    expect(page.locator("#sheets li")).not_to_have_count(0)
    screenshot(page, "register")

    page.locator("a[href='/privacy/register/processors/']").click()
    assert unlabelled_fields(page) == []
    page.locator("#id_name").fill("Mailer Inc.")
    page.locator("#id_service").fill("Envoi des e-mails")
    page.locator("#id_country").fill("US")
    page.locator("#id_safeguard").select_option("scc")
    page.locator("#id_purposes input[value='contract_management']").check()
    page.locator("#add").click()
    expect(page.locator("#rows tbody tr")).to_have_count(1)
    screenshot(page, "register-processors")

    page.goto(f"{site}/privacy/register/sheets/contract_management/")
    expect(page.locator("dd.transfers")).to_contain_text("Mailer Inc.")
    screenshot(page, "register-sheet")

    page.goto(f"{site}/privacy/register/settings/")
    assert unlabelled_fields(page) == []
    screenshot(page, "register-settings")

    page.goto(f"{site}/privacy/register/")
    page.locator("#id_format").select_option("pdf")
    with page.expect_download() as caught:
        page.locator("#download").click()
    path = SHOTS / "register.pdf"
    caught.value.save_as(path)
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Mailer Inc." in text
