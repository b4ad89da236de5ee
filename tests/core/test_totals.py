"""``core.totals`` held to the EN 16931 equations BR-CO-10 to BR-CO-16 (and
BR-CO-17, BR-S-08: VAT per rate on the rounded base) for any lines,
discounts, charges and prepaid amounts; and worked examples with known
results."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from comptoir.core.money import to_cents
from comptoir.core.totals import Adjustment, Priced, compute, document_discount, line_amounts
from comptoir.core.vat import RATES

CENT = Decimal("0.01")

# (category, rate) pairs as a French or Belgian seller invoices them.
VAT = st.sampled_from(
    [("S", rate) for rate in RATES["FR"] + RATES["BE"] if rate]
    + [(category, Decimal("0")) for category in ("Z", "E", "AE", "K", "G", "O")]
)


def decimals(places: int, low: str, high: str):
    return st.decimals(
        min_value=Decimal(low), max_value=Decimal(high), places=places, allow_nan=False
    )


@st.composite
def lines(draw):
    category, rate = draw(VAT)
    return Priced(
        quantity=draw(decimals(3, "0", "100000")),
        unit_price=draw(decimals(4, "0", "100000")),
        vat_category=category,
        vat_rate=rate,
        discount_percent=draw(st.one_of(st.just(Decimal("0")), decimals(2, "0", "100"))),
    )


@st.composite
def adjustments(draw):
    category, rate = draw(VAT)
    return Adjustment(
        amount=draw(decimals(2, "0", "10000")),
        vat_category=category,
        vat_rate=rate,
        is_charge=draw(st.booleans()),
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(lines(), min_size=1, max_size=12),
    st.lists(adjustments(), max_size=4),
    decimals(2, "0", "1000"),
    st.one_of(st.just(Decimal("0")), decimals(2, "0", "100")),
)
def test_the_en16931_equations_hold(priced, extra, prepaid, discount):
    adjustments = [*document_discount(priced, discount), *extra]
    totals = compute(priced, adjustments, prepaid=prepaid)
    allowances = [a.amount for a in adjustments if not a.is_charge]
    charges = [a.amount for a in adjustments if a.is_charge]
    # Every amount is to the cent.
    for amount in (totals.line_total, totals.tax_total, totals.tax_inclusive, totals.payable):
        assert amount == amount.quantize(CENT)
    for line, amounts in zip(priced, totals.lines, strict=True):
        assert amounts.net == amounts.gross - amounts.discount
        assert amounts.gross == to_cents(line.quantity * line.unit_price)
    assert totals.line_total == sum(a.net for a in totals.lines)  # BR-CO-10
    assert totals.allowance_total == sum(allowances, Decimal(0))  # BR-CO-11
    assert totals.charge_total == sum(charges, Decimal(0))  # BR-CO-12
    assert totals.tax_exclusive == (  # BR-CO-13
        totals.line_total - totals.allowance_total + totals.charge_total
    )
    assert totals.tax_total == sum(s.tax for s in totals.vat)  # BR-CO-14
    assert totals.tax_inclusive == totals.tax_exclusive + totals.tax_total  # BR-CO-15
    assert totals.payable == totals.tax_inclusive - totals.prepaid + totals.rounding  # BR-CO-16
    assert totals.prepaid == prepaid
    for subtotal in totals.vat:  # BR-CO-17 and BR-S-08 / BR-Z-08...: per (category, rate)
        expected = to_cents(subtotal.taxable * subtotal.rate / 100)
        assert subtotal.tax == (expected if subtotal.category == "S" else 0)
        same = [(p, a) for p, a in zip(priced, totals.lines, strict=True)]
        base = sum(
            (
                a.net
                for p, a in same
                if (p.vat_category, to_cents(p.vat_rate)) == (subtotal.category, subtotal.rate)
            ),
            Decimal(0),
        ) + sum(
            (
                adj.amount if adj.is_charge else -adj.amount
                for adj in adjustments
                if (adj.vat_category, to_cents(adj.vat_rate)) == (subtotal.category, subtotal.rate)
            ),
            Decimal(0),
        )
        assert subtotal.taxable == base
    assert sum(s.taxable for s in totals.vat) == totals.tax_exclusive


@given(st.lists(lines(), min_size=1, max_size=8), decimals(2, "0", "100"))
def test_a_document_discount_is_one_allowance_per_vat_group(priced, percent):
    allowances = document_discount(priced, percent)
    keys = [(a.vat_category, a.vat_rate) for a in allowances]
    assert len(keys) == len(set(keys))
    for allowance in allowances:
        assert allowance.amount == to_cents(allowance.base * percent / 100) > 0
        assert not allowance.is_charge


def test_each_line_rounds_half_up():
    # 3 x 0.335 = 1.005: half up gives 1.01 (banker's rounding would give 1.00).
    assert line_amounts(Priced(Decimal("3"), Decimal("0.335"), "S", Decimal("20"))).net == Decimal(
        "1.01"
    )
    # 33.33 less 10 %: the discount 3.333 rounds to 3.33, the net is 30.00.
    discounted = line_amounts(
        Priced(Decimal("1"), Decimal("33.33"), "S", Decimal("20"), Decimal("10"))
    )
    assert (discounted.discount, discounted.net) == (Decimal("3.33"), Decimal("30.00"))
    # 0.125 x 1 rounds half up to 0.13.
    assert line_amounts(Priced(Decimal("1"), Decimal("0.125"), "S", Decimal("20"))).net == Decimal(
        "0.13"
    )


def test_vat_is_per_rate_on_the_rounded_base():
    """Three lines of 0.10 at 5.5 %: VAT per line would be 3 x 0.01 = 0.03; on
    the rate's base (0.30) it is 0.0165, rounded to 0.02."""
    lines = [Priced(Decimal("1"), Decimal("0.10"), "S", Decimal("5.5"))] * 3
    totals = compute(lines)
    assert [(s.rate, s.taxable, s.tax) for s in totals.vat] == [
        (Decimal("5.50"), Decimal("0.30"), Decimal("0.02"))
    ]
    assert totals.tax_inclusive == Decimal("0.32")


