"""A person receives supplier e-invoices in the browser: an unknown supplier
confirmed, then an invoice that breaks the rules, kept and flagged."""

import re

import pytest
from playwright.sync_api import Page, expect

from comptoir.invoicing.models import SupplierBill
from tests.invoicing.receive.conftest import french_cii, new_siren, vat_of
from tests.invoicing.receive.files import facturx_pdf
from tests.web.conftest import login, screenshot, unlabelled_fields

pytestmark = pytest.mark.browser


def test_receiving_supplier_invoices(page: Page, site, world, organisation, tmp_path):
    siren = new_siren()
    pdf = tmp_path / "facture-menuiserie.pdf"
    pdf.write_bytes(facturx_pdf(french_cii(siren=siren, vat=vat_of(siren), name="Menuiserie Roux")))
    login(page, site, world.member("accountant").email)
    page.get_by_role("link", name="Factures fournisseurs", exact=True).click()
    expect(page).to_have_url(f"{site}/invoicing/supplier-bills/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Factures fournisseurs")
    assert unlabelled_fields(page) == []
    screenshot(page, "supplier-bills-empty")

    # An unknown supplier: nothing stored until the person confirms with the same file.
    page.locator("#bill-upload input[type=file]").set_input_files(str(pdf))
    page.locator("#bill-upload-submit").click()
    expect(page.locator("#unknown-supplier")).to_be_visible()
    expect(page.locator("#seller")).to_contain_text("Menuiserie Roux")
    expect(page.locator("#seller")).to_contain_text(siren)
    screenshot(page, "supplier-bills-confirm")
    assert not SupplierBill.objects.of(organisation).exists()
    page.locator("#bill-confirm input[type=file]").set_input_files(str(pdf))
    page.locator("#bill-confirm-submit").click()
    expect(page).to_have_url(re.compile(r"/invoicing/supplier-bills/\d+/$"))
    expect(page.locator("#bill-facts")).to_contain_text("Menuiserie Roux")
    expect(page.locator("#bill-totals")).to_contain_text("1440,00")
    expect(page.locator("#bill-lines")).to_contain_text("Conseil")
    expect(page.locator("#findings-none")).to_be_visible()
    screenshot(page, "supplier-bills-detail")

    # An altered invoice of the same supplier: kept, flagged in red.
    altered = tmp_path / "facture-2.xml"
    altered.write_bytes(
        french_cii(siren=siren, vat=vat_of(siren), number="F-2026-00050", total="1500.00")
    )
    page.get_by_role("link", name="Factures fournisseurs", exact=True).click()
    page.locator("#bill-upload input[type=file]").set_input_files(str(altered))
    page.locator("#bill-upload-submit").click()
    expect(page.locator("#fatal-banner")).to_be_visible()
    expect(page.locator("li.finding.fatal").first).to_contain_text("BR-CO-15")
    screenshot(page, "supplier-bills-fatal")

    page.get_by_role("link", name="Factures fournisseurs", exact=True).click()
    expect(page.locator("#bills tbody tr")).to_have_count(2)
    screenshot(page, "supplier-bills-list")
    assert SupplierBill.objects.of(organisation).count() == 2
