"""Sales fixtures: a client party, products and quotes made through the services."""

from decimal import Decimal

import pytest
from faker import Faker

from comptoir.audit.services import Actor
from comptoir.ops.demo import fake_be_enterprise_number, fake_siren
from comptoir.parties import services as party_services
from comptoir.parties.models import PartyKind
from comptoir.sales import services

fr, be = Faker("fr_FR"), Faker("nl_BE")


@pytest.fixture
def actor(world) -> Actor:
    return Actor.user(world.member("sales").pk)


@pytest.fixture
def make_client(world, actor):
    """``make_client(org)``: a company client of the organisation (org A by default)."""

    def build(organisation=None):
        organisation = organisation or world.org_a
        if organisation.country == "BE":
            fields = {
                "country": "BE",
                "company_name": be.company(),
                "enterprise_number": fake_be_enterprise_number(be),
            }
        else:
            fields = {"company_name": fr.company(), "siren": fake_siren(fr)}
        return party_services.party_create(
            actor=actor, organisation=organisation, kind=PartyKind.COMPANY, is_client=True, **fields
        )

    return build


@pytest.fixture
def make_product(world, actor):
    counter = iter(range(1, 10_000))

    def build(organisation=None, **fields):
        organisation = organisation or world.org_a
        rate = Decimal("21") if organisation.country == "BE" else Decimal("20")
        fields.setdefault("reference", f"P{next(counter):04}")
        fields.setdefault("name", fr.catch_phrase()[:60])
        fields.setdefault("unit_price", Decimal("12.50"))
        fields.setdefault("vat_rate", rate)
        return services.product_create(actor=actor, organisation=organisation, **fields)

    return build


@pytest.fixture
def make_quote(world, actor, make_client, make_product):
    """``make_quote(org)``: a draft quote with two lines (one from a product, one free)."""

    def build(organisation=None, **fields):
        organisation = organisation or world.org_a
        product = make_product(organisation, unit_price=Decimal("100"))
        fields.setdefault("party", make_client(organisation))
        rate = Decimal("21") if organisation.country == "BE" else Decimal("20")
        return services.quote_create(
            actor=actor,
            organisation=organisation,
            lines=[
                {"product": product, "quantity": Decimal("3")},
                {
                    "name": "Installation",
                    "quantity": Decimal("2"),
                    "unit": "HUR",
                    "unit_price": Decimal("45.00"),
                    "vat_rate": rate,
                    "is_service": True,
                },
            ],
            **fields,
        )

    return build
