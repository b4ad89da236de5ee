"""The payments API and the client accounts.

Thin: each operation checks the caller's permission
(``selectors_accounts``: payments need finance.view to read and
finance.manage to write; a client account sales.view), turns ids of the body
into objects of the caller's organisation (an unknown id is a 422 on its
field), calls one service or selector and journals its read.
"""

from datetime import date
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from comptoir.api.auth import require
from comptoir.api.errors import ERRORS
from comptoir.api.modelschema import Id, model_schema
from comptoir.audit.reads import record_list_page, record_read, subjects_of
from comptoir.core.http import request_actor
from comptoir.core.money import to_cents
from comptoir.invoicing import selectors_accounts as accounts
from comptoir.invoicing.models import Invoice, InvoiceStatus, Payment, PaymentAllocation
from comptoir.invoicing.selectors_accounts import Settlement
from comptoir.invoicing.services import payments as services
from comptoir.invoicing.services.payments import PAYMENT_FIELDS
from comptoir.parties import selectors as parties
from comptoir.parties.models import Party

payments_router = Router(tags=["payments"])
client_accounts_router = Router(tags=["client accounts"])

PAYMENT = Payment._meta.label_lower
ALLOCATION = PaymentAllocation._meta.label_lower
PARTY = Party._meta.label_lower
MAX_ALLOCATIONS = 200


def _cents(value) -> str:
    return str(to_cents(value))


# Schemas -------------------------------------------------------------------------
AllocationIn = model_schema("AllocationIn", PaymentAllocation, {"invoice", "amount"}, mode="in")

PaymentIn = model_schema(
    "PaymentIn",
    Payment,
    {"party", *PAYMENT_FIELDS},
    mode="in",
    info={"received_on": {"default": None, "nullable": True, "description": "default: today"}},
    extra={
        "allocations": (
            Annotated[list[AllocationIn], Field(min_length=1, max_length=MAX_ALLOCATIONS)]
            | Literal["auto"]
            | None,
            Field(
                None,
                description=(
                    "The invoices this payment settles and how much of each; "
                    '"auto": the oldest open invoices of the client first; '
                    "null or absent: all of it kept as the client's credit. An amount "
                    "beyond what is left to pay on an invoice, or beyond the payment, "
                    "is refused (422 on allocations), and nothing is recorded."
                ),
            ),
        )
    },
)


class _AllocationOutBase(Schema):
    id: int
    invoice_number: str

    @staticmethod
    def resolve_invoice_number(obj) -> str:
        return obj.invoice.number

    @staticmethod
    def resolve_amount(obj) -> str:
        return _cents(obj.amount)


AllocationOut = model_schema(
    "AllocationOut",
    PaymentAllocation,
    {"payment", "invoice", "amount"},
    mode="out",
    base=_AllocationOutBase,
)


class _PaymentOutBase(Schema):
    id: int
    party_name: str
    amount_allocated: str
    amount_unallocated: str

    @staticmethod
    def resolve_party_name(obj) -> str:
        return obj.party.display_name

    @staticmethod
    def resolve_amount(obj) -> str:
        return _cents(obj.amount)

    @staticmethod
    def resolve_amount_allocated(obj) -> str:
        return _cents(obj.amount_allocated)

    @staticmethod
    def resolve_amount_unallocated(obj) -> str:
        return _cents(obj.amount_unallocated)


PaymentOut = model_schema(
    "PaymentOut",
    Payment,
    {"party", *PAYMENT_FIELDS, "created_at"},
    mode="out",
    base=_PaymentOutBase,
)


class PaymentDetailOut(PaymentOut):
    allocations: list[AllocationOut]

    @staticmethod
    def resolve_allocations(obj) -> list:
        return list(accounts.allocation_list(organisation=obj.organisation_id, payment=obj))


class PaymentFilter(Schema):
    party_id: Id | None = None


class OpenItemOut(Schema):
    id: int
    number: str
    kind: str
    issue_date: date | None
    due_date: date | None
    payable: str
    amount_paid: str
    amount_credited: str
    amount_left: str
    settlement: Literal[Settlement.values]  # type: ignore[valid-type]

    @staticmethod
    def resolve_payable(obj) -> str:
        return _cents(obj.payable)

    @staticmethod
    def resolve_amount_paid(obj) -> str:
        return _cents(obj.amount_paid)

    @staticmethod
    def resolve_amount_credited(obj) -> str:
        return _cents(obj.amount_credited)

    @staticmethod
    def resolve_amount_left(obj) -> str:
        return _cents(obj.amount_left)


class ClientAccountOut(Schema):
    party_id: int
    invoiced: str = Field(description="issued invoices and down payments, amounts due")
    credited: str = Field(description="issued credit notes")
    paid: str = Field(description="payments received")
    balance: str = Field(description="invoiced - credited - paid; negative: the client's credit")
    unallocated_credit: str = Field(description="payments not allocated to an invoice")
    open: str
    overdue: str
    open_items: list[OpenItemOut]
    overdue_items: list[OpenItemOut]


