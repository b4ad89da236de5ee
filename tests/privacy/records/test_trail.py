"""Who saw this person: the events naming them and those on their own rows,
newest first, with who, when and from where; the DPO's page and its API, each
read journalled; the recipients and the "notify" action on the page."""

import pytest
from faker import Faker

from comptoir.audit.models import Action, AuditEvent, AuditEventSubject
from comptoir.audit.selectors import subject_trail, subject_trail_rows
from comptoir.audit.services import Actor, audit_record
from comptoir.mail.models import Message
from comptoir.parties import services as parties
from comptoir.parties.models import PartyKind
from comptoir.privacy.records.disclosures import disclosure_record
from comptoir.privacy.records.models import DisclosureKind

fr = Faker("fr_FR")


@pytest.fixture(autouse=True)
def _outbox(settings):
    settings.EMAIL_BACKEND = "comptoir.mail.backend.OutboxBackend"


def _individual(organisation, actor):
    return parties.party_create(
        actor=actor,
        organisation=organisation,
        kind=PartyKind.INDIVIDUAL,
        given_names=fr.first_name(),
        family_name=fr.last_name(),
        email=fr.email(),
    )


@pytest.fixture
def people(world):
    owner = Actor.user(world.member("owner").pk, "192.0.2.20")
    person = _individual(world.org_a, owner)
    other = _individual(world.org_a, owner)
    theirs = _individual(world.org_b, Actor.user(world.owner_b.pk))
    return person, other, theirs


def test_the_trail_holds_reads_changes_and_events_on_their_rows(world, ui_as, people):
    person, other, theirs = people
    sales = world.member("sales")
    client = ui_as("sales")
    assert client.get(f"/parties/{person.pk}/").status_code == 200
    assert client.get(f"/parties/{other.pk}/").status_code == 200
    parties.party_update(
        actor=Actor.user(sales.pk, "198.51.100.7"), party=person, family_name=fr.last_name()
    )
    # An event on their row that names nobody (as older events do) is found by the row.
    audit_record(
        actor=Actor.system(),
        action=Action.EXPORT,
        organisation_id=world.org_a.pk,
        object_type="parties.party",
        object_id=person.pk,
    )
    # Organisation B's event on a row with the same id is not theirs.
    audit_record(
        actor=Actor.system(),
        action=Action.READ,
        organisation_id=world.org_b.pk,
        object_type="parties.party",
        object_id=person.pk,
    )
    trail = subject_trail(organisation=world.org_a, subject=person.data_subject)
    assert [(e.action, e.object_type) for e in trail] == [
        (Action.EXPORT, "parties.party"),
        (Action.UPDATE, "parties.party"),
        (Action.READ, "parties.party"),
        (Action.CREATE, "parties.party"),
    ]
    export, update, read, create = trail
    assert not export.named and update.named and read.named
    assert update.who == sales.name and update.ip_address == "198.51.100.7"
    assert update.fields == ["family_name"]
    assert read.who == sales.name
    assert export.who == "System" or export.actor_kind == "system"
    other_trail = subject_trail(organisation=world.org_a, subject=other.data_subject)
    assert {e.event_id for e in other_trail}.isdisjoint({e.event_id for e in trail[:3]})
    # paginated, newest first
    assert subject_trail(
        organisation=world.org_a, subject=person.data_subject, offset=1, limit=2
    ) == [update, read]
    rows = subject_trail_rows(organisation=world.org_a, subject=person.data_subject)
    assert [r["action"] for r in rows] == ["export", "update", "read", "create"]
    assert rows[1]["who"] == sales.name and rows[1]["ip_address"] == "198.51.100.7"


def test_another_organisations_person_has_no_trail_here(world, people):
    _person, _other, theirs = people
    with pytest.raises(theirs.data_subject.DoesNotExist):
        subject_trail(organisation=world.org_a, subject=theirs.data_subject)


def test_the_page_shows_the_trail_and_recipients_and_is_journalled(world, ui_as, people):
    person, _other, _theirs = people
    owner = world.member("owner")
    address = fr.email()
    disclosure_record(
        organisation=world.org_a,
        subject=person.data_subject,
        kind=DisclosureKind.EMAIL,
        recipient=address,
        what="F-2026-7",
        actor=Actor.user(owner.pk),
    )
    client = ui_as("owner")
    party_page = client.get(f"/parties/{person.pk}/").content.decode()
    url = f"/privacy/records/trail/{person.data_subject.uuid}/"
    assert url in party_page
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert owner.name in page and address in page and "F-2026-7" in page
    read = AuditEvent.objects.filter(organisation_id=world.org_a.pk).order_by("-seq").first()
    assert (read.action, read.object_type, read.object_id) == (
        Action.READ,
        "privacy.datasubject",
        str(person.data_subject.uuid),
    )
    assert list(
        AuditEventSubject.objects.filter(event=read).values_list("subject_id", flat=True)
    ) == [person.data_subject_id]
    # The next visit shows that read.
    again = client.get(url).content.decode()
    assert "privacy.datasubject" in again


def test_the_page_is_the_privacy_contacts(world, ui_as, people):
    person, _other, theirs = people
    sales = ui_as("sales")
    assert sales.get(f"/privacy/records/trail/{person.data_subject.uuid}/").status_code == 403
    assert (
        f"/privacy/records/trail/{person.data_subject.uuid}/"
        not in sales.get(f"/parties/{person.pk}/").content.decode()
    )
    owner = ui_as("owner")
    assert owner.get(f"/privacy/records/trail/{theirs.data_subject.uuid}/").status_code == 404


def test_notify_from_the_page(world, ui_as, people):
    person, _other, _theirs = people
    disclosure_record(
        organisation=world.org_a,
        subject=person.data_subject,
        kind=DisclosureKind.EMAIL,
        recipient=fr.email(),
        what="F-2026-8",
        actor=Actor.user(world.member("owner").pk),
    )
    client = ui_as("owner")
    url = f"/privacy/records/trail/{person.data_subject.uuid}/notify/"
    refused = client.post(url, {"change": "nonsense"}, follow=True)
    assert refused.status_code == 200
    assert not Message.across_organisations.exists()
    done = client.post(url, {"change": "rectification"}, follow=True)
    assert done.status_code == 200
    (message,) = Message.across_organisations.all()
    assert "F-2026-8" in message.body
    assert client.get(url).status_code == 405


def test_the_api_gives_the_trail_recipients_and_notifies(world, api_as, people):
    person, _other, theirs = people
    disclosure_record(
        organisation=world.org_a,
        subject=person.data_subject,
        kind=DisclosureKind.EXPORT,
        recipient="export to the accountant",
        what="F-2026-9",
        actor=Actor.system(),
    )
    api = api_as("owner")
    base = f"/api/data-subjects/{person.data_subject.uuid}"
    trail = api.get(f"{base}/trail?limit=1").json()
    assert trail["count"] >= 2 and len(trail["items"]) == 1
    assert api.get(f"{base}/recipients").json()[0]["kind"] == "export"
    answer = api.post(f"{base}/recipients/notify", json={"change": "erasure"}).json()
    assert answer["queued"] == [] and answer["by_hand"][0]["what"] == ["F-2026-9"]
    assert api.post(f"{base}/recipients/notify", json={"change": "nope"}).status_code == 422
    assert api_as("sales").get(f"{base}/trail").status_code == 403
    other = f"/api/data-subjects/{theirs.data_subject.uuid}/trail"
    assert api.get(other).status_code == 404
