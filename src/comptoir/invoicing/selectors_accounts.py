"""Reads of what clients owe: invoices' settlement, payments, client accounts and
the organisation's figures. Computed in the database (annotations and
aggregates), never by a loop over rows.

An issued invoice or down-payment invoice is settled by payments allocated to
it and by the issued credit notes that credit it. What is left to pay is its
amount due (``payable``: after the down payments it deducts) less both,
never below zero; what a credit note gives beyond what was left stays in the
client's balance as credit. Its status:

* paid: nothing left;
* overdue: something left and its due date passed;
* partly paid: something paid or credited, something left, not overdue;
* unpaid: nothing paid or credited yet, not overdue.

The client account of a party: invoiced (issued invoices and down payments,
their amounts due) less credit notes less payments gives its balance
(positive: the client owes; negative: the client has credit). Unallocated
credit is what payments brought beyond what they settle.

Who sees what (the one place it is said): invoice amounts, statuses and client
accounts need ``ACCOUNT_VIEW``; payments (their references) ``PAYMENTS_VIEW``;
recording and allocating them ``PAYMENTS_MANAGE``. Support staff hold none.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Round
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.invoicing.models import (
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
)
from comptoir.parties.models import Party
from comptoir.tenancy.models import Organisation
from comptoir.tenancy.roles import Permission, has_permission

ACCOUNT_VIEW = Permission.SALES_VIEW
PAYMENTS_VIEW = Permission.FINANCE_VIEW
PAYMENTS_MANAGE = Permission.FINANCE_MANAGE

MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Value(Decimal("0.00"), output_field=MONEY)
# What a client pays: invoices and down-payment invoices (credit notes reduce it).
DEBITS = (InvoiceKind.INVOICE, InvoiceKind.DOWN_PAYMENT)


def sees_accounts(role: str) -> bool:
    return has_permission(role, ACCOUNT_VIEW)


def sees_payments(role: str) -> bool:
    return has_permission(role, PAYMENTS_VIEW)


def manages_payments(role: str) -> bool:
    return has_permission(role, PAYMENTS_MANAGE)


class Settlement:
    """An invoice's status of payment (computed, never stored)."""

    PAID = "paid"
    PARTLY_PAID = "partly_paid"
    UNPAID = "unpaid"
    OVERDUE = "overdue"

    LABELS = {
        PAID: _("Paid"),
        PARTLY_PAID: _("Partly paid"),
        UNPAID: _("Unpaid"),
        OVERDUE: _("Overdue"),
    }
    values = (PAID, PARTLY_PAID, UNPAID, OVERDUE)

    @classmethod
    def label(cls, value: str) -> str:
        return str(cls.LABELS[value])


def _money(expression):
    """Rounded to the cent in the database: SQLite adds decimals as floats."""
    return Round(ExpressionWrapper(expression, output_field=MONEY), 2, output_field=MONEY)


def _sum_of(queryset: QuerySet, group: str, column: str):
    return Coalesce(
        Subquery(
            queryset.order_by().values(group).annotate(total=Sum(column)).values("total")[:1],
            output_field=MONEY,
        ),
        ZERO,
        output_field=MONEY,
    )


def with_settlement(
    invoices: QuerySet[Invoice], *, organisation: Organisation, today: date | None = None
) -> QuerySet:
    """``invoices`` (of ``organisation``) with ``amount_paid``, ``amount_credited``,
    ``amount_left`` and ``settlement`` (a ``Settlement`` value)."""
    today = today or timezone.localdate()
    allocations = PaymentAllocation.objects.of(organisation).filter(invoice=OuterRef("pk"))
    credit_notes = Invoice.objects.of(organisation).filter(
        credited=OuterRef("pk"), kind=InvoiceKind.CREDIT_NOTE, status=InvoiceStatus.ISSUED
    )
    return (
        invoices.annotate(
            amount_paid=_sum_of(allocations, "invoice", "amount"),
            amount_credited=_sum_of(credit_notes, "credited", "payable"),
        )
        .annotate(
            amount_left=_money(
                Greatest(F("payable") - F("amount_paid") - F("amount_credited"), ZERO)
            )
        )
        .annotate(
            settlement=Case(
                When(amount_left__lte=0, then=Value(Settlement.PAID)),
                When(due_date__lt=today, then=Value(Settlement.OVERDUE)),
                When(
                    Q(amount_paid__gt=0) | Q(amount_credited__gt=0),
                    then=Value(Settlement.PARTLY_PAID),
                ),
                default=Value(Settlement.UNPAID),
            )
        )
    )


def invoice_settlements(
    *, organisation: Organisation, party: Party | None = None, today: date | None = None
) -> QuerySet[Invoice]:
    """Issued invoices and down payments with their settlement, oldest due first."""
    invoices = Invoice.objects.of(organisation).filter(status=InvoiceStatus.ISSUED, kind__in=DEBITS)
    if party is not None:
        invoices = invoices.filter(party=party)
    return with_settlement(invoices, organisation=organisation, today=today).order_by(
        F("due_date").asc(nulls_last=True), "issue_date", "pk"
    )


def open_invoices(
    *, organisation: Organisation, party: Party | None = None, today: date | None = None
) -> QuerySet[Invoice]:
    """What is left to pay, oldest due first: what an automatic allocation settles first."""
    return invoice_settlements(organisation=organisation, party=party, today=today).filter(
        amount_left__gt=0
    )


def invoice_settlement(*, organisation: Organisation, invoice_id: int) -> Invoice:
    invoices = Invoice.objects.of(organisation)
    return with_settlement(invoices, organisation=organisation).get(pk=invoice_id)


