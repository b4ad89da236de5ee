"""What changes parties, contact persons and interactions.

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

__all__ = [
    "contact_person_create",
    "contact_person_update",
    "interaction_record",
    "party_create",
    "party_update",
]
