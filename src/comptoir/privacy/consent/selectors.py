"""What the consent ledger says: the current state of each consent is the
latest event for the person and purpose (never a value stored beside the
ledger), and, for a purpose that needs it, a confirmed double opt-in."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.privacy.consent.models import (
    DOUBLE_OPT_IN,
    ConsentAction,
    ConsentEvent,
    ConsentPurpose,
    ConsentSolicitation,
    ConsentWording,
)
from comptoir.privacy.models import DataSubject
from comptoir.privacy.retention import CONSENT_PROOF, Duration


class ConsentStatus(StrEnum):
    NONE = "none"  # never asked, or never answered
    GIVEN = "given"
    PENDING = "pending"  # given, waiting for its double opt-in confirmation
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {
    ConsentStatus.NONE: _("No consent recorded"),
    ConsentStatus.GIVEN: _("Given"),
    ConsentStatus.PENDING: _("Given, waiting for confirmation"),
    ConsentStatus.WITHDRAWN: _("Withdrawn"),
}


@dataclass(frozen=True)
class ConsentState:
    purpose: ConsentPurpose
    status: ConsentStatus
    event: ConsentEvent | None = None  # the latest event, which decides

    @property
    def given(self) -> bool:
        """Consent is in force: given, and confirmed where the purpose needs it."""
        return self.status == ConsentStatus.GIVEN

    @property
    def since(self) -> datetime | None:
        return self.event.occurred_at if self.event else None


def state_of(purpose: ConsentPurpose, event: ConsentEvent | None) -> ConsentState:
    """The state a latest event gives (None: no event)."""
    purpose = ConsentPurpose(purpose)
    if event is None:
        return ConsentState(purpose, ConsentStatus.NONE)
    if event.action == ConsentAction.WITHDRAWN:
        return ConsentState(purpose, ConsentStatus.WITHDRAWN, event)
    if purpose in DOUBLE_OPT_IN and not event.is_confirmed:
        return ConsentState(purpose, ConsentStatus.PENDING, event)
    return ConsentState(purpose, ConsentStatus.GIVEN, event)


def _latest(events: QuerySet) -> QuerySet:
    """The latest event of each (person, purpose) among ``events``: one query."""
    newest = ConsentEvent.across_organisations.filter(
        organisation_id=OuterRef("organisation_id"),
        data_subject_id=OuterRef("data_subject_id"),
        purpose=OuterRef("purpose"),
    )
    newest = newest.order_by("-occurred_at", "-pk").values("pk")[:1]
    return events.filter(pk=Subquery(newest))


def consent_state(*, subject: DataSubject, purpose: ConsentPurpose) -> ConsentState:
    """The current state of ``subject``'s consent to ``purpose``."""
    event = (
        ConsentEvent.objects.of(subject.organisation_id)
        .filter(data_subject=subject, purpose=purpose)
        .order_by("-occurred_at", "-pk")
        .first()
    )
    return state_of(purpose, event)


def consent_states(
    *, organisation, subjects: Iterable[DataSubject | int]
) -> dict[int, dict[ConsentPurpose, ConsentState]]:
    """Every purpose's current state for each subject (by subject id), in one
    query: what a list page shows."""
    ids = [s if isinstance(s, int) else s.pk for s in subjects]
    states = {pk: {p: ConsentState(p, ConsentStatus.NONE) for p in ConsentPurpose} for pk in ids}
    if not ids:
        return states
    events = ConsentEvent.objects.of(organisation).filter(data_subject_id__in=ids)
    for event in _latest(events):
        purpose = ConsentPurpose(event.purpose)
        states[event.data_subject_id][purpose] = state_of(purpose, event)
    return states


def consent_proof_expired(*, organisation, now: datetime | None = None) -> QuerySet:
    """The events whose proof is no longer needed (``retention.CONSENT_PROOF``):
    every event of a (person, purpose) whose latest event is a withdrawal older
    than the rule's duration. A consent in force keeps its whole history. For
    the retention sweep, which deletes them in batches."""
    cutoff = Duration(months=-CONSENT_PROOF.duration.months).after(now or timezone.now())
    stale = ConsentEvent.across_organisations.filter(
        organisation_id=OuterRef("organisation_id"),
        data_subject_id=OuterRef("data_subject_id"),
        purpose=OuterRef("purpose"),
    ).order_by("-occurred_at", "-pk")[:1]
    return (
        ConsentEvent.objects.of(organisation)
        .annotate(
            latest_action=Subquery(stale.values("action")),
            latest_at=Subquery(stale.values("occurred_at")),
        )
        .filter(latest_action=ConsentAction.WITHDRAWN, latest_at__lt=cutoff)
    )


