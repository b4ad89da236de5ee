"""Clients and their issued invoices, for the payments' tests.

Issued invoices are built as rows (status ISSUED, a number, issue and due
dates, the issued totals) until invoicing's ``invoice_issue`` is on this
branch; the tests read nothing else of an invoice.
"""

from datetime import date

import pytest
from faker import Faker

from comptoir.audit.services import Actor
from comptoir.invoicing.services.payments import payment_record
from comptoir.ops.demo import fake_be_enterprise_number, fake_siren
from comptoir.parties import services as parties
from comptoir.parties.models import Party, PartyKind
from comptoir.privacy import keys
from tests.invoicing.payments.issued import issued_invoice
from tests.web.conftest import (  # noqa: F401 (the browser fixtures, for test_browser.py)
    _browser_defaults,
    browser_context_args,
    browser_type_launch_args,
    site,
)

fr, be = Faker("fr_FR"), Faker("nl_BE")


@pytest.fixture(autouse=True)
def _fresh_key_caches():
    keys.clear_caches()
    yield
    keys.clear_caches()


@pytest.fixture
def accountant(world) -> Actor:
    return Actor.user(world.member("accountant").pk)


@pytest.fixture
def make_client(world, accountant):
    """``make_client(org=None, individual=False)``: a client party."""

    def build(organisation=None, *, individual: bool = False) -> Party:
        organisation = organisation or world.org_a
        if individual:
            return parties.party_create(
                actor=accountant,
                organisation=organisation,
                kind=PartyKind.INDIVIDUAL,
                is_client=True,
                given_names=fr.first_name(),
                family_name=fr.last_name(),
            )
        fields = (
            {"country": "BE", "enterprise_number": fake_be_enterprise_number(be)}
            if organisation.country == "BE"
            else {"siren": fake_siren(fr)}
        )
        return parties.party_create(
            actor=accountant,
            organisation=organisation,
            kind=PartyKind.COMPANY,
            is_client=True,
            company_name=(be if organisation.country == "BE" else fr).company(),
            **fields,
        )

    return build


@pytest.fixture
def issued(world):
    """``issued(party, "120.00", due=date, issued_on=date, kind=...)``: an issued
    invoice whose amount due is the given amount incl. VAT (``issued.issued_invoice``)."""
    return issued_invoice


@pytest.fixture
def pay(accountant):
    """``pay(party, "50.00", allocations=...)``: a transfer received today."""

    def build(party: Party, amount: str, *, allocations=None, **fields):
        fields.setdefault("method", "transfer")
        fields.setdefault("received_on", date.today())
        return payment_record(
            actor=accountant, party=party, amount=amount, allocations=allocations, **fields
        )

    return build
