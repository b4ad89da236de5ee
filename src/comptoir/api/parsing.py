"""The one place where the API reads what a client sends: the JSON body and the query string.

Before any schema sees it, the body must be a JSON object (never an array, a
string, a number or ``null``), nested at most ``MAX_DEPTH`` levels, with finite
numbers only, and no string in it (keys included) may hold a control character
or a lone UTF-16 surrogate (``comptoir.core.text``, the one check). A query
string value is held to the same text check. Whatever breaks one of these is
refused with 422 naming the field, before any route runs.
"""

import json
import math

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja.parser import Parser

from comptoir.core.text import validate_text

# Deeper than any body of the API (a party with its nested lists is 3 levels),
# low enough that no code walking a body can run out of stack.
MAX_DEPTH = 32


class InputRefused(ValueError):
    """What the client sent cannot reach a schema; ``errors`` are the API's field errors."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.errors = [{"field": field, "message": message}]


def _text_error(value: str) -> str | None:
    """The text check's own message, or None when the text is acceptable."""
    try:
        validate_text(value)
    except ValidationError as error:
        return error.messages[0]
    return None


def _field(path: tuple) -> str:
    return ".".join(str(part) for part in path) or "body"


def _too_deep(field: str) -> InputRefused:
    message = _("The body is nested deeper than %(limit)d levels.") % {"limit": MAX_DEPTH}
    return InputRefused(field, message)


def _refuse_constant(name: str):
    # NaN, Infinity and -Infinity: Python's extension, not JSON.
    raise ValueError(name)


def check_body(data) -> None:
    """Raise ``InputRefused`` unless ``data`` (a parsed body) may reach a schema."""
    if not isinstance(data, dict):
        raise InputRefused("body", _("The body must be a JSON object."))
    stack = [(data, (), 1)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise _too_deep(_field(path))
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and (message := _text_error(key)):
                    raise InputRefused(_field(path), message)
                stack.append((item, (*path, key), depth + 1))
        elif isinstance(value, str):
            if message := _text_error(value):
                raise InputRefused(_field(path), message)
        elif isinstance(value, float) and not math.isfinite(value):
            raise InputRefused(_field(path), _("This number is out of range."))


class ApiParser(Parser):
    def parse_body(self, request):
        # ``request.body`` raises RequestDataTooBig past the limit: 413, in errors.py.
        try:
            data = json.loads(request.body, parse_constant=_refuse_constant)
        except RecursionError:  # deeper than Python's own parser goes
            raise _too_deep("body") from None
        check_body(data)
        return data

    def parse_querydict(self, data, list_fields, request):
        for key, values in data.lists():
            if message := _text_error(key):
                raise InputRefused("query", message)
            for value in values:
                if message := _text_error(value):
                    raise InputRefused(key, message)
        return super().parse_querydict(data, list_fields, request)