def consent_history(*, subject: DataSubject) -> QuerySet:
    """The ledger of one person, newest first, with the wordings shown."""
    return (
        ConsentEvent.objects.of(subject.organisation_id)
        .filter(data_subject=subject)
        .select_related("wording")
        .order_by("-occurred_at", "-pk")
    )


def consent_event_by_token_hash(*, token_hash: str) -> ConsentEvent | None:
    """The event a double opt-in token confirms, whatever its organisation: the
    public confirmation page knows only the token (256 random bits)."""
    if not token_hash:
        return None
    return (
        ConsentEvent.across_organisations.select_related("data_subject", "organisation")
        .filter(confirmation_token_hash=token_hash)
        .first()
    )


def consent_wording_list(*, organisation, purpose: ConsentPurpose | None = None) -> QuerySet:
    wordings = ConsentWording.objects.of(organisation)
    if purpose:
        wordings = wordings.filter(purpose=purpose)
    return wordings.order_by("purpose", "-version")


def consent_wording_current(*, organisation, purpose: ConsentPurpose) -> ConsentWording | None:
    """The latest version of a purpose's wording: what a new consent is shown."""
    return consent_wording_list(organisation=organisation, purpose=purpose).first()


def consent_wording_get(*, organisation, wording_id: int) -> ConsentWording:
    return ConsentWording.objects.of(organisation).get(pk=wording_id)


def solicited(*, subject: DataSubject) -> ConsentSolicitation | None:
    """The message that already asked this person for consent, if any."""
    return (
        ConsentSolicitation.objects.of(subject.organisation_id)
        .filter(data_subject=subject)
        .order_by("-sent_at", "-pk")
        .first()
    )


# Occasional and regular contacts (DOMAIN.md §6) --------------------------------------
class ContactStatus(StrEnum):
    OCCASIONAL = "occasional"
    REGULAR = "regular"

    @property
    def label(self) -> str:
        return str(CONTACT_STATUS_LABELS[self])


CONTACT_STATUS_LABELS = {
    ContactStatus.OCCASIONAL: _("Occasional contact"),
    ContactStatus.REGULAR: _("Regular contact"),
}

# "A regular exchange": at least this many messages, calls or meetings that
# came from the person within the window.
REGULAR_INBOUND_COUNT = 2
REGULAR_WINDOW = timedelta(days=365)


@dataclass(frozen=True)
class ContactStatusDecision:
    status: ContactStatus
    reason: str

    @property
    def regular(self) -> bool:
        return self.status == ContactStatus.REGULAR


def contact_status(
    *,
    subject: DataSubject,
    inbound_last_12_months: int,
    is_customer: bool = False,
    stated_regular: bool = False,
    states: dict[ConsentPurpose, ConsentState] | None = None,
) -> ContactStatusDecision:
    """Occasional or regular (DOMAIN.md §6), from the ledger and the interactions.

    Regular: the person has a consent in force, or is a customer (a regular
    relationship), or sent us ``REGULAR_INBOUND_COUNT`` messages, calls or
    visits within the last 12 months (the caller counts them: the interactions
    are the domain's), or staff stated a regular relationship the interactions
    do not show (``stated_regular``). Otherwise occasional. ``states`` spares
    a query when the caller already has them (``consent_states``).
    """
    if states is None:
        states = consent_states(organisation=subject.organisation_id, subjects=[subject])[
            subject.pk
        ]
    if any(state.given for state in states.values()):
        return ContactStatusDecision(ContactStatus.REGULAR, str(_("has consented")))
    if is_customer:
        return ContactStatusDecision(ContactStatus.REGULAR, str(_("is a customer")))
    if inbound_last_12_months >= REGULAR_INBOUND_COUNT:
        return ContactStatusDecision(
            ContactStatus.REGULAR, str(_("regular exchanges over the last 12 months"))
        )
    if stated_regular:
        return ContactStatusDecision(
            ContactStatus.REGULAR, str(_("a regular relationship recorded by staff"))
        )
    return ContactStatusDecision(
        ContactStatus.OCCASIONAL, str(_("no consent and no regular exchange"))
    )


def window_start(now: datetime | None = None) -> datetime:
    """Where the 12 months of "regular exchange" start."""
    return (now or timezone.now()) - REGULAR_WINDOW