def test_a_worked_invoice():
    """Two rates, a 5 % document discount, 12.50 shipping at 20 %, a down
    payment of 100.00 already paid."""
    lines = [
        Priced(Decimal("3"), Decimal("49.99"), "S", Decimal("20")),  # 149.97
        Priced(Decimal("2.5"), Decimal("12.34"), "S", Decimal("5.5"), Decimal("10")),
        # 30.85 less 3.09 (3.085 half up) = 27.76
        Priced(Decimal("1"), Decimal("80"), "E", Decimal("0")),  # 80.00
    ]
    adjustments = [
        *document_discount(lines, Decimal("5")),  # 7.50 (7.4985), 1.39 (1.388), 4.00
        Adjustment(Decimal("12.50"), "S", Decimal("20"), is_charge=True),
    ]
    totals = compute(lines, adjustments, prepaid=Decimal("100"))
    assert [a.net for a in totals.lines] == [Decimal("149.97"), Decimal("27.76"), Decimal("80.00")]
    assert totals.line_total == Decimal("257.73")
    assert totals.allowance_total == Decimal("12.89")
    assert totals.charge_total == Decimal("12.50")
    assert totals.tax_exclusive == Decimal("257.34")
    by_rate = {(s.category, s.rate): (s.taxable, s.tax) for s in totals.vat}
    assert by_rate == {
        ("E", Decimal("0.00")): (Decimal("76.00"), Decimal("0.00")),
        ("S", Decimal("5.50")): (Decimal("26.37"), Decimal("1.45")),  # 1.45035
        ("S", Decimal("20.00")): (Decimal("154.97"), Decimal("30.99")),  # 30.994
    }
    assert totals.tax_total == Decimal("32.44")
    assert totals.tax_inclusive == Decimal("289.78")
    assert totals.payable == Decimal("189.78")
