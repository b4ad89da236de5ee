"""What a text typed by a person or sent by a client may hold.

A name, a title, a note: printable characters, tabs and line breaks. C0 control
characters (NUL and the others below U+0020 but tab, line feed and carriage
return), DEL, and lone UTF-16 surrogates (which no UTF-8 text can hold, and
which PostgreSQL and the encryption refuse) have no place in any of them.
The one check, for every entry point: model fields, forms, API bodies, imports.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def forbidden_character(value: str) -> str | None:
    """The first forbidden character of ``value`` as ``U+XXXX``, or None."""
    found = FORBIDDEN.search(value)
    return None if found is None else f"U+{ord(found.group()):04X}"


def validate_text(value) -> None:
    """A validator for text fields: refuses control characters and lone surrogates.

    The message names the character's code point, never the value."""
    if not isinstance(value, str):
        return
    character = forbidden_character(value)
    if character is not None:
        raise ValidationError(
            _("This text holds a control character (%(character)s) that has no place in it."),
            code="control_character",
            params={"character": character},
        )
