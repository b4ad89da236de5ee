"""The invoicing rules that are pure (no database write): read by the
services, and by the pages and API through them."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def frozen_error() -> ValidationError:
    return ValidationError(
        {
            "status": ValidationError(
                _(
                    "This invoice is issued: it can no longer change. "
                    "Correct it with a credit note."
                ),
                code="frozen",
            )
        }
    )
