"""Payments: recorded, allocated to issued invoices, unallocated, deleted.

Each service validates, writes and journals one audit record (field names,
never values) in one transaction. The rules of an allocation, checked under
row locks of the payment and the invoices:

* only an ISSUED invoice or down-payment invoice of the payment's party and
  organisation (credit notes settle their invoice themselves);
* never more than what is left to pay on the invoice
  (``selectors_accounts.with_settlement``), nor more than what is left of
  the payment (its unallocated part, the party's credit).

Deleting a payment: only one with no allocation left. A payment that settles
invoices is undone step by step (``payment_unallocate``, each journalled),
so an invoice's status never changes without a record of which allocation
went; a payment recorded by mistake (wrong party, wrong amount) is then
deleted, and the journal keeps who deleted it and when. A payment that really
came and went back (a bounced cheque) is the accounting's reversal entry,
not a deletion here.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import Actor
from comptoir.audit.writes import audit, validate
from comptoir.core.changes import filled
from comptoir.core.modelfields import editable_fields, parse_decimal
from comptoir.core.money import to_cents
from comptoir.invoicing import selectors_accounts as accounts
from comptoir.invoicing.models import Invoice, InvoiceStatus, Payment, PaymentAllocation
from comptoir.parties.models import Party

# What a recording sets: the model's editable fields (``party`` is given apart).
PAYMENT_FIELDS = editable_fields(Payment, exclude={"party"})
AMOUNT = Payment._meta.get_field("amount")
ALLOCATED = PaymentAllocation._meta.get_field("amount")
AUTO = "auto"

Allocations = Iterable[tuple[Invoice, Decimal | str]] | Literal["auto"] | None


def _shown(amount: Decimal) -> str:
    """An amount as the message's reader writes it (1 000,01 in French)."""
    return number_format(to_cents(amount), 2, force_grouping=True)


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError({"allocations": ValidationError(message, code=code)})


def _locked_payment(payment: Payment) -> Payment:
    locked = Payment.objects.of(payment.organisation_id).select_for_update().get(pk=payment.pk)
    return accounts.with_unallocated(
        Payment.objects.of(payment.organisation_id), organisation=payment.organisation_id
    ).get(pk=locked.pk)


def _locked_invoices(payment: Payment, invoices: list[Invoice]) -> dict[int, Invoice]:
    """The invoices, locked, with what is left to pay on each, or a refusal."""
    organisation = payment.organisation_id
    ids = sorted({invoice.pk for invoice in invoices})
    list(Invoice.objects.of(organisation).select_for_update().filter(pk__in=ids).values("pk"))
    found = {
        invoice.pk: invoice
        for invoice in accounts.with_settlement(
            Invoice.objects.of(organisation).filter(pk__in=ids), organisation=organisation
        )
    }
    for invoice in invoices:
        current = found.get(invoice.pk)
        if current is None or current.party_id != payment.party_id:
            raise _refuse(_("Only the invoices of the payment's client can be settled."), "party")
        if current.status != InvoiceStatus.ISSUED or current.kind not in accounts.DEBITS:
            raise _refuse(
                _("Only issued invoices and down-payment invoices can be settled."), "status"
            )
    return found


def _allocate(payment: Payment, pairs: list[tuple[Invoice, Decimal]]) -> list[PaymentAllocation]:
    """Check every pair against the locked rows, then write them all (or nothing)."""
    invoices = _locked_invoices(payment, [invoice for invoice, _amount in pairs])
    left_of_payment = payment.amount_unallocated
    allocations = []
    for invoice, amount in pairs:
        current = invoices[invoice.pk]
        if amount > current.amount_left:
            raise _refuse(
                _("%(amount)s is more than is left to pay on invoice %(number)s (%(left)s).")
                % {
                    "amount": _shown(amount),
                    "number": current.number,
                    "left": _shown(current.amount_left),
                },
                "invoice_exceeded",
            )
        if amount > left_of_payment:
            raise _refuse(
                _("%(amount)s is more than is left of the payment (%(left)s).")
                % {"amount": _shown(amount), "left": _shown(left_of_payment)},
                "payment_exceeded",
            )
        current.amount_left -= amount
        left_of_payment -= amount
        existing = PaymentAllocation.objects.of(payment.organisation_id).filter(
            payment=payment, invoice=current
        )
        allocation = existing.first() or PaymentAllocation(
            organisation_id=payment.organisation_id, payment=payment, invoice=current, amount=0
        )
        allocation.amount += amount
        allocations.append(allocation)
    for allocation in allocations:
        allocation.save()
    return allocations


