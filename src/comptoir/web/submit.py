"""Forms that hand their cleaned data to a service.

The one way a page saves: the form checks what it can, the service checks the
rest and raises ``ValidationError`` keyed by field, and those errors land on
the form's own fields, so the page shows them where the person typed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Outcome:
    saved: bool
    value: Any = None


def add_service_errors(form, exc: ValidationError) -> None:
    """Put a service's errors on the form's fields (the rest above the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def submit(form, save: Callable[[dict], Any]) -> Outcome:
    """``save(cleaned_data)`` once the form is bound and valid; what it returns
    comes back in the outcome. Nothing is saved when either refuses."""
    if not form.is_valid():
        return Outcome(saved=False)
    try:
        value = save(dict(form.cleaned_data))
    except ValidationError as exc:
        add_service_errors(form, exc)
        return Outcome(saved=False)
    return Outcome(saved=True, value=value)
