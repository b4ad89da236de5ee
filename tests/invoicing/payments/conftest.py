"""Clients and their issued invoices, for the payments' tests.

Issued invoices are built as rows (status ISSUED, a number, issue and due
dates, the issued totals) until invoicing's ``invoice_issue`` is on this
branch; the tests read nothing else of an invoice.
"""

import itertools
from datetime import date, timedelta
from decimal import Decimal

import pytest
from faker import Faker

from comptoir.audit.services import Actor
from comptoir.invoicing.models import Invoice, InvoiceKind, InvoiceStatus
from comptoir.invoicing.services.payments import payment_record
from comptoir.ops.demo import fake_be_enterprise_number, fake_siren
from comptoir.parties import services as parties
from comptoir.parties.models import Party, PartyKind
from comptoir.privacy import keys

fr, be = Faker("fr_FR"), Faker("nl_BE")
_numbers = itertools.count(1)


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
    invoice whose amount due is the given amount incl. VAT (20 % VAT)."""

    def build(
        party: Party,
        amount: str,
        *,
        due: date | None = None,
        issued_on: date | None = None,
        kind: str = InvoiceKind.INVOICE,
        credited: Invoice | None = None,
        prepaid: str = "0.00",
    ) -> Invoice:
        issued_on = issued_on or date.today()
        incl = Decimal(amount) + Decimal(prepaid)
        excl = (incl / Decimal("1.2")).quantize(Decimal("0.01"))
        number = next(_numbers)
        prefix = "AV" if kind == InvoiceKind.CREDIT_NOTE else "F"
        return Invoice.objects.create(
            organisation=party.organisation,
            party=party,
            kind=kind,
            status=InvoiceStatus.ISSUED,
            number=f"{prefix}-{issued_on.year}-{number:05d}",
            issue_date=issued_on,
            due_date=due if due is not None else issued_on + timedelta(days=30),
            credited=credited,
            total_excl_vat=excl,
            total_vat=incl - excl,
            total_incl_vat=incl,
            payable=Decimal(amount),
        )

    return build


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
