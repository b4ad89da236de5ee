"""The sales pages: lists, details with lines and totals, forms, POST buttons,
htmx line editing, the settings page, the roles."""

from decimal import Decimal

import pytest
from django.utils.html import escape

from comptoir.sales import services
from comptoir.sales.models import DeliveryNote, Order, Product, Quote, SalesSettings
from comptoir.sales.models.choices import QuoteStatus

pytestmark = pytest.mark.django_db


def test_a_quote_from_creation_to_delivery_in_pages(world, ui_as, make_client, make_product):
    ui = ui_as("sales")
    party = make_client()
    product = make_product(unit_price="100")
    response = ui.post(
        "/sales/quotes/new/",
        {
            "party": party.pk,
            "purchase_order": "PO-5",
            "discount_percent": "0",
            "charge_amount": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    quote = Quote.objects.of(world.org_a).get()
    detail = f"/sales/quotes/{quote.pk}/"
    assert ui.get(detail).status_code == 200
    added = ui.post(
        f"{detail}lines/", {"product": product.pk, "quantity": "2"}, headers={"HX-Request": "true"}
    )
    assert added.status_code == 200
    assert escape(product.name) in added.content.decode()
    refused = ui.post(
        f"{detail}lines/",
        {
            "name": "Pose",
            "quantity": "1",
            "unit_price": "50",
            "vat_rate": "21",
            "unit": "C62",
            "vat_category": "S",
        },
        headers={"HX-Request": "true"},
    )
    assert "vat_rate" in refused.content.decode() or "rate must be" in refused.content.decode()
    assert quote.lines.count() == 1
    ui.post(
        f"{detail}lines/",
        {
            "name": "Pose",
            "quantity": "1",
            "unit_price": "50",
            "vat_rate": "20",
            "unit": "HUR",
            "vat_category": "S",
        },
    )
    line = quote.lines.get(name="Pose")
    edit = ui.get(f"{detail}lines/{line.pk}/", headers={"HX-Request": "true"})
    assert 'id="save-line"' in edit.content.decode()
    ui.post(
        f"{detail}lines/{line.pk}/",
        {
            "edit-name": "Pose",
            "edit-quantity": "3",
            "edit-unit_price": "50",
            "edit-vat_rate": "20",
            "edit-unit": "HUR",
            "edit-vat_category": "S",
        },
    )
    line.refresh_from_db()
    assert line.quantity == 3
    page = ui.get(detail).content.decode()
    assert "350,00" in page and "420,00" in page  # 2 x 100 + 3 x 50, and with VAT
    assert ui.post(f"{detail}send/").status_code == 302
    assert ui.post(f"{detail}accept/").status_code == 302
    response = ui.post(f"{detail}order/")
    order = Order.objects.of(world.org_a).get()
    assert response.url == f"/sales/orders/{order.pk}/"
    page = ui.get(response.url).content.decode()
    assert "PO-5" in page and 'id="make-delivery"' in page
    first = order.lines.order_by("position").first()
    response = ui.post(f"/sales/orders/{order.pk}/deliver/", {f"deliver-line_{first.pk}": "1"})
    note = DeliveryNote.objects.of(world.org_a).get()
    assert response.url == f"/sales/deliveries/{note.pk}/"
    over = ui.post(f"/sales/orders/{order.pk}/deliver/", {f"deliver-line_{first.pk}": "5"})
    assert over.status_code == 200 and "au plus 1 à livrer" in over.content.decode()
    assert DeliveryNote.objects.of(world.org_a).count() == 1
    ui.post(f"/sales/deliveries/{note.pk}/ship/")
    note.refresh_from_db()
    assert note.number.startswith("BL-")
    for url in ("/sales/quotes/", "/sales/orders/", "/sales/deliveries/", "/sales/products/"):
        assert ui.get(url).status_code == 200


def test_an_expired_quote_says_so_and_is_not_accepted(world, ui_as, actor, make_quote):
    from datetime import date

    quote = services.quote_send(
        actor=actor, quote=make_quote(), issue_date=date(2025, 1, 1), valid_until=date(2025, 1, 31)
    )
    ui = ui_as("sales")
    page = ui.get(f"/sales/quotes/{quote.pk}/").content.decode()
    assert "expired" in page.lower() or "expiré" in page.lower()
    response = ui.post(f"/sales/quotes/{quote.pk}/accept/", follow=True)
    assert Quote.objects.of(world.org_a).get(pk=quote.pk).status == QuoteStatus.SENT
    assert "2025-01-31" in response.content.decode()


def test_the_catalogue_pages(world, ui_as):
    ui = ui_as("sales")
    response = ui.post(
        "/sales/products/new/",
        {
            "reference": "CAB-1",
            "name": "Câble",
            "unit": "MTR",
            "unit_price": "1,25",
            "vat_category": "S",
            "vat_rate": "20",
        },
    )
    assert response.status_code == 302
    product = Product.objects.of(world.org_a).get()
    assert product.unit_price == Decimal("1.25")
    assert "CAB-1" in ui.get("/sales/products/?search=cab").content.decode()
    assert "CAB-1" not in ui.get("/sales/products/?search=zzz").content.decode()
    ui.post(f"/sales/products/{product.pk}/deactivate/")
    product.refresh_from_db()
    assert not product.is_active


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("owner", 200),
        ("admin", 200),
        ("sales", 200),
        ("accountant", 200),
        ("auditor", 200),
        ("support", 403),
    ],
)
def test_support_sees_no_sales(world, ui_as, role, status):
    ui = ui_as(role)
    assert ui.get("/sales/quotes/").status_code == status
    nav = ui.get("/").content.decode()
    assert ("/sales/quotes/" in nav) == (status == 200)


def test_only_owners_and_admins_change_the_settings(world, ui_as):
    assert ui_as("sales").get("/sales/settings/").status_code == 403
    owner = ui_as("owner")
    assert owner.get("/sales/settings/").status_code == 200
    form = {
        "colour": "#224466",
        "language": "fr",
        "payment_days": "45",
        "quote_validity_days": "20",
        "late_penalty_rate": "12,15",
        "recovery_indemnity": "40",
    }
    response = owner.post("/sales/settings/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    settings = SalesSettings.objects.of(world.org_a).get()
    assert (settings.payment_days, settings.quote_validity_days) == (45, 20)
    refused = owner.post("/sales/settings/", {**form, "payment_days": "90"})
    assert refused.status_code == 200
    response = owner.post(
        "/sales/settings/series/quote/",
        {"quote-series": "quote", "quote-pattern": "DV-{number:04}"},
    )
    assert response.status_code == 302


def test_a_logo_is_checked_and_stored(world, ui_as):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    owner = ui_as("owner")
    fake = SimpleUploadedFile("logo.png", b"<svg></svg>", content_type="image/png")
    response = owner.post("/sales/settings/logo/", {"logo": fake})
    assert response.status_code == 200 and not SalesSettings.objects.of(world.org_a).get().logo
    buffer = io.BytesIO()
    Image.new("RGB", (60, 30), "#224466").save(buffer, "PNG")
    real = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    assert owner.post("/sales/settings/logo/", {"logo": real}).status_code == 302
    logo = SalesSettings.objects.of(world.org_a).get().logo
    assert logo.name.startswith(f"branding/{world.org_a.pk}/") and logo.name.endswith(".png")
