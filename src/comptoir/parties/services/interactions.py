"""Recording interactions on a party's timeline."""

from datetime import datetime

from django.db import transaction

from comptoir.audit.models import Action
from comptoir.audit.services import Actor
from comptoir.audit.writes import audit, validate
from comptoir.core.changes import filled
from comptoir.parties.models import ContactPerson, Interaction, Party
from comptoir.tenancy.models import Membership


@transaction.atomic
def interaction_record(
    *,
    actor: Actor,
    party: Party,
    kind: str,
    direction: str,
    occurred_at: datetime | None = None,
    contact_person: ContactPerson | None = None,
    note: str = "",
    recorded_by: Membership | None = None,
) -> Interaction:
    """Add an interaction to a party's timeline (``occurred_at`` defaults to now).

    The note is encrypted under the key of the person it is about: the
    contact person's if one is named, else the individual party's, else (a
    company) the organisation's.
    """
    interaction = Interaction(
        organisation_id=party.organisation_id,
        party=party,
        contact_person=contact_person,
        kind=kind,
        direction=direction,
        note=note,
        recorded_by=recorded_by,
    )
    if occurred_at is not None:
        interaction.occurred_at = occurred_at
    # The person first: ``validate`` refuses a row about a restricted person.
    subject = contact_person.data_subject if contact_person is not None else party.data_subject
    interaction.data_subject = subject
    validate(interaction)
    interaction.save()
    names = filled(interaction, ["kind", "direction", "occurred_at", "note", "contact_person"])
    audit(actor=actor, action=Action.CREATE, instance=interaction, fields=["party", *names])
    return interaction
