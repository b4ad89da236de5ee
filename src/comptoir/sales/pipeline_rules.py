"""What the pipeline's services, API schemas and forms share: the fields they
accept (derived from the models), the default stages, and how an amount is read.

Pure: nothing here reads or writes the database.
"""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from comptoir.core.modelfields import editable_fields, parse_decimal
from comptoir.sales.models.pipeline import Opportunity, PipelineStage

# What a creation or an update may set: the models' editable fields (an
# opportunity's party is fixed at creation, its stage changes by a move).
STAGE_FIELDS = editable_fields(PipelineStage)
OPPORTUNITY_FIELDS = editable_fields(Opportunity, exclude={"party", "stage"})
AMOUNT = Opportunity._meta.get_field("amount")


def default_stages() -> list[tuple[str, int, bool, bool]]:
    """(name, probability, won, lost), named in the active language."""
    return [
        (_("Qualification"), 10, False, False),
        (_("Needs analysis"), 25, False, False),
        (_("Proposal"), 50, False, False),
        (_("Negotiation"), 75, False, False),
        (_("Won"), 100, True, False),
        (_("Lost"), 0, False, True),
    ]


def money(value: Any) -> Decimal:
    """An opportunity's amount as stored: a Decimal to the cent (ROUND_HALF_UP,
    ``core.money``), within what the column holds; a float is refused, never
    rounded blindly."""
    return parse_decimal(AMOUNT, value)
