"""Password strength as the CNIL's deliberation 2022-100 asks with throttling.

At least 50 bits of entropy: in practice at least 8 characters mixing three of
the four kinds (lower case, upper case, digits, other characters), or a longer
pass-phrase of fewer kinds whose estimated entropy reaches 50 bits.
"""

import math
import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_BITS = 50
MIN_LENGTH = 8

_KINDS = (
    (string.ascii_lowercase, 26),
    (string.ascii_uppercase, 26),
    (string.digits, 10),
)
_OTHER_ALPHABET = 33  # printable ASCII punctuation and space


def password_entropy_bits(password: str) -> float:
    """Length times log2 of the alphabet the password draws from."""
    alphabet = 0
    for chars, size in _KINDS:
        if any(c in chars for c in password):
            alphabet += size
    if any(not (c.isascii() and c.isalnum()) for c in password):
        alphabet += _OTHER_ALPHABET
    return len(password) * math.log2(alphabet) if alphabet else 0.0


def character_kinds(password: str) -> int:
    kinds = sum(1 for chars, _size in _KINDS if any(c in chars for c in password))
    return kinds + (1 if any(not (c.isascii() and c.isalnum()) for c in password) else 0)


class CnilPasswordValidator:
    def validate(self, password: str, user=None) -> None:
        if len(password) < MIN_LENGTH:
            raise ValidationError(
                _("Use at least %(min)d characters.") % {"min": MIN_LENGTH}, code="too_short"
            )
        strong_mix = character_kinds(password) >= 3
        if not strong_mix and password_entropy_bits(password) < MIN_BITS:
            raise ValidationError(
                _(
                    "This password is too weak: mix at least three kinds of characters "
                    "(lower case, upper case, digits, symbols) or make it longer."
                ),
                code="too_weak",
            )

    def get_help_text(self) -> str:
        return _(
            "At least 8 characters mixing three kinds among lower case, upper case, digits "
            "and symbols, or a longer pass-phrase."
        )
