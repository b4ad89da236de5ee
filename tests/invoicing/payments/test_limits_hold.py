"""Whatever the allocations tried, an invoice is never settled beyond its amount
due nor a payment spent beyond its amount: each allocation is accepted exactly
when both have enough left (a model of the two limits, kept beside the
database), and what the selectors compute matches the model afterwards."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comptoir.audit.services import Actor
from comptoir.invoicing import selectors_accounts as accounts
from comptoir.invoicing.services.payments import payment_allocate, payment_record

CENTS = st.integers(min_value=1, max_value=30_000).map(lambda c: Decimal(c) / 100)
PLAN = st.fixed_dictionaries(
    {
        "invoices": st.lists(CENTS, min_size=1, max_size=3),
        "payments": st.lists(CENTS, min_size=1, max_size=2),
        "tries": st.lists(
            st.tuples(st.integers(0, 2), st.integers(0, 1), CENTS), min_size=1, max_size=6
        ),
    }
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=PLAN)
def test_allocations_never_exceed_either_limit(world, make_client, issued, plan):
    actor = Actor.user(world.member("accountant").pk)
    client = make_client()  # a client of its own per example
    invoices = [issued(client, str(amount)) for amount in plan["invoices"]]
    payments = [
        payment_record(
            actor=actor, party=client, amount=amount, method="transfer", received_on=date.today()
        )
        for amount in plan["payments"]
    ]
    left_to_pay = {i.pk: i.payable for i in invoices}
    left_of_payment = {p.pk: p.amount for p in payments}
    for invoice_index, payment_index, amount in plan["tries"]:
        invoice = invoices[invoice_index % len(invoices)]
        payment = payments[payment_index % len(payments)]
        fits = amount <= left_to_pay[invoice.pk] and amount <= left_of_payment[payment.pk]
        try:
            payment_allocate(actor=actor, payment=payment, invoice=invoice, amount=amount)
            accepted = True
        except ValidationError as exc:
            assert "allocations" in exc.message_dict
            accepted = False
        assert accepted == fits, (amount, left_to_pay[invoice.pk], left_of_payment[payment.pk])
        if accepted:
            left_to_pay[invoice.pk] -= amount
            left_of_payment[payment.pk] -= amount
    for invoice in accounts.invoice_settlements(organisation=world.org_a, party=client):
        assert invoice.amount_left == left_to_pay[invoice.pk]
        assert invoice.amount_paid + invoice.amount_left == invoice.payable
        if invoice.amount_left == 0:
            assert invoice.settlement == accounts.Settlement.PAID
    for payment in accounts.payment_list(organisation=world.org_a, party=client):
        assert payment.amount_unallocated == left_of_payment[payment.pk]
