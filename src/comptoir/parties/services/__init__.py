"""What changes parties, contact persons, interactions and the pipeline.

Every service is keyword-only, runs in one transaction, validates before it
writes (``ValidationError`` keyed by field name, nothing written) and writes
one audit record naming the fields it set, never their values.
"""

from comptoir.parties.services.interactions import interaction_record
from comptoir.parties.services.parties import (
    contact_person_create,
    contact_person_update,
    party_create,
    party_update,
)
from comptoir.parties.services.pipeline import (
    money,
    opportunity_create,
    opportunity_move,
    opportunity_update,
    pipeline_stage_create,
    pipeline_stage_update,
    pipeline_stages_ensure,
)

__all__ = [
    "contact_person_create",
    "contact_person_update",
    "interaction_record",
    "money",
    "opportunity_create",
    "opportunity_move",
    "opportunity_update",
    "party_create",
    "party_update",
    "pipeline_stage_create",
    "pipeline_stage_update",
    "pipeline_stages_ensure",
]
