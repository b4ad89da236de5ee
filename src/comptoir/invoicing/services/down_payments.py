"""Down-payment invoices (UNTDID 1001 type 386) on an order or an accepted
quote, and what the final invoice deducts.

A down payment is a percentage or an amount (excl. VAT) of the order's total
excl. VAT. Its VAT is the VAT of what it pays for: one line per (category,
rate) of the order, each its share of the amount pro rata of the order's
taxable base at that rate (the last share takes the rounding, so the lines
add up to the amount to the cent). EN 16931 accepts it as any invoice (one
VAT breakdown per rate, BR-CO-17 holding per rate), it is what French and
Belgian VAT law ask of a down payment (CGI art. 269-2-a, Code TVA art. 22bis:
the tax is due on the payment at the rate of the supply), and the final
invoice, which states every line at its rate and deducts the down payments
incl. VAT as prepaid (BT-113), then nets each rate's VAT exactly. A single
line at the main rate would over- or under-charge VAT on mixed-rate orders.

Down payments never exceed the order: drafts and issued ones (less their
issued credit notes) count. The final invoice of the order (the one that
leaves nothing to invoice) deducts every issued down payment not deducted
yet (``invoice_issue``).
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import Actor
from comptoir.audit.writes import audit
from comptoir.core.money import percent_of, to_cents
from comptoir.invoicing import selectors
from comptoir.invoicing.models import Invoice, InvoiceKind, InvoiceLine
from comptoir.sales.models import Order, Quote
from comptoir.sales.models.choices import OrderStatus, QuoteStatus


@transaction.atomic
def down_payment_create(
    *,
    actor: Actor,
    order: Order | None = None,
    quote: Quote | None = None,
    percent: Decimal | None = None,
    amount: Decimal | None = None,
    issue_date: date | None = None,
) -> Invoice:
    """A draft down-payment invoice of ``percent`` % or ``amount`` (excl. VAT)
    of an open order or an accepted quote."""
    if (order is None) == (quote is None):
        raise TypeError("down_payment_create: give an order or a quote")
    if (percent is None) == (amount is None):
        raise ValidationError({"amount": _("Give a percentage or an amount.")})
    if order is not None:
        order = Order.objects.of(order.organisation_id).select_for_update().get(pk=order.pk)
        if order.status == OrderStatus.CANCELLED:
            raise ValidationError({"order": _("A cancelled order takes no down payment.")})
    else:
        quote = Quote.objects.of(quote.organisation_id).select_for_update().get(pk=quote.pk)
        if quote.status != QuoteStatus.ACCEPTED:
            raise ValidationError({"quote": _("A down payment is asked on an accepted quote.")})
    source = order or quote
    document = selectors.source_document(order=order, quote=quote)
    totals = document.totals
    base = totals.tax_exclusive
    if percent is not None:
        if not Decimal(0) < Decimal(percent) <= Decimal(100):
            raise ValidationError({"percent": _("A percentage between 0 and 100.")})
        wanted = percent_of(base, percent)
    else:
        wanted = to_cents(Decimal(amount))
    room = selectors.down_payment_room(order=order, quote=quote)
    if wanted <= 0 or wanted > room:
        raise ValidationError(
            {
                "percent" if percent is not None else "amount": _(
                    "The down payment must be more than 0 and at most what remains of the "
                    "order: %(room)s excl. VAT."
                )
                % {"room": room}
            }
        )
    groups = [s for s in totals.vat if s.taxable > 0]
    services = {
        (str(line.vat_category), to_cents(line.vat_rate)): line.is_service
        for line in document.lines
    }
    invoice = Invoice(
        organisation_id=source.organisation_id,
        kind=InvoiceKind.DOWN_PAYMENT,
        party_id=source.party_id,
        order=order,
        quote=quote,
        issue_date=issue_date,
        purchase_order=source.purchase_order,
    )
    invoice.save()
    what = (
        _("Down payment of %(percent)s %% on %(number)s")
        % {"percent": f"{Decimal(percent).normalize():f}", "number": source.number or source.pk}
        if percent is not None
        else _("Down payment on %(number)s") % {"number": source.number or source.pk}
    )
    left = wanted
    for position, group in enumerate(groups, start=1):
        last = position == len(groups)
        share = left if last else to_cents(group.taxable * wanted / base)
        left -= share
        name = what if len(groups) == 1 else f"{what} ({group.category} {group.rate} %)"
        InvoiceLine.objects.create(
            invoice=invoice,
            position=position,
            name=name[:200],
            quantity=Decimal("1"),
            unit="LS",
            unit_price=share,
            vat_category=group.category,
            vat_rate=group.rate,
            is_service=services.get((group.category, group.rate), False),
        )
    audit(
        actor=actor,
        action=Action.CREATE,
        instance=invoice,
        fields=["kind", "party", "order" if order else "quote", "lines"],
    )
    return invoice
