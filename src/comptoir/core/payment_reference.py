"""The Belgian structured communication (« communication structurée » /
« gestructureerde mededeling »): ``+++123/4567/89012+++``.

Twelve digits: ten of reference and two of check, the ten modulo 97 (97 when
the remainder is 0). The bank matches the transfer to the invoice by it.
"""

import re

_FORMAT = re.compile(r"^(?:\+\+\+|\*\*\*)?(\d{3})/?(\d{4})/?(\d{5})(?:\+\+\+|\*\*\*)?$")


def check_digits(reference: int) -> int:
    """The modulo-97 check of a ten-digit reference (97 when it is 0)."""
    return reference % 97 or 97


def structured(reference: int) -> str:
    """``+++ddd/dddd/ddddd+++`` for a reference of at most ten digits."""
    if not 0 <= reference < 10**10:
        raise ValueError("a structured communication holds a reference of at most ten digits")
    digits = f"{reference:010d}{check_digits(reference):02d}"
    return f"+++{digits[:3]}/{digits[3:7]}/{digits[7:]}+++"


def from_number(number: str, *, fallback: int = 0) -> str:
    """The structured communication of an invoice number: its digits (the last
    ten; ``F-2026-00042`` gives 202600042), or ``fallback`` (the invoice's id)
    when the number has none."""
    digits = "".join(ch for ch in number if ch.isdigit())[-10:]
    return structured(int(digits) if digits else fallback)


def is_valid(text: str) -> bool:
    """Whether ``text`` is a structured communication with a right check."""
    match = _FORMAT.match(text.strip().replace(" ", ""))
    if match is None:
        return False
    digits = "".join(match.groups())
    return check_digits(int(digits[:10])) == int(digits[10:])
