"""The home page's invoicing figures: invoiced this month and this year (excl. and
incl. VAT), unpaid and overdue totals; for the roles that see amounts, never for
support staff."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from faker import Faker

from comptoir.audit.services import Actor
from comptoir.invoicing.models import InvoiceKind
from comptoir.invoicing.services.payments import payment_record
from comptoir.ops.demo import fake_siren
from comptoir.parties import services as parties
from comptoir.parties.models import PartyKind
from tests.invoicing.payments.issued import issued_invoice

fr = Faker("fr_FR")


@pytest.fixture
def invoiced(world):
    actor = Actor.user(world.member("accountant").pk)
    client = parties.party_create(
        actor=actor,
        organisation=world.org_a,
        kind=PartyKind.COMPANY,
        company_name="Menuiserie Test",
        siren=fake_siren(fr),
        is_client=True,
    )
    issued_invoice(client, "1200.00", issued_on=date(2026, 2, 10), due=date(2026, 3, 10))
    current = issued_invoice(client, "2400.00", issued_on=date(2026, 5, 4), due=date(2026, 6, 4))
    issued_invoice(client, "240.00", issued_on=date(2026, 5, 6), kind=InvoiceKind.CREDIT_NOTE)
    payment_record(
        actor=actor,
        party=client,
        amount="400.00",
        method="transfer",
        received_on=date(2026, 5, 15),
        allocations=[(current, "400.00")],
    )
    return client


def _home(ui_as, role) -> str:
    with time_machine.travel(date(2026, 5, 20), tick=False):
        response = ui_as(role).get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode().replace("&nbsp;", "\xa0")


@pytest.mark.parametrize("role", ["owner", "admin", "accountant", "sales", "auditor"])
def test_the_figures(ui_as, invoiced, role):
    html = _home(ui_as, role)
    assert 'id="dashboard-finance"' in html
    figures = {
        "invoiced-month-excl": "1\xa0800,00",  # (2400 - 240) / 1.2
        "invoiced-month-incl": "2\xa0160,00",
        "invoiced-year-excl": "2\xa0800,00",  # + 1200 / 1.2
        "invoiced-year-incl": "3\xa0360,00",
        "unpaid-total": "3\xa0200,00",  # 1200 + 2400 - 400
        "overdue-total": "1\xa0200,00",
    }
    for element, amount in figures.items():
        start = html.index(f'id="{element}"')
        assert f">{amount}\xa0€<" in html[start : start + 80], element


def test_support_sees_no_amount(ui_as, invoiced):
    html = _home(ui_as, "support")
    assert 'id="dashboard-finance"' not in html
    assert "€" not in html
    for amount in ("1\xa0800,00", "3\xa0200,00", "1\xa0200,00"):
        assert amount not in html


def test_another_organisation_s_figures_are_its_own(world, ui_as, invoiced):
    from comptoir.invoicing import selectors_accounts as accounts

    with time_machine.travel(date(2026, 5, 20), tick=False):
        theirs = accounts.finance_figures(organisation=world.org_b)
    assert (theirs.month.incl_vat, theirs.year.incl_vat, theirs.unpaid, theirs.overdue) == (
        0,
        0,
        0,
        0,
    )
