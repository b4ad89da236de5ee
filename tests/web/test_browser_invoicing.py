"""The "Done when" of issue #12 in a real browser: a quote with lines is sent,
accepted, ordered and delivered, and the delivery note invoiced from its
"Invoice" link; a line is added with htmx, the invoice issued (after the
confirmation), its Factur-X PDF downloaded, and its number and totals found
in the PDF's text.

The quote to the shipped delivery note goes through the sales services here
(the sales pages have their own browser test); from the delivery note's page
on, every step is the browser's."""

import io
import re
from decimal import Decimal

import pytest
from faker import Faker
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from comptoir.audit.services import Actor
from comptoir.invoicing.einvoice import validation
from comptoir.invoicing.models import Invoice, InvoiceStatus
from comptoir.ops.demo import fake_siren, fr_vat_from_siren
from comptoir.parties import services as parties
from comptoir.parties.models import PartyKind
from comptoir.sales import services as sales
from tests.web.conftest import SHOTS, login, screenshot, unlabelled_fields

pytestmark = pytest.mark.browser
fr = Faker("fr_FR")


def _shipped_delivery(world):
    """A quote (two lines) sent, accepted, ordered and wholly delivered."""
    actor = Actor.user(world.member("sales").pk)
    siren = fake_siren(fr)
    client = parties.party_create(
        actor=actor,
        organisation=world.org_a,
        kind=PartyKind.COMPANY,
        is_client=True,
        company_name=f"{fr.company()} {fr.random_int(100, 999)}",
        siren=siren,
        vat_number=fr_vat_from_siren(siren),
        billing_street=fr.street_address(),
        billing_postal_code=fr.postcode(),
        billing_city=fr.city(),
    )
    line = {"vat_category": "S", "vat_rate": Decimal("20"), "unit": "C62"}
    quote = sales.quote_create(
        actor=actor,
        organisation=world.org_a,
        party=client,
        lines=[
            {
                **line,
                "name": "Table de ferme en chêne",
                "quantity": Decimal("2"),
                "unit_price": Decimal("150.00"),
            },
            {
                **line,
                "name": "Banc assorti",
                "quantity": Decimal("3"),
                "unit_price": Decimal("45.50"),
            },
        ],
    )
    quote = sales.quote_send(actor=actor, quote=quote)
    quote = sales.quote_accept(actor=actor, quote=quote)
    order = sales.order_from_quote(actor=actor, quote=quote)
    delivery = sales.delivery_from_order(actor=actor, order=order)
    delivery = sales.delivery_ship(actor=actor, delivery=delivery)
    return client, order, delivery


def test_a_delivered_quote_is_invoiced_issued_and_its_pdf_downloaded(page: Page, site, world):
    client, order, delivery = _shipped_delivery(world)
    login(page, site, world.member("sales").email)

    # The "Invoice" action of the delivery note's page.
    page.goto(f"{site}/sales/deliveries/{delivery.pk}/")
    screenshot(page, "delivery-shipped")
    page.locator("#invoice-delivery").click()
    expect(page).to_have_url(f"{site}/invoicing/invoices/from-delivery/{delivery.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(delivery.number)
    screenshot(page, "invoice-from-delivery")
    page.locator("#make-invoice").click()
    expect(page).to_have_url(re.compile(r"/invoicing/invoices/\d+/$"))
    invoice_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    expect(page.locator("#invoice-status")).to_have_text("Brouillon")
    expect(page.locator("#lines tbody tr")).to_have_count(2)
    # 2 × 150 + 3 × 45.50 = 436.50 excl. VAT.
    expect(page.locator("#total-excl-vat")).to_have_text("436,50")
    assert unlabelled_fields(page) == []

    # A line added through htmx: the totals follow without a page load.
    page.locator("#id_name").fill("Livraison et montage")
    page.locator("#id_quantity").fill("1")
    page.locator("#id_unit_price").fill("63.50")
    page.locator("#id_vat_rate").fill("20")
    page.locator("#add-line").click()
    expect(page.locator("#lines tbody tr")).to_have_count(3)
    expect(page.locator("#total-excl-vat")).to_have_text("500,00")
    expect(page.locator("#total-incl-vat")).to_have_text("600,00")
    screenshot(page, "invoice-draft")

    # Issued after the confirmation.
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#issue").click()
    expect(page.locator("#invoice-status")).to_have_text("Émise")
    invoice = Invoice.objects.of(world.org_a).get(pk=invoice_id)
    assert invoice.status == InvoiceStatus.ISSUED and invoice.order_id == order.pk
    expect(page.locator("#invoice-number")).to_have_text(invoice.number)
    expect(page.locator("#issue")).to_have_count(0)
    screenshot(page, "invoice-issued")

    with page.expect_download() as info:
        page.locator("#download-pdf").click()
    download = info.value
    assert download.suggested_filename == f"{invoice.number}.pdf"
    data = download.path().read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    compact = re.sub(r"\s", "", text)
    assert invoice.number in text
    for total in ("500,00", "100,00", "600,00"):
        assert total in compact, total
    assert not validation.fatal(validation.validate(data))
    (SHOTS / "invoice.pdf").write_bytes(data)  # for a person to look at (pdftoppm)

    # The list shows it with its number, client and total.
    page.locator("header nav a[href='/invoicing/invoices/']").click()
    row = page.locator("#invoices tbody tr").first
    expect(row).to_contain_text(invoice.number)
    expect(row).to_contain_text(client.display_name)
    expect(row).to_contain_text("600,00")
    screenshot(page, "invoice-list")
