"""``may_prospect`` (DOMAIN.md §6): vetoes first, then the ledger, then occasional
or regular contact, then the law of France or Belgium; and the contact status
computed from the ledger and the interactions."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from comptoir.parties import services as parties
from comptoir.parties.consent import contact_statuses, prospect_facts
from comptoir.parties.models import ContactStatus, Direction, InteractionKind
from comptoir.privacy.consent import prospection, selectors, services
from comptoir.privacy.consent.hooks import ProspectFacts, email_of
from comptoir.privacy.consent.models import ConsentPurpose
from comptoir.privacy.consent.prospection import ProspectChannel, may_prospect

EMAIL = ConsentPurpose.PROSPECTION_EMAIL
REGULAR_FR_PRO = ProspectFacts(country="FR", is_professional=True, inbound_last_12_months=3)
REGULAR_INDIVIDUAL = ProspectFacts(country="FR", is_professional=False, inbound_last_12_months=3)
OCCASIONAL = ProspectFacts(country="FR", is_professional=False)


@pytest.fixture(autouse=True)
def _in_english():
    """The reasons are compared in English, whatever language an earlier test left on."""
    with translation.override("en"):
        yield


@pytest.fixture
def vetoes():
    saved = list(prospection.prospection_vetoes)
    yield prospection.prospection_vetoes
    prospection.prospection_vetoes[:] = saved


def confirmed_email_consent(actor, subject, wording):
    event = services.consent_give(
        actor=actor, subject=subject, purpose=EMAIL, channel="web_form", wording=wording(EMAIL)
    )
    event.confirmed_at, event.confirmed_via = timezone.now(), "email_link"
    event.save(update_fields=["confirmed_at", "confirmed_via"])
    return event


def test_an_individual_needs_a_confirmed_consent_for_email(actor, make_contact, wording):
    subject = make_contact().data_subject
    facts = REGULAR_INDIVIDUAL
    assert not may_prospect(subject=subject, channel="email", facts=facts)
    services.consent_give(
        actor=actor, subject=subject, purpose=EMAIL, channel="phone", wording=wording(EMAIL)
    )
    decision = may_prospect(subject=subject, channel="email", facts=facts)
    assert not decision.allowed and "confirmation" in decision.reason
    confirmed_email_consent(actor, subject, wording)
    assert may_prospect(subject=subject, channel="email", facts=facts).allowed
    # SMS is its own purpose: no consent given to it.
    assert not may_prospect(subject=subject, channel="sms", facts=facts).allowed


def test_a_withdrawal_refuses_whatever_else_holds(actor, make_contact, wording):
    subject = make_contact().data_subject
    confirmed_email_consent(actor, subject, wording)
    services.consent_withdraw(actor=actor, subject=subject, purpose=EMAIL, channel="phone")
    customer = ProspectFacts(country="FR", is_professional=True, is_customer=True)
    decision = may_prospect(subject=subject, channel="email", facts=customer)
    assert not decision.allowed and "withdrew" in decision.reason


@pytest.mark.parametrize(
    ("facts", "channel", "allowed"),
    [
        # Soft opt-in: existing customers, France and Belgium.
        (ProspectFacts("FR", is_professional=False, is_customer=True), "email", True),
        (ProspectFacts("BE", is_professional=False, is_customer=True), "sms", True),
        # Individuals otherwise need consent by email or SMS...
        (ProspectFacts("FR", is_professional=False, inbound_last_12_months=2), "email", False),
        (ProspectFacts("BE", is_professional=False, inbound_last_12_months=2), "sms", False),
        # ... but post and phone are opt-out.
        (ProspectFacts("FR", is_professional=False, inbound_last_12_months=2), "post", True),
        (ProspectFacts("BE", is_professional=False, inbound_last_12_months=2), "phone", True),
        # Professionals: opt-out in France; in Belgium only at an impersonal address.
        (ProspectFacts("FR", is_professional=True, inbound_last_12_months=2), "email", True),
        (ProspectFacts("BE", is_professional=True, inbound_last_12_months=2), "email", False),
        (
            ProspectFacts("BE", True, impersonal_address=True, inbound_last_12_months=2),
            "email",
            True,
        ),
        (ProspectFacts("DE", is_professional=True, inbound_last_12_months=2), "email", False),
    ],
)
def test_the_law_of_france_and_belgium(make_contact, facts, channel, allowed):
    subject = make_contact().data_subject
    assert may_prospect(subject=subject, channel=channel, facts=facts).allowed is allowed


def test_an_occasional_contact_may_receive_one_message_asking_for_consent(actor, make_contact):
    subject = make_contact().data_subject
    # Even a French professional (opt-out) is not prospected while occasional.
    facts = ProspectFacts(country="FR", is_professional=True)
    decision = may_prospect(subject=subject, channel="email", facts=facts)
    assert not decision.allowed and "one message" in decision.reason
    asking = may_prospect(subject=subject, channel="email", facts=facts, asking_consent=True)
    assert asking.allowed
    services.consent_solicitation_record(actor=actor, subject=subject, purpose=EMAIL)
    again = may_prospect(subject=subject, channel="post", facts=facts, asking_consent=True)
    assert not again.allowed and "already" in again.reason


def test_vetoes_refuse_first(vetoes, actor, make_contact, wording):
    subject = make_contact().data_subject
    confirmed_email_consent(actor, subject, wording)
    assert may_prospect(subject=subject, channel="email", facts=REGULAR_FR_PRO).allowed
    seen = []

    def on_the_suppression_list(s, channel):
        seen.append((s.pk, channel))
        return "On the suppression list." if s.pk == subject.pk else None

    vetoes.append(lambda s, channel: None)
    vetoes.append(on_the_suppression_list)
    decision = may_prospect(subject=subject, channel="email", facts=REGULAR_FR_PRO)
    assert decision == prospection.Decision(False, "On the suppression list.")
    assert seen == [(subject.pk, ProspectChannel.EMAIL)]
    other = make_contact().data_subject
    confirmed_email_consent(actor, other, wording)
    assert may_prospect(subject=other, channel="email", facts=REGULAR_FR_PRO).allowed


def test_regular_from_the_ledger_or_the_interactions(world, actor, make_contact, wording):
    person = make_contact()
    subject = person.data_subject
    facts = prospect_facts(subject)  # the parties' provider
    assert facts.is_professional and facts.country == "FR" and facts.inbound_last_12_months == 0
    status = selectors.contact_status(subject=subject, inbound_last_12_months=0)
    assert status.status == "occasional"

    def interaction(direction, days_ago):
        parties.interaction_record(
            actor=actor,
            party=person.party,
            contact_person=person,
            kind=InteractionKind.CALL,
            direction=direction,
            occurred_at=timezone.now() - timedelta(days=days_ago),
        )

    interaction(Direction.INBOUND, 400)  # too old
    interaction(Direction.OUTBOUND, 10)  # from us: does not count
    interaction(Direction.INBOUND, 30)
    assert prospect_facts(subject).inbound_last_12_months == 1
    assert contact_statuses(organisation=world.org_a, people=[person])[person.pk].status == (
        "occasional"
    )
    interaction(Direction.INBOUND, 3)
    assert prospect_facts(subject).inbound_last_12_months == 2
    assert contact_statuses(organisation=world.org_a, people=[person])[person.pk].regular
    # Through the provider, may_prospect sees it: a French professional, regular now.
    assert may_prospect(subject=subject, channel="email").allowed

    # The ledger alone makes another person regular.
    other = make_contact(company=person.party)
    statuses = contact_statuses(organisation=world.org_a, people=[other])
    assert statuses[other.pk].status == "occasional"
    services.consent_give(
        actor=actor,
        subject=other.data_subject,
        purpose=ConsentPurpose.REVIEWS,
        channel="paper",
        wording=wording(ConsentPurpose.REVIEWS),
    )
    assert contact_statuses(organisation=world.org_a, people=[other])[other.pk].regular


def test_stated_regular_adds_a_relationship_never_removes_one(world, actor, make_contact):
    stated = make_contact(contact_status=ContactStatus.REGULAR)
    assert contact_statuses(organisation=world.org_a, people=[stated])[stated.pk].regular
    client = parties.party_update(
        actor=actor, party=make_contact().party, is_client=True, client_since=timezone.now().date()
    )
    person = make_contact(company=client, contact_status=ContactStatus.OCCASIONAL)
    status = contact_statuses(organisation=world.org_a, people=[person])[person.pk]
    assert status.regular and "customer" in status.reason


def test_an_individual_party_has_facts_and_an_address(make_individual):
    party = make_individual(country="BE")
    facts = prospect_facts(party.data_subject)
    assert facts == ProspectFacts(country="BE", is_professional=False)
    assert email_of(party.data_subject) == party.email
