"""The parties' retention (DOMAIN.md §4), set-based: one rule for one party
(``selectors.party_retention``) and for all of them (the retention sweep).

* A prospect that never was a client: its clock runs from its collection (the
  first contact, or its creation) or its latest INBOUND interaction (a reply,
  a call, a request: what the prospect did, never what was sent to them),
  whichever is later; ``PROSPECT``.
* A client: from the end of the relationship (``client_ended_on``), once it
  has ended; ``CLIENT_PROSPECTION``. No clock runs while it is a client.

An individual party is one person (its data subject); a company's persons are
its contact persons. What the sweep then does to them (delete, or anonymise
where an invoice, a quote... references them; issued invoices never touched)
is the erasure engine's (``privacy.records.erasure``).

``register`` fills the engine's extension points (``PartiesConfig.ready``):
the sweep's sources, the parties' purges (uploaded import files), and the erasure hook that marks a
party opposed to further processing when it, or a contact person of it, is
erased on request (DOMAIN.md §5: the company record is kept, marked).
"""

from datetime import UTC, date, datetime, time, timedelta

from django.db.models import DateField, Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest, TruncDate

from comptoir.audit.models import Action
from comptoir.audit.services import audit_record
from comptoir.parties.models import ContactPerson, Direction, Interaction, Party, PartyKind
from comptoir.privacy import retention
from comptoir.privacy.records import erasure, sweep
from comptoir.privacy.records.models import ErasureReason
from comptoir.privacy.records.retention import cutoff

PROSPECT_START = "collection or latest inbound interaction"
CLIENT_START = "end of the client relationship"


def with_retention_start(parties: QuerySet[Party]) -> QuerySet[Party]:
    """``parties`` annotated with ``prospect_start``: the later of their
    collection (first contact, else creation) and their latest inbound
    interaction, as a date (UTC)."""
    latest_inbound = (
        Interaction.across_organisations.filter(  # held to the party's organisation here
            organisation_id=OuterRef("organisation_id"),
            party=OuterRef("pk"),
            direction=Direction.INBOUND,
        )
        .order_by()
        .values("party")
        .annotate(latest=Max("occurred_at"))
        .values("latest")
    )
    created = TruncDate("created_at", tzinfo=UTC)
    return parties.annotate(
        prospect_start=Greatest(
            created,
            Coalesce("first_contact_on", created),
            Coalesce(TruncDate(Subquery(latest_inbound), tzinfo=UTC), created),
            output_field=DateField(),
        )
    )


def prospect_expired_q(*, before: date) -> Q:
    """The prospects whose clock started on or before ``before`` (the rule of
    ``with_retention_start`` as a condition the database checks on its
    indexes: collected, first contacted and last heard from by then)."""
    limit = datetime.combine(before + timedelta(days=1), time.min, tzinfo=UTC)
    heard_since = Interaction.across_organisations.filter(  # held to the party's organisation
        organisation_id=OuterRef("organisation_id"),
        party=OuterRef("pk"),
        direction=Direction.INBOUND,
        occurred_at__gte=limit,
    )
    return (
        Q(created_at__lt=limit)
        & (Q(first_contact_on__isnull=True) | Q(first_contact_on__lte=before))
        & ~Exists(heard_since)
    )


def is_client_q() -> Q:
    return Q(is_client=True) | Q(client_since__isnull=False)


def party_start(*, party: Party) -> tuple[retention.RetentionRule, date | None]:
    """The rule governing one party now and the date its clock runs from."""
    if party.is_client or party.client_since:
        return retention.CLIENT_PROSPECTION, party.client_ended_on
    row = with_retention_start(Party.objects.of(party.organisation_id).filter(pk=party.pk))
    return retention.PROSPECT, row.values_list("prospect_start", flat=True).get()


def _persons(parties: QuerySet[Party]) -> list[int]:
    """The data subjects of these parties: individuals themselves, and the
    contact persons of companies; those already erased left out."""
    individuals = parties.filter(kind=PartyKind.INDIVIDUAL, data_subject__isnull=False).filter(
        data_subject__shredded_at__isnull=True
    )
    ids = list(individuals.values_list("data_subject_id", flat=True))
    contacts = ContactPerson.across_organisations.filter(  # the parties' own: one organisation
        party__in=parties.filter(kind=PartyKind.COMPANY).values("pk"),
        data_subject__isnull=False,
        data_subject__shredded_at__isnull=True,
    )
    ids += contacts.values_list("data_subject_id", flat=True)
    return ids


def retention_candidates(*, organisation, rules: dict, today: date) -> list[sweep.Candidates]:
    """The parties' persons whose retention has run out (a source of the sweep)."""
    parties = Party.objects.of(organisation)
    prospect = rules.get(retention.PROSPECT.code, retention.PROSPECT)
    client = rules.get(retention.CLIENT_PROSPECTION.code, retention.CLIENT_PROSPECTION)
    expired_prospects = parties.exclude(is_client_q()).filter(
        prospect_expired_q(before=cutoff(prospect.duration, today))
    )
    ended_clients = parties.filter(is_client_q()).filter(
        client_ended_on__lte=cutoff(client.duration, today)
    )
    return [
        sweep.Candidates(prospect, "prospects", PROSPECT_START, _persons(expired_prospects)),
        sweep.Candidates(client, "former clients", CLIENT_START, _persons(ended_clients)),
    ]


def parties_opposed_on_erasure(batch: erasure.ErasureBatch) -> None:
    """An individual party, or the company of a contact person, erased on
    request (or by staff) is kept and marked opposed to further processing."""
    if batch.reason == ErasureReason.RETENTION:
        return
    people = ContactPerson.objects.of(batch.organisation_id).filter(
        data_subject_id__in=batch.subject_ids
    )
    parties = Party.objects.of(batch.organisation_id).filter(
        Q(data_subject_id__in=batch.subject_ids) | Q(pk__in=people.values("party_id")),
        processing_opposed_at__isnull=True,
    )
    pks = list(parties.values_list("pk", flat=True))
    Party.objects.of(batch.organisation_id).filter(pk__in=pks).update(
        processing_opposed_at=batch.now
    )
    for pk in pks:
        audit_record(
            actor=batch.actor,
            action=Action.UPDATE,
            organisation_id=batch.organisation_id,
            object_type=Party._meta.label_lower,
            object_id=pk,
            fields=["processing_opposed_at"],
        )


def register(*, purges=()) -> None:
    """Fill the privacy engine's extension points (once, from ``PartiesConfig.ready``,
    which passes the parties' purges: ``(name, callable(*, now))``)."""
    if parties_opposed_on_erasure not in erasure.erasure_hooks:
        erasure.erasure_hooks.append(parties_opposed_on_erasure)
    if retention_candidates not in sweep.retention_sources:
        sweep.retention_sources.append(retention_candidates)
    for name, purge in purges:
        if all(known != name for known, _ in sweep.retention_purges):
            sweep.retention_purges.append((name, purge))
