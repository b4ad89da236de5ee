"""Products and services: the VAT rules of the seller's country, unique
references, deactivation rather than deletion, search."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from comptoir.audit.models import AuditEvent
from comptoir.sales import selectors, services
from comptoir.sales.models import Product

pytestmark = pytest.mark.django_db


def test_a_product_is_created_with_a_rate_of_its_country(world, actor, make_product):
    product = make_product(unit_price="1 250,505", vat_rate="5.5", unit="KGM")
    assert product.unit_price == Decimal("1250.5050")
    assert product.vat_rate == Decimal("5.50")
    event = AuditEvent.objects.filter(object_type="sales.product").latest("pk")
    assert "unit_price" in event.fields and "1250" not in " ".join(event.fields)


@pytest.mark.parametrize(
    ("country", "rate", "ok"),
    [
        ("FR", "20", True),
        ("FR", "2.1", True),
        ("FR", "21", False),
        ("FR", "0", False),
        ("BE", "21", True),
        ("BE", "0", True),
        ("BE", "6", True),
        ("BE", "20", False),
    ],
)
def test_the_standard_category_takes_a_rate_of_the_country(world, make_product, country, rate, ok):
    org = world.org_a if country == "FR" else world.org_b
    if ok:
        assert make_product(org, vat_rate=rate).vat_rate == Decimal(rate)
    else:
        with pytest.raises(ValidationError) as caught:
            make_product(org, vat_rate=rate)
        assert "vat_rate" in caught.value.message_dict


@pytest.mark.parametrize("category", ["Z", "E", "AE", "K", "G", "O"])
def test_other_categories_take_the_rate_zero(world, make_product, category):
    assert make_product(vat_category=category, vat_rate="0").vat_rate == 0
    with pytest.raises(ValidationError) as caught:
        make_product(vat_category=category, vat_rate="20")
    assert "vat_rate" in caught.value.message_dict


def test_bad_input_is_refused_by_field_and_nothing_is_written(world, actor):
    before = Product.objects.of(world.org_a).count()
    with pytest.raises(ValidationError) as caught:
        services.product_create(
            actor=actor,
            organisation=world.org_a,
            reference="X",
            name="",
            unit_price="12e400",
            vat_rate="20",
            unit="ZZZ",
        )
    assert set(caught.value.message_dict) == {"unit_price"}
    with pytest.raises(ValidationError) as caught:
        services.product_create(
            actor=actor,
            organisation=world.org_a,
            reference="X",
            name="",
            unit_price="1",
            vat_rate="20",
            unit="ZZZ",
        )
    assert set(caught.value.message_dict) == {"name", "unit"}
    with pytest.raises(ValidationError) as caught:  # EN 16931 BR-27: never a negative price
        services.product_create(
            actor=actor,
            organisation=world.org_a,
            reference="N",
            name="Remise",
            unit_price="-5",
            vat_rate="20",
        )
    assert set(caught.value.message_dict) == {"unit_price"}
    assert Product.objects.of(world.org_a).count() == before


def test_a_reference_is_unique_within_the_organisation(world, make_product):
    make_product(reference="REF-1")
    with pytest.raises(ValidationError) as caught:
        make_product(reference="REF-1")
    assert "reference" in caught.value.message_dict
    assert make_product(world.org_b, reference="REF-1").reference == "REF-1"


def test_update_checks_the_rules_and_journals_the_changed_fields(world, actor, make_product):
    product = make_product()
    with pytest.raises(ValidationError):
        services.product_update(actor=actor, product=product, vat_rate="7")
    updated = services.product_update(actor=actor, product=product, unit_price="13", name="Autre")
    assert updated.unit_price == Decimal("13")
    event = AuditEvent.objects.filter(object_type="sales.product").latest("pk")
    assert sorted(event.fields) == ["name", "unit_price"]


def test_deactivated_products_stay_and_are_offered_no_more(world, actor, make_product, make_client):
    product = make_product()
    services.product_deactivate(actor=actor, product=product)
    product.refresh_from_db()
    assert product.is_active is False
    assert list(selectors.product_list(organisation=world.org_a, active=True)) == []
    with pytest.raises(ValidationError) as caught:
        services.quote_create(
            actor=actor,
            organisation=world.org_a,
            party=make_client(),
            lines=[{"product": product, "quantity": 1}],
        )
    assert "lines.0.product" in caught.value.message_dict
    services.product_activate(actor=actor, product=product)
    assert list(selectors.product_list(organisation=world.org_a, active=True)) == [product]


def test_search_by_reference_or_name_within_the_organisation(world, make_product):
    make_product(reference="CAB-01", name="Câble réseau")
    make_product(reference="VIS-02", name="Vis à bois")
    make_product(world.org_b, reference="CAB-09", name="Câble")
    found = selectors.product_list(organisation=world.org_a, search="cab")
    assert [p.reference for p in found] == ["CAB-01"]
    found = selectors.product_list(organisation=world.org_a, search="bois")
    assert [p.reference for p in found] == ["VIS-02"]
