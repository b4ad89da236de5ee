"""The printed document built from the models (``sales.printing``)."""

from decimal import Decimal

import pytest

from comptoir.core.documents import Kind
from comptoir.sales import printing
from comptoir.sales.models import Order, OrderLine, SalesSettings
from tests.invoicing.conftest import line

pytestmark = pytest.mark.django_db


def test_settings_get_the_countrys_legal_defaults(world):
    french, belgian = printing.settings_of(world.org_a), printing.settings_of(world.org_b)
    assert (french.late_penalty_rate, french.recovery_indemnity) == (
        Decimal("12.15"),
        Decimal("40.00"),
    )
    assert belgian.late_penalty_rate == Decimal("10.50")
    assert printing.settings_of(world.org_a).pk == french.pk
    assert SalesSettings.objects.of(world.org_a).count() == 1


def test_seller_prints_the_organisation_and_its_settings(world):
    settings = printing.settings_of(world.org_a)
    settings.share_capital = "10 000 EUR"
    settings.registration = "RCS Lyon"
    settings.iban = "FR7630006000011234567890189"
    settings.save()
    seller = printing.seller(world.org_a)
    assert seller.name == world.org_a.legal_name and seller.siren == world.org_a.siren
    assert (seller.share_capital, seller.registration) == ("10 000 EUR", "RCS Lyon")
    assert (seller.electronic_address, seller.electronic_scheme) == (world.org_a.siren, "0225")
    belgian = printing.seller(world.org_b)
    assert (belgian.electronic_address, belgian.electronic_scheme) == (
        world.org_b.enterprise_number,
        "0208",
    )


def test_buyer_company_and_individual(world, make_client, make_person):
    company = make_client(delivery_street="1 quai des Docks", delivery_city="Marseille")
    printed = printing.buyer(company)
    assert printed.is_business and printed.siren == company.siren
    assert printed.address.city == company.billing_city
    assert printing.delivery_address(company).city == "Marseille"
    person = make_person()
    consumer = printing.buyer(person)
    assert not consumer.is_business and consumer.siren == "" and consumer.electronic_address == ""
    assert consumer.name == f"{person.given_names} {person.family_name}"
    assert printing.delivery_address(person) is None


def test_an_order_prints_with_its_discount_and_charge(world, make_client):
    order = Order.objects.create(
        organisation=world.org_a,
        party=make_client(),
        discount_percent=Decimal("10"),
        charge_amount=Decimal("15"),
        charge_reason="Port",
    )
    OrderLine.objects.create(order=order, position=1, **line(quantity="2", price="50"))
    OrderLine.objects.create(order=order, position=2, **line(price="30", rate="5.5"))
    document = printing.document_of(order, Kind.ORDER)
    totals = document.totals
    # 100 at 20 % and 30 at 5.5 %, less 10 % each; the charge at the main rate (20 %).
    assert [a.amount for a in document.adjustments] == [
        Decimal("10.00"),
        Decimal("3.00"),
        Decimal("15.00"),
    ]
    assert document.adjustments[-1].vat_rate == Decimal("20.00")
    assert totals.tax_exclusive == Decimal("132.00")
    assert totals.tax_total == Decimal("21.00") + Decimal("1.49")
    assert [line.number for line in document.lines] == ["1", "2"]
