from comptoir.parties.importing.models import ImportJob, ImportStatus
from comptoir.parties.models.choices import (
    Channel,
    Civility,
    ContactStatus,
    Country,
    Direction,
    InteractionKind,
    Origin,
    PartyKind,
    PartyRole,
)
from comptoir.parties.models.interactions import Interaction
from comptoir.parties.models.parties import Party
from comptoir.parties.models.people import ContactPerson

__all__ = [
    "Channel",
    "Civility",
    "ContactPerson",
    "ContactStatus",
    "Country",
    "Direction",
    "ImportJob",
    "ImportStatus",
    "Interaction",
    "InteractionKind",
    "Origin",
    "Party",
    "PartyKind",
    "PartyRole",
]
