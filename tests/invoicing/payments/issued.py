"""Issued invoices to settle, for the payments' tests.

A plain invoice is drafted and issued through invoicing's services (numbered,
frozen, chained): one line whose price, with its country's standard VAT,
comes to the amount asked. Credit notes and down payments and the final
invoices that deduct them are written as issuing leaves their rows (status
ISSUED, number, dates, issued totals): making one through the services needs
an order and its lines, which these tests do not read.
"""

import itertools
from datetime import date, timedelta
from decimal import Decimal

from comptoir.audit.services import Actor
from comptoir.core.money import percent_of, to_cents
from comptoir.invoicing.models import Invoice, InvoiceKind, InvoiceStatus
from comptoir.invoicing.services import invoice_create, invoice_issue
from comptoir.parties.models import Party

_numbers = itertools.count(1)
STANDARD_RATE = {"FR": Decimal("20"), "BE": Decimal("21")}


def price_for(amount: Decimal, rate: Decimal) -> Decimal:
    """A price excl. VAT that comes to ``amount`` with ``rate`` % VAT on top."""
    guess = to_cents(amount * 100 / (100 + rate))
    for step in (0, 1, -1, 2, -2):
        price = guess + Decimal(step) / 100
        if price + percent_of(price, rate) == amount:
            return price
    raise ValueError(f"no price comes to {amount} at {rate} %")


def issued_invoice(
    party: Party,
    amount: str = "120.00",
    *,
    due: date | None = None,
    issued_on: date | None = None,
    kind: str = InvoiceKind.INVOICE,
    credited: Invoice | None = None,
    prepaid: str = "0.00",
) -> Invoice:
    """An issued invoice of ``party`` whose amount due is ``amount`` incl. VAT
    (after deducting ``prepaid``: down payments)."""
    issued_on = issued_on or date.today()
    due = due if due is not None else issued_on + timedelta(days=30)
    if kind == InvoiceKind.INVOICE and credited is None and Decimal(prepaid) == 0:
        return _through_the_services(party, Decimal(amount), issued_on, due)
    incl = Decimal(amount) + Decimal(prepaid)
    excl = (incl / Decimal("1.2")).quantize(Decimal("0.01"))
    prefix = "AV" if kind == InvoiceKind.CREDIT_NOTE else "F"
    return Invoice.objects.create(
        organisation=party.organisation,
        party=party,
        kind=kind,
        status=InvoiceStatus.ISSUED,
        number=f"T{prefix}-{issued_on.year}-{next(_numbers):05d}",
        issue_date=issued_on,
        due_date=due,
        credited=credited,
        total_excl_vat=excl,
        total_vat=incl - excl,
        total_incl_vat=incl,
        payable=Decimal(amount),
    )


def draft_invoice(
    party: Party, amount: Decimal = Decimal("120.00"), issued_on=None, due=None
) -> Invoice:
    """A draft invoice (not issued: nothing to settle yet)."""
    rate = STANDARD_RATE.get(party.organisation.country, Decimal("20"))
    return invoice_create(
        actor=Actor.system(),
        organisation=party.organisation,
        party=party,
        issue_date=issued_on,
        due_date=due,
        lines=[
            {
                "name": "Prestation",
                "quantity": Decimal("1"),
                "unit_price": price_for(amount, rate),
                "vat_category": "S",
                "vat_rate": rate,
                "is_service": True,
            }
        ],
    )


def _through_the_services(party: Party, amount: Decimal, issued_on: date, due: date) -> Invoice:
    draft = draft_invoice(party, amount, issued_on, due)
    invoice = invoice_issue(actor=Actor.system(), invoice=draft)
    assert invoice.payable == amount, (invoice.payable, amount)
    return invoice