def _amounts(pairs: Iterable[tuple[Invoice, Decimal | str]]) -> list[tuple[Invoice, Decimal]]:
    parsed = []
    for invoice, amount in pairs:
        try:
            parsed.append((invoice, parse_decimal(ALLOCATED, amount)))
        except ValidationError as exc:
            raise _refuse(" ".join(exc.message_dict["amount"]), "amount") from None
    seen = [invoice.pk for invoice, _amount in parsed]
    if len(seen) != len(set(seen)):
        raise _refuse(_("Each invoice once."), "duplicate")
    return parsed


def _automatic(payment: Payment) -> list[tuple[Invoice, Decimal]]:
    """The oldest open invoices of the party first, each settled as far as the payment goes."""
    pairs = []
    left = payment.amount_unallocated
    for invoice in accounts.open_invoices(
        organisation=payment.organisation_id, party=payment.party
    ):
        if left <= 0:
            break
        amount = min(left, invoice.amount_left)
        pairs.append((invoice, amount))
        left -= amount
    return pairs


@transaction.atomic
def payment_record(
    *,
    actor: Actor,
    party: Party,
    amount: Decimal | str,
    method: str,
    received_on: date,
    reference: str = "",
    notes: str = "",
    allocations: Allocations = None,
) -> Payment:
    """Record a payment of ``party``. ``allocations``: ``[(invoice, amount), ...]``,
    ``"auto"`` (the oldest open invoices first) or None (all of it kept as credit)."""
    payment = Payment(
        organisation_id=party.organisation_id,
        party=party,
        data_subject_id=party.data_subject_id,  # a person's key, or the organisation's
        amount=parse_decimal(AMOUNT, amount),
        method=method,
        received_on=received_on,
        reference=reference,
        notes=notes,
    )
    validate(payment, exclude=["row_uuid", "organisation", "data_subject"])
    pairs = None if allocations in (None, AUTO) else _amounts(allocations)
    payment.save()
    payment.amount_unallocated = payment.amount
    if allocations == AUTO:
        pairs = _automatic(payment)
    names = ["party", *filled(payment, PAYMENT_FIELDS)]
    if pairs:
        _allocate(payment, pairs)
        names.append("allocations")
    audit(actor=actor, action=Action.CREATE, instance=payment, fields=names)
    return payment


@transaction.atomic
def payment_allocate(
    *, actor: Actor, payment: Payment, invoice: Invoice, amount: Decimal | str
) -> PaymentAllocation:
    """Settle ``amount`` of ``invoice`` with what is left of ``payment`` (its credit)."""
    locked = _locked_payment(payment)
    [(invoice, parsed)] = _amounts([(invoice, amount)])
    existed = PaymentAllocation.objects.of(payment.organisation_id).filter(
        payment=locked, invoice=invoice
    )
    action = Action.UPDATE if existed.exists() else Action.CREATE
    [allocation] = _allocate(locked, [(invoice, parsed)])
    fields = ["amount"] if action == Action.UPDATE else ["payment", "invoice", "amount"]
    audit(actor=actor, action=action, instance=allocation, fields=fields)
    return allocation


@transaction.atomic
def payment_unallocate(*, actor: Actor, allocation: PaymentAllocation) -> Payment:
    """Undo an allocation: its amount goes back to the payment's credit."""
    payment = _locked_payment(allocation.payment)
    found = PaymentAllocation.objects.of(payment.organisation_id).filter(pk=allocation.pk)
    audit(actor=actor, action=Action.DELETE, instance=allocation, fields=["amount"])
    found.delete()
    return payment


@transaction.atomic
def payment_delete(*, actor: Actor, payment: Payment) -> None:
    """Delete a payment with no allocation (see the module's docstring)."""
    locked = _locked_payment(payment)
    if PaymentAllocation.objects.of(locked.organisation_id).filter(payment=locked).exists():
        raise ValidationError(
            _("This payment settles invoices: remove its allocations first."),
            code="allocated",
        )
    names = ["party", *filled(locked, PAYMENT_FIELDS)]
    audit(actor=actor, action=Action.DELETE, instance=locked, fields=names)
    Payment.objects.of(locked.organisation_id).filter(pk=locked.pk).delete()
