"""Payments through the services: partial, over several invoices, overpayment as
credit, over-allocation refused, statuses, client accounts."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from comptoir.audit.models import AuditEvent
from comptoir.invoicing import selectors_accounts as accounts
from comptoir.invoicing.models import InvoiceKind, Payment, PaymentAllocation
from comptoir.invoicing.selectors_accounts import Settlement
from comptoir.invoicing.services.payments import (
    payment_allocate,
    payment_delete,
    payment_unallocate,
)
from tests.invoicing.payments.issued import draft_invoice

D = Decimal


def _state(org, invoice):
    found = accounts.invoice_settlement(organisation=org, invoice_id=invoice.pk)
    return found.amount_paid, found.amount_left, found.settlement


def _counts():
    return (
        Payment.across_organisations.count(),
        PaymentAllocation.across_organisations.count(),
        AuditEvent.objects.count(),
    )


def test_a_partial_payment_leaves_the_invoice_partly_paid(world, make_client, issued, pay):
    client = make_client()
    invoice = issued(client, "120.00")
    assert _state(world.org_a, invoice) == (D("0.00"), D("120.00"), Settlement.UNPAID)
    pay(client, "50.00", allocations=[(invoice, "50.00")])
    assert _state(world.org_a, invoice) == (D("50.00"), D("70.00"), Settlement.PARTLY_PAID)
    pay(client, "70,00", allocations=[(invoice, "70")])
    assert _state(world.org_a, invoice) == (D("120.00"), D("0.00"), Settlement.PAID)


def test_one_payment_settles_several_invoices(world, make_client, issued, pay):
    client = make_client()
    first, second = issued(client, "100.10"), issued(client, "33.37")
    payment = pay(client, "133.47", allocations=[(first, "100.10"), (second, "33.37")])
    assert _state(world.org_a, first)[2] == Settlement.PAID
    assert _state(world.org_a, second)[2] == Settlement.PAID
    found = accounts.payment_get(organisation=world.org_a, payment_id=payment.pk)
    assert found.amount_unallocated == D("0.00")


def test_automatic_allocation_settles_the_oldest_due_first(world, make_client, issued, pay):
    client = make_client()
    today = date.today()
    later = issued(client, "80.00", due=today + timedelta(days=20))
    older = issued(client, "50.00", due=today + timedelta(days=5))
    pay(client, "90.00", allocations="auto")
    assert _state(world.org_a, older) == (D("50.00"), D("0.00"), Settlement.PAID)
    assert _state(world.org_a, later) == (D("40.00"), D("40.00"), Settlement.PARTLY_PAID)


def test_an_overpayment_stays_as_credit_then_settles_another_invoice(
    world, make_client, issued, pay, accountant
):
    client = make_client()
    invoice = issued(client, "100.00")
    payment = pay(client, "150.00", allocations="auto")
    assert _state(world.org_a, invoice)[2] == Settlement.PAID
    account = accounts.client_account(organisation=world.org_a, party=client)
    assert account.unallocated_credit == D("50.00")
    assert account.balance == D("-50.00")
    later = issued(client, "80.00")
    payment_allocate(actor=accountant, payment=payment, invoice=later, amount="50.00")
    assert _state(world.org_a, later) == (D("50.00"), D("30.00"), Settlement.PARTLY_PAID)
    account = accounts.client_account(organisation=world.org_a, party=client)
    assert (account.unallocated_credit, account.balance) == (D("0.00"), D("30.00"))


def test_allocating_more_than_is_left_to_pay_is_refused(world, make_client, issued, pay):
    client = make_client()
    invoice = issued(client, "120.00")
    before = _counts()
    with pytest.raises(ValidationError) as refused:
        pay(client, "200.00", allocations=[(invoice, "120.01")])
    message = refused.value.message_dict["allocations"][0]
    assert "120,01" in message and invoice.number in message and "120,00" in message
    assert _counts() == before  # nothing recorded, not even the payment


def test_allocating_more_than_is_left_of_the_payment_is_refused(
    world, make_client, issued, pay, accountant
):
    client = make_client()
    first, second = issued(client, "60.00"), issued(client, "60.00")
    payment = pay(client, "80.00", allocations=[(first, "60.00")])
    before = _counts()
    with pytest.raises(ValidationError) as refused:
        payment_allocate(actor=accountant, payment=payment, invoice=second, amount="20.01")
    assert "20,00" in refused.value.message_dict["allocations"][0]
    assert _counts() == before
    payment_allocate(actor=accountant, payment=payment, invoice=second, amount="20.00")
    assert _state(world.org_a, second)[1] == D("40.00")


def test_only_issued_invoices_of_the_same_client_are_settled(
    world, make_client, issued, pay, accountant
):
    client, other = make_client(), make_client()
    payment = pay(client, "100.00")
    theirs = issued(other, "50.00")
    draft = draft_invoice(client)
    credit_note = issued(client, "10.00", kind=InvoiceKind.CREDIT_NOTE)
    elsewhere = issued(make_client(world.org_b), "50.00")
    for invoice in (theirs, draft, credit_note, elsewhere):
        with pytest.raises(ValidationError):
            payment_allocate(actor=accountant, payment=payment, invoice=invoice, amount="10")
    assert not PaymentAllocation.across_organisations.exists()


def test_a_bad_amount_is_refused_with_its_field(world, make_client, pay):
    client = make_client()
    for amount in ("0", "-5", "abc", "1e400", "123456789012345"):
        with pytest.raises(ValidationError) as refused:
            pay(client, amount)
        assert "amount" in refused.value.message_dict
    assert not Payment.across_organisations.exists()


def test_statuses_include_overdue(world, make_client, issued, pay, time_machine):
    time_machine.move_to(date(2026, 3, 1))
    client = make_client()
    unpaid = issued(client, "100.00", issued_on=date(2026, 3, 1), due=date(2026, 3, 31))
    partly = issued(client, "100.00", issued_on=date(2026, 3, 1), due=date(2026, 3, 31))
    paid = issued(client, "100.00", issued_on=date(2026, 3, 1), due=date(2026, 3, 31))
    pay(client, "140.00", allocations=[(partly, "40.00"), (paid, "100.00")])
    states = {i.pk: _state(world.org_a, i)[2] for i in (unpaid, partly, paid)}
    assert states == {
        unpaid.pk: Settlement.UNPAID,
        partly.pk: Settlement.PARTLY_PAID,
        paid.pk: Settlement.PAID,
    }
    time_machine.move_to(date(2026, 4, 1))  # the due date passed
    states = {i.pk: _state(world.org_a, i)[2] for i in (unpaid, partly, paid)}
    assert states == {
        unpaid.pk: Settlement.OVERDUE,
        partly.pk: Settlement.OVERDUE,
        paid.pk: Settlement.PAID,
    }
    account = accounts.client_account(organisation=world.org_a, party=client)
    assert [i.pk for i in account.overdue_items] == [unpaid.pk, partly.pk]
    assert account.overdue == D("160.00")


def test_a_credit_note_reduces_what_is_owed(world, make_client, issued, pay):
    client = make_client()
    invoice = issued(client, "120.00")
    issued(client, "20.00", kind=InvoiceKind.CREDIT_NOTE, credited=invoice)
    issued(client, "5.00", kind=InvoiceKind.CREDIT_NOTE)  # left as credit
    assert _state(world.org_a, invoice)[1:] == (D("100.00"), Settlement.PARTLY_PAID)
    pay(client, "100.00", allocations=[(invoice, "100.00")])
    assert _state(world.org_a, invoice)[2] == Settlement.PAID
    account = accounts.client_account(organisation=world.org_a, party=client)
    assert (account.invoiced, account.credited, account.paid) == (
        D("120.00"),
        D("25.00"),
        D("100.00"),
    )
    assert account.balance == D("-5.00")


def test_client_account_of_down_payment_and_final_invoice(world, make_client, issued, pay):
    client = make_client()
    down = issued(client, "300.00", kind=InvoiceKind.DOWN_PAYMENT)
    pay(client, "300.00", allocations="auto")
    final = issued(client, "700.00", prepaid="300.00")  # deducts the down payment
    account = accounts.client_account(organisation=world.org_a, party=client)
    assert account.balance == D("700.00")
    assert [i.pk for i in account.open_items] == [final.pk]
    assert _state(world.org_a, down)[2] == Settlement.PAID


def test_unallocate_gives_the_amount_back_as_credit(world, make_client, issued, pay, accountant):
    client = make_client()
    invoice = issued(client, "100.00")
    payment = pay(client, "100.00", allocations="auto")
    allocation = PaymentAllocation.objects.of(world.org_a).get(payment=payment)
    payment_unallocate(actor=accountant, allocation=allocation)
    assert _state(world.org_a, invoice)[2] == Settlement.UNPAID
    found = accounts.payment_get(organisation=world.org_a, payment_id=payment.pk)
    assert found.amount_unallocated == D("100.00")


def test_only_an_unallocated_payment_is_deleted(world, make_client, issued, pay, accountant):
    client = make_client()
    issued(client, "100.00")
    payment = pay(client, "40.00", allocations="auto")
    with pytest.raises(ValidationError) as refused:
        payment_delete(actor=accountant, payment=payment)
    assert refused.value.code == "allocated"
    assert Payment.objects.of(world.org_a).filter(pk=payment.pk).exists()
    allocation = PaymentAllocation.objects.of(world.org_a).get(payment=payment)
    payment_unallocate(actor=accountant, allocation=allocation)
    payment_delete(actor=accountant, payment=payment)
    assert not Payment.objects.of(world.org_a).filter(pk=payment.pk).exists()


def test_finance_figures(world, make_client, issued, pay, time_machine):
    time_machine.move_to(date(2026, 5, 20))
    client = make_client()
    issued(client, "120.00", issued_on=date(2026, 1, 10), due=date(2026, 2, 10))  # overdue
    this_month = issued(client, "240.00", issued_on=date(2026, 5, 2), due=date(2026, 6, 2))
    issued(client, "24.00", issued_on=date(2026, 5, 3), kind=InvoiceKind.CREDIT_NOTE)
    issued(client, "60.00", issued_on=date(2025, 12, 3), due=date(2025, 12, 31))  # last year
    issued(make_client(world.org_b), "999.00", issued_on=date(2026, 5, 2))  # another org's
    pay(client, "40.00", allocations=[(this_month, "40.00")])
    figures = accounts.finance_figures(organisation=world.org_a)
    assert (figures.month.excl_vat, figures.month.incl_vat) == (D("180.00"), D("216.00"))
    assert (figures.year.excl_vat, figures.year.incl_vat) == (D("280.00"), D("336.00"))
    assert figures.unpaid == D("120.00") + D("200.00") + D("60.00")
    assert figures.overdue == D("180.00")


def test_an_individual_s_payment_is_under_their_key(world, make_client, pay):
    person, company = make_client(individual=True), make_client()
    assert pay(person, "10.00").data_subject_id == person.data_subject_id is not None
    assert pay(company, "10.00").data_subject_id is None
