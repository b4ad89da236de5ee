"""The Belgian structured communication: ten digits and their modulo 97."""

from hypothesis import given
from hypothesis import strategies as st

from comptoir.core import payment_reference


def test_known_values():
    # 0000000001: 1 mod 97 = 1; 97 when the remainder is 0.
    assert payment_reference.structured(1) == "+++000/0000/00101+++"
    assert payment_reference.structured(97) == "+++000/0000/09797+++"
    assert payment_reference.structured(0) == "+++000/0000/00097+++"
    assert payment_reference.from_number("F-2026-00042") == payment_reference.structured(202600042)
    assert payment_reference.from_number("ABC", fallback=7) == payment_reference.structured(7)


def test_validation():
    assert payment_reference.is_valid("+++090/9337/55493+++")
    assert payment_reference.is_valid("090/9337/55493")
    assert not payment_reference.is_valid("+++090/9337/55494+++")
    assert not payment_reference.is_valid("+++090/9337/5549+++")


@given(st.integers(min_value=0, max_value=10**10 - 1))
def test_every_generated_reference_is_valid(number):
    text = payment_reference.structured(number)
    assert payment_reference.is_valid(text)
    digits = text.strip("+").replace("/", "")
    assert int(digits[:10]) == number


@given(st.integers(min_value=0, max_value=10**10 - 1), st.integers(min_value=0, max_value=11))
def test_a_changed_digit_is_caught(number, position):
    digits = list(payment_reference.structured(number).strip("+").replace("/", ""))
    digits[position] = str((int(digits[position]) + 1) % 10)
    text = "".join(digits)
    reference, check = int(text[:10]), int(text[10:])
    assert payment_reference.is_valid(text) == (payment_reference.check_digits(reference) == check)
