"""How the e-invoice writers write numbers, and the French billing framework
(BT-23) they state when the document gives none."""

import dataclasses
from decimal import Decimal

import pytest

from comptoir.core.documents import Kind, Operation
from comptoir.invoicing.einvoice import common
from tests.invoicing.einvoice.makers import document, line


@pytest.mark.parametrize(
    ("value", "plain", "price"),
    [
        ("100", "100", "100.00"),
        ("1E+2", "100", "100.00"),
        ("1.500", "1.5", "1.50"),
        ("12.3456", "12.3456", "12.3456"),
        ("0.0001", "0.0001", "0.0001"),
        ("5.50", "5.5", "5.50"),
    ],
)
def test_numbers_are_written_without_exponent_nor_needless_zeros(value, plain, price):
    assert common.plain(Decimal(value)) == plain
    assert common.price(Decimal(value)) == price


def test_amounts_have_two_decimals_rounded_half_up():
    assert common.amount(Decimal("2.005")) == "2.01"
    assert common.amount(Decimal("-3")) == "-3.00"


@pytest.mark.parametrize(
    ("kind", "operation", "prepaid", "code"),
    [
        (Kind.INVOICE, Operation.GOODS, "0", "B1"),
        (Kind.INVOICE, Operation.SERVICES, "0", "S1"),
        (Kind.INVOICE, Operation.MIXED, "0", "M1"),
        (Kind.INVOICE, Operation.SERVICES, "120.00", "S4"),  # final after down payment
        (Kind.DOWN_PAYMENT, Operation.GOODS, "0", "B1"),  # never B4 on a 386 (BR-FR-CO-08)
        (Kind.CREDIT_NOTE, Operation.MIXED, "0", "M1"),
    ],
)
def test_the_billing_framework_when_the_document_gives_none(kind, operation, prepaid, code):
    doc = document([line("1", "100")], kind=kind, operation=operation, prepaid=Decimal(prepaid))
    assert common.billing_framework(doc) == code


def test_a_stated_billing_framework_is_kept():
    doc = dataclasses.replace(document([line("1", "100")]), billing_framework="S2")
    assert common.billing_framework(doc) == "S2"
