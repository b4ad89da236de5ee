"""Reads of parties, contact persons and interactions: always within one organisation.

Exact search (email, phone, IBAN, SIREN, enterprise number) never decrypts
and never scans: emails, phones and IBANs are found through their blind
indexes (indexed columns of keyed hashes), identifiers through indexed clear
columns. Company names are searched by prefix on an indexed, case-folded
column. People are found by family name (``contact_person_search_name``,
``party_search_name``) through two blind indexes: the whole name's, and its
first three letters' (the prefix index); only the few rows sharing those
letters are decrypted, to check a longer beginning. Lists are querysets with
a stable order, ready to paginate.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, F, Max, Q, QuerySet

from comptoir.core import identifiers, text
from comptoir.core.lookups import Prefix
from comptoir.parties.models import (
    Channel,
    ContactPerson,
    ContactStatus,
    Direction,
    Interaction,
    Party,
    PartyRole,
)
from comptoir.parties.models.parties import company_name_key
from comptoir.parties.models.people import EMAIL_FIELDS, PHONE_FIELDS
from comptoir.parties.retention import party_start as party_retention_start
from comptoir.privacy import blind_index, crypto, normalise, retention
from comptoir.tenancy.models import Membership, Organisation

ROLE_FLAGS = {
    PartyRole.PROSPECT: "is_prospect",
    PartyRole.CLIENT: "is_client",
    PartyRole.SUPPLIER: "is_supplier",
}


def digest(*, organisation: Organisation, kind: str, value: str) -> bytes | None:
    """The blind index of ``value`` (``"email"``, ``"phone"``...), None if it is not one."""
    if not value:
        return None
    try:
        return blind_index.compute(
            organisation_id=organisation.pk,
            kind=kind,
            value=value,
            region=organisation.country or "FR",
        )
    except normalise.NormalisationError:
        return None


def _any(queries) -> Q:
    combined = Q()
    for query in queries:
        combined |= query
    return combined


def _any_column(columns: tuple[str, ...], index: bytes) -> Q:
    return _any(Q(**{f"{column}_index": index}) for column in columns)


# Parties ---------------------------------------------------------------------
def party_list(
    *,
    organisation: Organisation,
    role: str | None = None,
    origin: str | None = None,
    sales_rep: Membership | None = None,
    kind: str | None = None,
) -> QuerySet[Party]:
    # The data subject too: showing an individual's name decrypts it under their key.
    parties = Party.objects.of(organisation).select_related("data_subject", "sales_rep__user")
    if role:
        parties = parties.filter(**{ROLE_FLAGS[PartyRole(role)]: True})
    if origin:
        parties = parties.filter(origin=origin)
    if sales_rep is not None:
        parties = parties.filter(sales_rep=sales_rep)
    if kind:
        parties = parties.filter(kind=kind)
    return parties.order_by("company_name_key", "pk")


def party_get(*, organisation: Organisation, party_id: int) -> Party:
    """One party of the organisation (``Party.DoesNotExist`` for another's)."""
    return Party.objects.of(organisation).select_related("data_subject").get(pk=party_id)


def party_search_prefix(*, organisation: Organisation, prefix: str) -> QuerySet[Party]:
    """Companies whose name starts with ``prefix`` (case and accents ignored)."""
    key = company_name_key(prefix)
    if not key:
        return Party.objects.of(organisation).none()
    return party_list(organisation=organisation).filter(Prefix(F("company_name_key"), key))


def party_search_exact(
    *,
    organisation: Organisation,
    email: str = "",
    phone: str = "",
    siren: str = "",
    enterprise_number: str = "",
    iban: str = "",
) -> QuerySet[Party]:
    """Parties matching any value given: an individual's own email or phone, or one of
    their contact persons'; a SIREN (or a SIRET, read as its SIREN); an enterprise number;
    the party's IBAN (in any spelling). Who may search by IBAN: ``access``.

    Each value is looked up on its own index first, one unordered query per
    table (an OR mixing the party's columns and its contact persons' would make
    either database walk the organisation's rows), and the parties found are
    then read by primary key."""
    parties = Party.objects.of(organisation).order_by()
    wanted: list[Q] = []
    people = Q()
    for kind, value, columns in (("email", email, EMAIL_FIELDS), ("phone", phone, PHONE_FIELDS)):
        index = digest(organisation=organisation, kind=kind, value=value)
        if index is not None:
            wanted.append(Q(**{f"{kind}_index": index}))
            people |= _any_column(columns, index)
    index = digest(organisation=organisation, kind="iban", value=iban)
    if index is not None:
        wanted.append(Q(iban_index=index))
    compact = identifiers.compact(siren)
    if compact.isdigit() and len(compact) in (9, 14):
        wanted.append(Q(siren=compact[:9]))
    compact = identifiers.compact(enterprise_number).removeprefix("BE")
    if compact.isdigit():
        wanted.append(Q(enterprise_number=compact.zfill(10)))
    if not wanted:
        return Party.objects.of(organisation).none()
    ids = set(parties.filter(_any(wanted)).values_list("pk", flat=True))
    if people:
        contacts = ContactPerson.objects.of(organisation).order_by().filter(people)
        ids.update(contacts.values_list("party_id", flat=True))
    return party_list(organisation=organisation).filter(pk__in=sorted(ids))


def party_duplicates(
    *,
    organisation: Organisation,
    siren: str = "",
    enterprise_number: str = "",
    email: str = "",
    phone: str = "",
    exclude: Party | None = None,
) -> QuerySet[Party]:
    """Parties that would duplicate one with these values: same SIREN, same enterprise
    number, or (individuals) same email or phone, in any spelling."""
    query = Q()
    if siren:
        query |= Q(siren=siren)
    if enterprise_number:
        query |= Q(enterprise_number=enterprise_number)
    for kind, value in (("email", email), ("phone", phone)):
        index = digest(organisation=organisation, kind=kind, value=value)
        if index is not None:
            query |= Q(**{f"{kind}_index": index})
    if not query:
        return Party.objects.of(organisation).none()
    found = Party.objects.of(organisation).filter(query)
    if exclude is not None and exclude.pk is not None:
        found = found.exclude(pk=exclude.pk)
    return found.order_by("pk")


# Contact persons -----------------------------------------------------------
def contact_person_list(*, organisation: Organisation, party: Party) -> QuerySet[ContactPerson]:
    return (
        ContactPerson.objects.of(organisation)
        .filter(party=party)
        .select_related("data_subject")  # their names decrypt under their keys
        .order_by("pk")
    )


def contact_person_get(*, organisation: Organisation, contact_person_id: int) -> ContactPerson:
    return (
        ContactPerson.objects.of(organisation)
        .select_related("party", "data_subject")
        .get(pk=contact_person_id)
    )


def contact_person_search(
    *, organisation: Organisation, email: str = "", phone: str = ""
) -> QuerySet[ContactPerson]:
    """Contact persons with this email (either column) or phone (fixed, mobile or fax)."""
    return contact_person_duplicates(organisation=organisation, email=email, phone=phone)


def contact_person_duplicates(
    *,
    organisation: Organisation,
    email: str = "",
    phone: str = "",
    exclude: ContactPerson | None = None,
) -> QuerySet[ContactPerson]:
    query = Q()
    for kind, value, columns in (("email", email, EMAIL_FIELDS), ("phone", phone, PHONE_FIELDS)):
        index = digest(organisation=organisation, kind=kind, value=value)
        if index is not None:
            query |= _any_column(columns, index)
    if not query:
        return ContactPerson.objects.of(organisation).none()
    found = ContactPerson.objects.of(organisation).filter(query).select_related("party")
    if exclude is not None and exclude.pk is not None:
        found = found.exclude(pk=exclude.pk)
    return found.order_by("pk")


# Finding people by name ----------------------------------------------------------
def _family_name_matches(people: QuerySet, *, organisation: Organisation, name: str) -> list[int]:
    """Primary keys of the rows of ``people`` whose family name is ``name`` or starts
    with it (case, accents and spacing ignored; a beginning of three letters at least).

    The whole name is looked up on its blind index; a beginning, on the prefix
    index of its first three letters, which gives the few rows sharing them:
    only those are decrypted, and only when the beginning is longer than three
    letters. One unordered query per index, each answered by its own
    (organisation, index) index: the organisation's rows are never walked.
    """
    if text.forbidden_character(name) is not None:
        return []  # no stored name holds a control character or a lone surrogate
    try:
        normal = normalise.name(name)
    except normalise.NormalisationError:
        return []
    people = people.order_by()
    whole = blind_index.of_normal(organisation_id=organisation.pk, kind="name", normal=normal)
    found = set(people.filter(family_name_index=whole).values_list("pk", flat=True))
    if len(normal) < blind_index.PREFIX_LENGTH:
        return sorted(found)
    prefix = blind_index.prefix_of_normal(
        organisation_id=organisation.pk, kind="name", normal=normal
    )
    candidates = people.filter(family_name_prefix=prefix)
    if len(normal) == blind_index.PREFIX_LENGTH:
        found.update(candidates.values_list("pk", flat=True))
        return sorted(found)
    rows = candidates.select_related("data_subject").only(
        "pk", "organisation_id", "row_uuid", "family_name", "data_subject"
    )
    for row in rows:
        if row.pk in found:
            continue
        try:
            stored = normalise.name(row.family_name)
        except (crypto.DecryptionError, normalise.NormalisationError):
            continue  # an erased person (key shredded) is not to be found
        if stored.startswith(normal):
            found.add(row.pk)
    return sorted(found)


def contact_person_search_name(*, organisation: Organisation, name: str) -> QuerySet[ContactPerson]:
    """Contact persons whose family name is ``name`` or starts with it (three
    letters at least; case and accents ignored), by company then id."""
    ids = _family_name_matches(
        ContactPerson.objects.of(organisation), organisation=organisation, name=name
    )
    return contact_person_directory(organisation=organisation).filter(pk__in=ids)


def party_search_name(*, organisation: Organisation, name: str) -> QuerySet[Party]:
    """Individual parties whose family name is ``name`` or starts with it (as
    ``contact_person_search_name``)."""
    ids = _family_name_matches(Party.objects.of(organisation), organisation=organisation, name=name)
    return party_list(organisation=organisation).filter(pk__in=ids)


def contact_person_directory(
    *,
    organisation: Organisation,
    party: Party | None = None,
    contact_status: str | None = None,
    preferred_channel: str | None = None,
    name: str = "",
) -> QuerySet[ContactPerson]:
    """Every contact person of the organisation with their company, by company then
    id; filtered by company, contact status, preferred channel, or family name
    (``name``: the whole name or its beginning, as ``contact_person_search_name``)."""
    people = ContactPerson.objects.of(organisation).select_related(
        "party",
        "data_subject",  # their names decrypt under their keys
    )
    if name:  # "": no filter by name
        ids = _family_name_matches(
            ContactPerson.objects.of(organisation), organisation=organisation, name=name
        )
        people = people.filter(pk__in=ids)
    if party is not None:
        people = people.filter(party=party)
    if contact_status:
        people = people.filter(contact_status=ContactStatus(contact_status))
    if preferred_channel:
        people = people.filter(preferred_channel=Channel(preferred_channel))
    return people.order_by("party__company_name_key", "party_id", "pk")


# Timeline and detail ----------------------------------------------------------
def party_timeline(*, organisation: Organisation, party: Party) -> QuerySet[Interaction]:
    """The party's interactions, newest first."""
    return (
        Interaction.objects.of(organisation)
        .filter(party=party)
        .select_related("contact_person__data_subject", "data_subject", "recorded_by__user")
        .order_by("-occurred_at", "-pk")
    )


def party_latest_inbound_at(*, organisation: Organisation, party: Party) -> datetime | None:
    """When the party last contacted the organisation (what the prospect rule counts from)."""
    return (
        Interaction.objects.of(organisation)
        .filter(party=party, direction=Direction.INBOUND)
        .aggregate(latest=Max("occurred_at"))["latest"]
    )


def party_list_with_latest_inbound(*, organisation: Organisation) -> QuerySet[Party]:
    """Every party annotated with ``latest_inbound_at`` (for the retention sweep)."""
    return party_list(organisation=organisation).annotate(
        latest_inbound_at=Max(
            "interactions__occurred_at",
            filter=Q(interactions__direction=Direction.INBOUND),
        )
    )


@dataclass(frozen=True)
class Retention:
    rule: retention.RetentionRule
    start: date | None  # None: the relationship has not ended (no clock is running)


def party_retention(*, organisation: Organisation, party: Party) -> Retention:
    """Which DOMAIN.md §4 rule governs the party now, and from when it counts.

    A prospect that never was a client: from its collection or its latest
    inbound contact, whichever is later. A client: from the end of the
    relationship, once it has ended. The rule is ``parties.retention``'s, the
    one the retention sweep applies to every party at once.
    """
    if party.organisation_id != organisation.pk:
        raise Party.DoesNotExist
    rule, start = party_retention_start(party=party)
    return Retention(rule, start)


@dataclass(frozen=True)
class PartyDetail:
    party: Party
    contact_persons: list[ContactPerson]
    timeline: list[Interaction]


def party_detail(
    *, organisation: Organisation, party_id: int, timeline_limit: int = 50
) -> PartyDetail:
    party = party_get(organisation=organisation, party_id=party_id)
    people = contact_person_list(organisation=organisation, party=party)
    timeline = party_timeline(organisation=organisation, party=party)[:timeline_limit]
    return PartyDetail(party, list(people), list(timeline))


# Dashboard -------------------------------------------------------------------
def party_role_counts(*, organisation: Organisation) -> dict[str, int]:
    """How many parties hold each role (``PartyRole`` value -> count), in one query.

    A party may hold several roles, so the counts may add up to more than the
    number of parties."""
    return Party.objects.of(organisation).aggregate(
        **{str(role): Count("pk", filter=Q(**{flag: True})) for role, flag in ROLE_FLAGS.items()}
    )


def interaction_recent(*, organisation: Organisation) -> QuerySet[Interaction]:
    """The organisation's interactions, the latest first, with their parties (whose
    names, an individual's, decrypt under the data subject's key)."""
    return (
        Interaction.objects.of(organisation)
        .select_related("party__data_subject")
        .order_by("-occurred_at", "-pk")
    )
