"""Clients, orders and invoices for the invoicing tests, made through the
services (sales rows the sales services will make are created directly)."""

from decimal import Decimal

import pytest
from faker import Faker

from comptoir.audit.services import Actor
from comptoir.invoicing import services
from comptoir.ops.demo import fake_be_enterprise_number, fake_siren, fr_vat_from_siren
from comptoir.parties import services as parties
from comptoir.parties.models import PartyKind
from comptoir.privacy import keys
from comptoir.sales.models import Order, OrderLine

fr, be = Faker("fr_FR"), Faker("nl_BE")


@pytest.fixture(autouse=True)
def _fresh_key_caches():
    keys.clear_caches()
    yield
    keys.clear_caches()


@pytest.fixture
def actor(world) -> Actor:
    return Actor.user(world.member("owner").pk)


@pytest.fixture
def make_client(world, actor):
    """``make_client(org, **fields)``: a company client of ``org`` (a French
    one with its SIREN and VAT number by default), with a billing address."""

    def build(organisation=None, **fields):
        organisation = organisation or world.org_a
        faker = be if organisation.country == "BE" else fr
        if organisation.country == "BE" and "country" not in fields:
            number = fake_be_enterprise_number(be)
            fields.setdefault("country", "BE")
            fields.setdefault("enterprise_number", number)
            fields.setdefault("vat_number", f"BE{number}")
        elif fields.get("country", "FR") == "FR":
            siren = fields.setdefault("siren", fake_siren(fr))
            if siren:
                fields.setdefault("vat_number", fr_vat_from_siren(siren))
        fields.setdefault("company_name", faker.company())
        fields.setdefault("billing_street", faker.street_address())
        fields.setdefault("billing_postal_code", faker.postcode())
        fields.setdefault("billing_city", faker.city())
        return parties.party_create(
            actor=actor,
            organisation=organisation,
            kind=PartyKind.COMPANY,
            is_client=True,
            **fields,
        )

    return build


@pytest.fixture
def make_person(world, actor):
    def build(organisation=None, **fields):
        organisation = organisation or world.org_a
        return parties.party_create(
            actor=actor,
            organisation=organisation,
            kind=PartyKind.INDIVIDUAL,
            is_client=True,
            given_names=fr.first_name(),
            family_name=fr.last_name(),
            billing_street=fr.street_address(),
            billing_postal_code=fr.postcode(),
            billing_city=fr.city(),
            **fields,
        )

    return build


def line(name=None, quantity="1", price="100", category="S", rate="20", **more):
    return {
        "name": name or fr.catch_phrase()[:60],
        "quantity": Decimal(quantity),
        "unit_price": Decimal(price),
        "vat_category": category,
        "vat_rate": Decimal(rate),
        **more,
    }


@pytest.fixture
def make_draft(world, actor, make_client):
    def build(organisation=None, party=None, lines=None, **fields):
        organisation = organisation or world.org_a
        party = party or make_client(organisation)
        rate = "21" if organisation.country == "BE" else "20"
        return services.invoice_create(
            actor=actor,
            organisation=organisation,
            party=party,
            lines=lines
            if lines is not None
            else [line(rate=rate), line(quantity="2.5", price="40", rate=rate)],
            **fields,
        )

    return build


@pytest.fixture
def make_order(world, make_client):
    """An open order with lines (made directly: the sales services are another's)."""

    def build(organisation=None, party=None, lines=None, **fields):
        organisation = organisation or world.org_a
        party = party or make_client(organisation)
        order = Order.objects.create(organisation=organisation, party=party, **fields)
        for position, values in enumerate(lines or [line(quantity="10", price="12.50")], 1):
            OrderLine.objects.create(order=order, position=position, **values)
        return order

    return build