# Helpers -------------------------------------------------------------------------
def _one(queryset, pk: int, field: str):
    try:
        return queryset.get(pk=pk)
    except queryset.model.DoesNotExist:
        raise ValidationError(
            {field: _("Not found in this organisation.")}, code="not_found"
        ) from None


def _invoices(request):
    return Invoice.objects.of(request.organisation).filter(status=InvoiceStatus.ISSUED)


def _payment_of(request, payment_id: int) -> Payment:
    return accounts.payment_get(organisation=request.organisation, payment_id=payment_id)


def _detail(request, payment: Payment) -> Payment:
    """The payment read again, with what it settles and what is left of it."""
    return _payment_of(request, payment.pk)


# Payments ------------------------------------------------------------------------
@payments_router.get("", response={200: list[PaymentOut], **ERRORS})
@paginate
def payment_list(request, filters: Query[PaymentFilter]):
    require(request, accounts.PAYMENTS_VIEW)
    party = None
    if filters.party_id is not None:
        party = _one(
            parties.party_list(organisation=request.organisation), filters.party_id, "party_id"
        )
    record_list_page(request, object_type=PAYMENT)
    return accounts.payment_list(organisation=request.organisation, party=party)


@payments_router.post("", response={201: PaymentDetailOut, **ERRORS})
def payment_create(request, payload: PaymentIn):
    """Record a payment received, and what it settles."""
    require(request, accounts.PAYMENTS_MANAGE)
    party = _one(
        parties.party_list(organisation=request.organisation), payload.party_id, "party_id"
    )
    allocations = payload.allocations
    if isinstance(allocations, list):
        allocations = [
            (_one(_invoices(request), a.invoice_id, "allocations"), a.amount) for a in allocations
        ]
    fields = payload.dict(exclude={"party_id", "allocations"})
    fields["received_on"] = fields["received_on"] or timezone.localdate()
    payment = services.payment_record(
        actor=request_actor(request), party=party, allocations=allocations, **fields
    )
    return Status(201, _detail(request, payment))


@payments_router.get("/{int:payment_id}", response={200: PaymentDetailOut, **ERRORS})
def payment_detail(request, payment_id: int):
    require(request, accounts.PAYMENTS_VIEW)
    payment = _payment_of(request, payment_id)
    record_read(request, object_type=PAYMENT, object_id=payment.pk, subjects=subjects_of([payment]))
    return _detail(request, payment)


@payments_router.delete("/{int:payment_id}", response={204: None, **ERRORS})
def payment_delete(request, payment_id: int):
    """Delete a payment recorded by mistake; refused (422) while it settles invoices."""
    require(request, accounts.PAYMENTS_MANAGE)
    services.payment_delete(actor=request_actor(request), payment=_payment_of(request, payment_id))
    return Status(204, None)


@payments_router.post("/{int:payment_id}/allocations", response={201: AllocationOut, **ERRORS})
def payment_allocate(request, payment_id: int, payload: AllocationIn):
    """Settle an invoice with what is left of the payment (the client's credit)."""
    require(request, accounts.PAYMENTS_MANAGE)
    payment = _payment_of(request, payment_id)
    invoice = _one(_invoices(request), payload.invoice_id, "invoice_id")
    allocation = services.payment_allocate(
        actor=request_actor(request), payment=payment, invoice=invoice, amount=payload.amount
    )
    return Status(201, allocation)


@payments_router.delete(
    "/{int:payment_id}/allocations/{int:allocation_id}", response={200: PaymentDetailOut, **ERRORS}
)
def payment_unallocate(request, payment_id: int, allocation_id: int):
    """Undo an allocation: its amount goes back to the client's credit."""
    require(request, accounts.PAYMENTS_MANAGE)
    payment = _payment_of(request, payment_id)
    allocation = accounts.allocation_list(organisation=request.organisation, payment=payment).get(
        pk=allocation_id
    )
    services.payment_unallocate(actor=request_actor(request), allocation=allocation)
    return _detail(request, payment)


# Client accounts -----------------------------------------------------------------
@client_accounts_router.get("/{int:party_id}", response={200: ClientAccountOut, **ERRORS})
def client_account(request, party_id: int):
    """What the client was invoiced, credited and paid, its balance, and what is
    left to pay on each invoice (overdue ones apart)."""
    require(request, accounts.ACCOUNT_VIEW)
    party = parties.party_get(organisation=request.organisation, party_id=party_id)
    account = accounts.client_account(organisation=request.organisation, party=party)
    record_read(request, object_type=PARTY, object_id=party.pk, subjects=subjects_of([party]))
    return {
        "party_id": party.pk,
        **{
            name: _cents(getattr(account, name))
            for name in ("invoiced", "credited", "paid", "balance", "unallocated_credit")
        },
        "open": _cents(account.open),
        "overdue": _cents(account.overdue),
        "open_items": account.open_items,
        "overdue_items": account.overdue_items,
    }
