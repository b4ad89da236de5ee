"""An issued invoice as issuing leaves its row (status ISSUED, a number, issue and
due dates, the issued totals), for tests that need one to settle."""

import itertools
from datetime import date, timedelta
from decimal import Decimal

from comptoir.invoicing.models import Invoice, InvoiceKind, InvoiceStatus
from comptoir.parties.models import Party

_numbers = itertools.count(1)


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
    (20 % VAT), after deducting ``prepaid`` (down payments)."""
    issued_on = issued_on or date.today()
    incl = Decimal(amount) + Decimal(prepaid)
    excl = (incl / Decimal("1.2")).quantize(Decimal("0.01"))
    prefix = "AV" if kind == InvoiceKind.CREDIT_NOTE else "F"
    return Invoice.objects.create(
        organisation=party.organisation,
        party=party,
        kind=kind,
        status=InvoiceStatus.ISSUED,
        number=f"{prefix}-{issued_on.year}-{next(_numbers):05d}",
        issue_date=issued_on,
        due_date=due if due is not None else issued_on + timedelta(days=30),
        credited=credited,
        total_excl_vat=excl,
        total_vat=incl - excl,
        total_incl_vat=incl,
        payable=Decimal(amount),
    )
