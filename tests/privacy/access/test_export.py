"""The access export holds every row about the person, and nobody else's."""

import io
import json
import zipfile

from faker import Faker

from comptoir.audit.models import Action, AuditEvent
from comptoir.audit.services import Actor
from comptoir.parties import services
from comptoir.parties.models import PartyKind
from comptoir.privacy.access import access_export

fake = Faker("fr_FR")


def test_the_export_holds_the_person_and_their_interactions_only(world):
    actor = Actor.user(world.member("owner").pk)
    email, note = fake.email(), fake.sentence()
    person = services.party_create(
        actor=actor,
        organisation=world.org_a,
        kind=PartyKind.INDIVIDUAL,
        family_name=fake.last_name(),
        email=email,
    )
    services.interaction_record(
        actor=actor, party=person, kind="call", direction="inbound", note=note
    )
    other = services.party_create(
        actor=actor,
        organisation=world.org_a,
        kind=PartyKind.INDIVIDUAL,
        family_name=fake.last_name(),
        email=fake.email(),
    )

    export = access_export(organisation=world.org_a, subjects=[person.data_subject], actor=actor)

    archive = zipfile.ZipFile(io.BytesIO(export.content))
    parties = json.loads(archive.read("data/parties.party.json"))
    assert [row["email"] for row in parties] == [email]
    assert other.email not in archive.read("data/parties.party.json").decode()
    interactions = json.loads(archive.read("data/parties.interaction.json"))
    assert [row["note"] for row in interactions] == [note]
    assert AuditEvent.objects.filter(
        action=Action.EXPORT, object_id=str(person.data_subject.uuid)
    ).exists()
