"""Sales in a real browser: a quote of two lines (one from the catalogue, one
free, edited in place with htmx under the strict CSP), sent, accepted, made
into an order, then a partial delivery note shipped, invoiced and issued, and
the invoice's Factur-X PDF downloaded with its number and totals in it: the
whole way of issue #12's "Done when", every step a click."""

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
from comptoir.ops.demo import fake_siren
from comptoir.parties import services as party_services
from comptoir.parties.models import PartyKind
from comptoir.sales import services
from comptoir.sales.models import DeliveryNote, Order, Quote
from tests.web.conftest import login, screenshot, unlabelled_fields

pytestmark = pytest.mark.browser
fr = Faker("fr_FR")


def test_a_quote_becomes_an_order_and_a_partial_delivery(page: Page, site, world):
    sales = world.member("sales")
    actor = Actor.user(sales.pk)
    client = party_services.party_create(
        actor=actor,
        organisation=world.org_a,
        kind=PartyKind.COMPANY,
        company_name=fr.company(),
        siren=fake_siren(fr),
        is_client=True,
    )
    product = services.product_create(
        actor=actor,
        organisation=world.org_a,
        reference="ETA-120",
        name="Étagère chêne 120 cm",
        description="Chêne massif, huilé.",
        unit_price="249.90",
        vat_rate="20",
    )

    login(page, site, sales.email)
    page.locator("header nav a[href='/sales/quotes/']").click()
    expect(page).to_have_url(f"{site}/sales/quotes/")
    screenshot(page, "sales-quotes-empty")

    page.locator("#new-quote").click()
    assert unlabelled_fields(page) == []
    page.locator("#id_party").select_option(str(client.pk))
    page.locator("#id_purchase_order").fill("BC-2026-114")
    screenshot(page, "sales-quote-form")
    page.locator("#save").click()
    expect(page).to_have_url(re.compile(r"/sales/quotes/\d+/$"))
    assert unlabelled_fields(page) == []

    # A line from the catalogue, then a free one with a wrong rate, then right.
    page.locator("#id_product").select_option(str(product.pk))
    page.locator("#id_quantity").fill("4")
    page.locator("#add-line-submit").click()
    expect(page.locator("#quote-lines table.lines > tbody")).to_contain_text("Étagère chêne 120 cm")
    page.locator("#id_name").fill("Pose et réglage")
    page.locator("#id_quantity").fill("2")
    page.locator("#id_unit").select_option("HUR")
    page.locator("#id_unit_price").fill("45")
    page.locator("#id_is_service").check()
    page.locator("#add-line-submit").click()
    expect(page.locator("#id_vat_rate ~ .errorlist")).to_be_visible()
    screenshot(page, "sales-quote-line-error")
    page.locator("#id_vat_rate").select_option("20")
    page.locator("#add-line-submit").click()
    expect(page.locator("#quote-lines table.lines > tbody tr")).to_have_count(2)

    # Edit the second line in place: 3 hours.
    page.locator("#quote-lines table.lines > tbody tr").nth(1).get_by_role("link").click()
    page.locator("#id_edit-quantity").fill("3")
    page.locator("#save-line").click()
    expect(page.locator("#quote-lines table.lines > tbody tr").nth(1)).to_contain_text("3")
    # 4 x 249.90 + 3 x 45 = 1134.60 excl. VAT; 1361.52 with 20 % VAT.
    expect(page.locator("#total-excl")).to_contain_text("1\u202f134,60")
    expect(page.locator("#total-incl")).to_contain_text("1\u202f361,52")
    screenshot(page, "sales-quote-draft")

    page.locator("#send-quote").click()
    expect(page.locator("#quote-status")).to_have_text(re.compile("Envoyé|Sent"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("D-")
    page.locator("#accept-quote").click()
    expect(page.locator("#quote-status")).to_have_text(re.compile("Accepté|Accepted"))
    screenshot(page, "sales-quote-accepted")
    page.locator("#make-order").click()
    expect(page).to_have_url(re.compile(r"/sales/orders/\d+/$"))
    expect(page.locator("main")).to_contain_text("BC-2026-114")
    assert unlabelled_fields(page) == []
    screenshot(page, "sales-order")

    # Deliver 1 of the 4 shelves now, none of the hours.
    order = Order.objects.of(world.org_a).get()
    first, second = order.lines.order_by("position")
    page.locator(f"#id_deliver-line_{first.pk}").fill("1")
    page.locator(f"#id_deliver-line_{second.pk}").fill("0")
    page.locator("#make-delivery").click()
    expect(page).to_have_url(re.compile(r"/sales/deliveries/\d+/$"))
    page.locator("#ship-delivery").click()
    expect(page.locator("#delivery-status")).to_have_text(re.compile("Expédié|Shipped"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("BL-")
    screenshot(page, "sales-delivery")
    with page.expect_download() as download:
        page.locator("#delivery-pdf").click()
    text = " ".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    assert "BL-" in text and "BC-2026-114" in text

    quote = Quote.objects.of(world.org_a).get()
    note = DeliveryNote.objects.of(world.org_a).get()
    assert quote.status == "accepted" and order.quote_id == quote.pk
    assert [(line.order_line_id, line.quantity) for line in note.lines.all()] == [
        (first.pk, Decimal("1.000"))
    ]
    page.goto(f"{site}/sales/orders/{order.pk}/")
    expect(page.locator(f"#order-line-{first.pk}")).to_contain_text("3")
    screenshot(page, "sales-order-partly-delivered")

    # The shipped delivery note invoiced, the invoice issued, its PDF downloaded.
    page.goto(f"{site}/sales/deliveries/{note.pk}/")
    page.locator("#invoice-delivery").click()
    page.locator("#make-invoice").click()
    expect(page).to_have_url(re.compile(r"/invoicing/invoices/\d+/$"))
    # 1 x 249.90 excl. VAT, 49.98 VAT, 299.88 incl. VAT.
    expect(page.locator("#total-excl-vat")).to_have_text("249,90")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#issue").click()
    expect(page.locator("#invoice-status")).to_have_text(re.compile("Émise|Issued"))
    invoice = Invoice.objects.of(world.org_a).get()
    assert invoice.status == InvoiceStatus.ISSUED and invoice.order_id == order.pk
    screenshot(page, "sales-invoice-issued")
    with page.expect_download() as download:
        page.locator("#download-pdf").click()
    data = download.value.path().read_bytes()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    compact = re.sub(r"\s", "", text)
    assert invoice.number in text and "BC-2026-114" in text
    for total in ("249,90", "49,98", "299,88"):
        assert total in compact, total
    assert not validation.fatal(validation.validate(data))
