"""What the consent ledger (``comptoir.privacy.consent``) needs from the parties:
registered in ``PartiesConfig.ready`` as its hooks, and the computed contact
status (occasional or regular, DOMAIN.md §6) the pages show.

The status that counts is computed from the consent ledger and the
interactions (``privacy.consent.selectors.contact_status``).
``ContactPerson.contact_status`` is what staff state of the relationship
beyond that: "regular" makes a person a regular contact though the ledger and
the interactions do not show it (a relationship held in person, say); it never
makes a regular contact occasional.
"""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from comptoir.parties.models import ContactPerson, ContactStatus, Direction, Party, PartyKind
from comptoir.privacy.consent import selectors as consent_selectors
from comptoir.privacy.consent.hooks import ProspectFacts
from comptoir.privacy.models import DataSubject

# Addresses of a function, not a person (Belgian B2B opt-out applies to them only).
IMPERSONAL_LOCAL_PARTS = frozenset(
    {
        "info",
        "infos",
        "contact",
        "sales",
        "vente",
        "ventes",
        "commercial",
        "hello",
        "bonjour",
        "accueil",
        "office",
        "admin",
        "support",
        "service",
        "secretariat",
        "achats",
        "purchasing",
        "compta",
        "accounting",
    }
)


def is_impersonal(email: str) -> bool:
    local = (email or "").split("@", 1)[0].casefold()
    return local in IMPERSONAL_LOCAL_PARTS


def _person_of(subject: DataSubject) -> ContactPerson | Party | None:
    person = (
        ContactPerson.objects.of(subject.organisation_id)
        .select_related("party", "data_subject")
        .filter(data_subject=subject)
        .first()
    )
    if person is not None:
        return person
    return (
        Party.objects.of(subject.organisation_id)
        .select_related("data_subject")
        .filter(data_subject=subject, kind=PartyKind.INDIVIDUAL)
        .first()
    )


def _inbound_counts(organisation, *, people=(), parties=()) -> tuple[dict, dict]:
    """Inbound interactions within the regular-exchange window, per contact
    person and per individual party: two grouped queries at most."""
    from_ = consent_selectors.window_start()
    inbound = Q(interactions__direction=Direction.INBOUND, interactions__occurred_at__gte=from_)
    by_person, by_party = {}, {}
    if people:
        by_person = dict(
            ContactPerson.objects.of(organisation)
            .filter(pk__in=[p.pk for p in people])
            .annotate(n=Count("interactions", filter=inbound))
            .values_list("pk", "n")
        )
    if parties:
        by_party = dict(
            Party.objects.of(organisation)
            .filter(pk__in=[p.pk for p in parties])
            .annotate(n=Count("interactions", filter=inbound))
            .values_list("pk", "n")
        )
    return by_person, by_party


def _facts(person, inbound: int) -> ProspectFacts:
    if isinstance(person, ContactPerson):
        return ProspectFacts(
            country=person.party.country,
            is_professional=True,
            is_customer=person.party.is_client,
            impersonal_address=is_impersonal(person.email),
            inbound_last_12_months=inbound,
            stated_regular=person.contact_status == ContactStatus.REGULAR,
        )
    return ProspectFacts(
        country=person.country,
        is_professional=False,
        is_customer=person.is_client,
        inbound_last_12_months=inbound,
    )


def prospect_facts(subject: DataSubject) -> ProspectFacts | None:
    """The prospection facts of a contact person or an individual party."""
    person = _person_of(subject)
    if person is None:
        return None
    if isinstance(person, ContactPerson):
        by_person, _ = _inbound_counts(subject.organisation_id, people=[person])
        return _facts(person, by_person.get(person.pk, 0))
    _, by_party = _inbound_counts(subject.organisation_id, parties=[person])
    return _facts(person, by_party.get(person.pk, 0))


def opposition_veto(subject: DataSubject, channel) -> str | None:
    """A veto for ``may_prospect``: a party opposed to further processing (GDPR
    art. 21, ``Party.processing_opposed_at``), or the company of a contact person
    who objected or was erased, is never prospected again."""
    person = _person_of(subject)
    party = person.party if isinstance(person, ContactPerson) else person
    if party is None or party.processing_opposed_at is None:
        return None
    return _("This party is opposed to any further processing since %(date)s.") % {
        "date": date_format(timezone.localdate(party.processing_opposed_at), "DATE_FORMAT")
    }


def email_of(subject: DataSubject) -> str | None:
    person = _person_of(subject)
    return person.email if person is not None else None


def contact_statuses(*, organisation, people) -> dict[int, object]:
    """The computed status of each contact person (by pk) of a page: three
    queries whatever their number (consent states, inbound counts)."""
    people = [p for p in people if p.data_subject_id is not None]
    states = consent_selectors.consent_states(
        organisation=organisation, subjects=[p.data_subject_id for p in people]
    )
    by_person, _ = _inbound_counts(organisation, people=people)
    statuses = {}
    for person in people:
        facts = _facts(person, by_person.get(person.pk, 0))
        statuses[person.pk] = consent_selectors.contact_status(
            subject=person.data_subject,
            inbound_last_12_months=facts.inbound_last_12_months,
            is_customer=facts.is_customer,
            stated_regular=facts.stated_regular,
            states=states[person.data_subject_id],
        )
    return statuses


def individual_status(party: Party):
    """The computed status of an individual party."""
    _, by_party = _inbound_counts(party.organisation_id, parties=[party])
    facts = _facts(party, by_party.get(party.pk, 0))
    return consent_selectors.contact_status(
        subject=party.data_subject,
        inbound_last_12_months=facts.inbound_last_12_months,
        is_customer=facts.is_customer,
    )
