"""The timeline of a party, and the latest inbound contact the prospect rule counts from."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from comptoir.audit.models import AuditEvent
from comptoir.parties import selectors, services
from comptoir.parties.models import Direction, InteractionKind, Party, PartyKind
from comptoir.privacy import retention
from tests.parties.conftest import counts


def at(day: int) -> datetime:
    return datetime(2026, 3, day, 10, 0, tzinfo=UTC)


def record(actor, party, day, direction, kind=InteractionKind.CALL, **extra):
    return services.interaction_record(
        actor=actor, party=party, kind=kind, direction=direction, occurred_at=at(day), **extra
    )


def test_the_latest_inbound_interaction_ignores_outbound_ones(world, actor, make_company):
    party = make_company()
    assert selectors.party_latest_inbound_at(organisation=world.org_a, party=party) is None
    record(actor, party, 2, Direction.INBOUND, InteractionKind.DOCUMENTATION_REQUEST)
    record(actor, party, 9, Direction.INBOUND, InteractionKind.EMAIL)
    record(actor, party, 20, Direction.OUTBOUND, InteractionKind.EMAIL)  # we wrote; no reply
    other = make_company()
    record(actor, other, 25, Direction.INBOUND)
    assert selectors.party_latest_inbound_at(organisation=world.org_a, party=party) == at(9)
    annotated = {
        p.pk: p.latest_inbound_at
        for p in selectors.party_list_with_latest_inbound(organisation=world.org_a)
    }
    assert annotated == {party.pk: at(9), other.pk: at(25)}


def test_the_prospect_rule_counts_from_the_latest_inbound_contact(world, actor, make_company):
    party = make_company(first_contact_on=date(2026, 1, 5))
    # Collected in January (stored: the rule reads the database, as the sweep does).
    Party.objects.of(world.org_a).filter(pk=party.pk).update(
        created_at=datetime(2026, 1, 5, tzinfo=UTC)
    )
    record(actor, party, 9, Direction.INBOUND)
    record(actor, party, 20, Direction.OUTBOUND)
    rule = selectors.party_retention(organisation=world.org_a, party=party)
    assert (rule.rule, rule.start) == (retention.PROSPECT, date(2026, 3, 9))
    assert rule.rule.duration.after(rule.start) == date(2029, 3, 9)
    client = services.party_update(
        actor=actor, party=party, is_client=True, client_since=date(2026, 4, 1)
    )
    rule = selectors.party_retention(organisation=world.org_a, party=client)
    assert (rule.rule, rule.start) == (retention.CLIENT_PROSPECTION, None)


def test_the_timeline_is_newest_first_with_notes_decrypted(
    world, actor, make_company, make_contact
):
    party = make_company()
    person = make_contact(party)
    record(actor, party, 3, Direction.OUTBOUND, note="Premier appel")
    record(
        actor,
        party,
        12,
        Direction.INBOUND,
        InteractionKind.COMPLAINT,
        contact_person=person,
        note="Livraison en retard",
    )
    record(actor, party, 7, Direction.INBOUND, InteractionKind.MEETING)
    detail = selectors.party_detail(organisation=world.org_a, party_id=party.pk)
    assert [i.occurred_at for i in detail.timeline] == [at(12), at(7), at(3)]
    assert [i.note for i in detail.timeline] == ["Livraison en retard", "", "Premier appel"]
    assert detail.contact_persons == [person]
    # The note about the person is under the person's key, the others the organisation's.
    assert [i.data_subject_id for i in detail.timeline] == [person.data_subject_id, None, None]


def test_an_individual_s_notes_are_under_their_key(world, actor):
    person = services.party_create(
        actor=actor, organisation=world.org_a, kind=PartyKind.INDIVIDUAL, family_name="Moreau"
    )
    interaction = record(actor, person, 4, Direction.INBOUND, InteractionKind.TRIAL_REQUEST)
    assert interaction.data_subject_id == person.data_subject_id


def test_bad_interactions_name_their_field_and_write_nothing(
    world, actor, make_company, make_contact
):
    party, elsewhere = make_company(), make_company()
    stranger = make_contact(elsewhere)
    before = counts()
    cases = [
        ({"contact_person": stranger}, "contact_person"),
        ({"kind": "telegram"}, "kind"),
        ({"direction": "sideways"}, "direction"),
        ({"occurred_at": timezone.now() + timedelta(days=2)}, "occurred_at"),
    ]
    for extra, field in cases:
        arguments = {"kind": InteractionKind.CALL, "direction": Direction.INBOUND, **extra}
        with pytest.raises(ValidationError) as caught:
            services.interaction_record(actor=actor, party=party, note="Texte", **arguments)
        assert field in caught.value.message_dict
    assert counts() == before


def test_recording_an_interaction_is_audited_by_field_names(world, actor, make_company):
    party = make_company()
    interaction = record(actor, party, 5, Direction.INBOUND, note="Rappeler jeudi")
    event = AuditEvent.objects.get(object_type="parties.interaction", object_id=str(interaction.pk))
    assert event.fields == ["direction", "kind", "note", "occurred_at", "party"]
    assert "Rappeler" not in repr(list(AuditEvent.objects.values()))