# Payments -----------------------------------------------------------------------
def with_unallocated(payments: QuerySet[Payment], *, organisation: Organisation) -> QuerySet:
    """``payments`` (of ``organisation``) with ``amount_allocated`` and ``amount_unallocated``."""
    allocations = PaymentAllocation.objects.of(organisation).filter(payment=OuterRef("pk"))
    return payments.annotate(
        amount_allocated=_sum_of(allocations, "payment", "amount"),
    ).annotate(amount_unallocated=_money(F("amount") - F("amount_allocated")))


def payment_list(*, organisation: Organisation, party: Party | None = None) -> QuerySet[Payment]:
    # The data subjects too: the reference and an individual's name decrypt under them.
    payments = Payment.objects.of(organisation).select_related(
        "data_subject", "party", "party__data_subject"
    )
    if party is not None:
        payments = payments.filter(party=party)
    return with_unallocated(payments, organisation=organisation).order_by("-received_on", "-pk")


def payment_get(*, organisation: Organisation, payment_id: int) -> Payment:
    return payment_list(organisation=organisation).get(pk=payment_id)


def allocation_list(*, organisation: Organisation, payment: Payment) -> QuerySet[PaymentAllocation]:
    return (
        PaymentAllocation.objects.of(organisation)
        .filter(payment=payment)
        .select_related("invoice")
        .order_by("pk")
    )


def allocation_get(*, organisation: Organisation, allocation_id: int) -> PaymentAllocation:
    return (
        PaymentAllocation.objects.of(organisation)
        .select_related("payment", "invoice")
        .get(pk=allocation_id)
    )


# Client accounts ----------------------------------------------------------------
@dataclass(frozen=True)
class ClientAccount:
    party: Party
    invoiced: Decimal
    credited: Decimal
    paid: Decimal
    unallocated_credit: Decimal
    open_items: list[Invoice]
    today: date

    @property
    def balance(self) -> Decimal:
        """Positive: what the client owes; negative: the client's credit."""
        return self.invoiced - self.credited - self.paid

    @property
    def overdue_items(self) -> list[Invoice]:
        return [i for i in self.open_items if i.settlement == Settlement.OVERDUE]

    @property
    def overdue(self) -> Decimal:
        return sum((i.amount_left for i in self.overdue_items), Decimal("0.00"))

    @property
    def open(self) -> Decimal:
        return sum((i.amount_left for i in self.open_items), Decimal("0.00"))


def _total(queryset: QuerySet, column: str) -> Decimal:
    found = queryset.aggregate(total=Coalesce(Sum(column), ZERO, output_field=MONEY))["total"]
    return Decimal(found).quantize(Decimal("0.01"))


def client_account(
    *, organisation: Organisation, party: Party, today: date | None = None
) -> ClientAccount:
    today = today or timezone.localdate()
    issued = Invoice.objects.of(organisation).filter(party=party, status=InvoiceStatus.ISSUED)
    payments = Payment.objects.of(organisation).filter(party=party)
    allocated = PaymentAllocation.objects.of(organisation).filter(payment__party=party)
    paid = _total(payments, "amount")
    return ClientAccount(
        party=party,
        invoiced=_total(issued.filter(kind__in=DEBITS), "payable"),
        credited=_total(issued.filter(kind=InvoiceKind.CREDIT_NOTE), "payable"),
        paid=paid,
        unallocated_credit=paid - _total(allocated, "amount"),
        open_items=list(open_invoices(organisation=organisation, party=party, today=today)),
        today=today,
    )


# The organisation's figures -----------------------------------------------------
@dataclass(frozen=True)
class Invoiced:
    excl_vat: Decimal
    incl_vat: Decimal


@dataclass(frozen=True)
class FinanceFigures:
    month: Invoiced
    year: Invoiced
    unpaid: Decimal
    overdue: Decimal
    today: date


def _signed(column: str):
    """A credit note's amount counts against what was invoiced."""
    return Case(
        When(kind=InvoiceKind.CREDIT_NOTE, then=-F(column)),
        default=F(column),
        output_field=MONEY,
    )


def _invoiced(issued: QuerySet, start: date, end: date) -> Invoiced:
    """Invoiced between two dates: invoices, credit notes (negative) and the
    down payments no final invoice has deducted yet (a final invoice's totals
    include the down payments it deducts)."""
    found = issued.filter(issue_date__gte=start, issue_date__lte=end).aggregate(
        excl=Coalesce(Sum(_signed("total_excl_vat")), ZERO, output_field=MONEY),
        incl=Coalesce(Sum(_signed("total_incl_vat")), ZERO, output_field=MONEY),
    )
    cent = Decimal("0.01")
    return Invoiced(Decimal(found["excl"]).quantize(cent), Decimal(found["incl"]).quantize(cent))


def finance_figures(*, organisation: Organisation, today: date | None = None) -> FinanceFigures:
    today = today or timezone.localdate()
    issued = Invoice.objects.of(organisation).filter(status=InvoiceStatus.ISSUED)
    counted = issued.exclude(kind=InvoiceKind.DOWN_PAYMENT, deducted_on__isnull=False)
    left = open_invoices(organisation=organisation, today=today).order_by()
    totals = left.aggregate(
        unpaid=Coalesce(Sum("amount_left"), ZERO, output_field=MONEY),
        overdue=Coalesce(
            Sum("amount_left", filter=Q(due_date__lt=today)), ZERO, output_field=MONEY
        ),
    )
    cent = Decimal("0.01")
    return FinanceFigures(
        month=_invoiced(counted, today.replace(day=1), today),
        year=_invoiced(counted, today.replace(month=1, day=1), today),
        unpaid=Decimal(totals["unpaid"]).quantize(cent),
        overdue=Decimal(totals["overdue"]).quantize(cent),
        today=today,
    )
