"""GDPR art. 19: to whom a person's data went, and telling them of a change.

``disclosure_record`` is called where data leaves, when it leaves: the domain
apps call it from their own services (an invoice sent by mail, the invoice
export), so this module knows no domain model. ``recipients_to_notify``
merges those disclosures with the organisation's standing recipients (its
processors: ``STANDING_RECIPIENTS``, a list of providers other apps fill in
their ``AppConfig.ready``). ``recipients_notify`` queues one mail per email
recipient through the outbox, telling them which change (rectification,
erasure, restriction) concerns the data in which documents they received,
with no personal data beyond the references they already hold; the other
recipients are returned for the DPO to handle by hand.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import Actor, audit_record
from comptoir.audit.writes import validate
from comptoir.core.mailabout import MailAbout
from comptoir.mail.models import Message
from comptoir.mail.services import messages_queue
from comptoir.mail.tasks import messages_enqueue
from comptoir.privacy.models import DataSubject
from comptoir.privacy.records.models import Disclosure, DisclosureKind


class Change:
    """The changes art. 19 asks to notify."""

    RECTIFICATION = "rectification"
    ERASURE = "erasure"
    RESTRICTION = "restriction"
    ALL = (RECTIFICATION, ERASURE, RESTRICTION)


@dataclass(frozen=True)
class Recipient:
    """One recipient to notify: who, how it received the data, what it received."""

    kind: str  # a DisclosureKind value
    recipient: str  # an address, a processor's name, an export's description
    what: tuple[str, ...] = ()  # references of what went (no personal value)
    last_at: datetime | None = None
    standing: bool = False  # from a standing provider (a processor), not a disclosure

    @property
    def by_email(self) -> bool:
        return self.kind == DisclosureKind.EMAIL

    @property
    def kind_label(self) -> str:
        return str(DisclosureKind(self.kind).label)


# Providers of the recipients every person's data goes to (the organisation's
# processors): ``provider(organisation=..., subject=...) -> Iterable[Recipient]``.
# Apps append theirs in ``AppConfig.ready`` (the register adds its processors).
STANDING_RECIPIENTS: list[Callable[..., Iterable[Recipient]]] = []


class Notified(list):
    """The messages queued by ``recipients_notify`` (a list of outbox
    ``Message``s), with ``by_hand``: the recipients that cannot be mailed
    (exports, processors without an address...) for the DPO to notify."""

    def __init__(self, messages: Iterable[Message], by_hand: list[Recipient]):
        super().__init__(messages)
        self.by_hand = by_hand


def subject_get(*, organisation, uuid) -> DataSubject:
    """The organisation's data subject with this uuid (``DoesNotExist`` otherwise)."""
    return DataSubject.objects.of(organisation).get(uuid=uuid)


def _check_subject(organisation, subject: DataSubject) -> None:
    if subject.organisation_id != organisation.pk:
        raise ValueError("a data subject of another organisation")


@transaction.atomic
def disclosure_record(
    *,
    organisation,
    subject: DataSubject,
    kind: str,
    recipient: str,
    what: str,
    actor: Actor,
    occurred_at: datetime | None = None,
) -> Disclosure:
    """Record that ``subject``'s data went to ``recipient`` (art. 19), now.

    ``what`` names what went without a personal value (a document number,
    ``"invoicing.invoice:12"``); ``recipient`` is encrypted under the
    organisation's key. Journalled in the same transaction, naming the person."""
    _check_subject(organisation, subject)
    disclosure = Disclosure(
        organisation=organisation,
        subject=subject,
        kind=kind,
        recipient=(recipient or "").strip(),
        what=(what or "").strip(),
        occurred_at=occurred_at or timezone.now(),
        recorded_by=actor.user_id,
    )
    validate(disclosure, exclude=["row_uuid"])
    disclosure.save()
    audit_record(
        actor=actor,
        action=Action.CREATE,
        organisation_id=organisation.pk,
        object_type=Disclosure._meta.label_lower,
        object_id=disclosure.pk,
        fields=["subject", "kind", "recipient", "what"],
        subjects=[subject.pk],
    )
    return disclosure


def disclosures_of(*, organisation, subject: DataSubject) -> list[Disclosure]:
    """Every recorded disclosure of ``subject``'s data, the latest first."""
    _check_subject(organisation, subject)
    return list(
        Disclosure.objects.of(organisation).filter(subject=subject).order_by("-occurred_at", "-pk")
    )


def recipients_to_notify(*, organisation, subject: DataSubject) -> list[Recipient]:
    """Whom to tell of a rectification, erasure or restriction of ``subject``'s
    data: each distinct recipient of a disclosure (with every reference it
    received), then the standing recipients (processors) the providers give."""
    merged: dict[tuple[str, str], dict] = {}
    for disclosure in disclosures_of(organisation=organisation, subject=subject):
        key = (disclosure.kind, disclosure.recipient)
        entry = merged.setdefault(key, {"what": [], "last_at": disclosure.occurred_at})
        if disclosure.what and disclosure.what not in entry["what"]:
            entry["what"].append(disclosure.what)
    found = [
        Recipient(kind, recipient, tuple(sorted(entry["what"])), entry["last_at"])
        for (kind, recipient), entry in merged.items()
    ]
    seen = set(merged)
    for provider in STANDING_RECIPIENTS:
        for recipient in provider(organisation=organisation, subject=subject):
            key = (recipient.kind, recipient.recipient)
            if key not in seen:
                seen.add(key)
                found.append(recipient)
    return found


def _notice(organisation, change: str, references: tuple[str, ...]) -> tuple[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        subject = {
            Change.RECTIFICATION: _("Rectification of personal data (GDPR art. 19)"),
            Change.ERASURE: _("Erasure of personal data (GDPR art. 19)"),
            Change.RESTRICTION: _("Restriction of processing of personal data (GDPR art. 19)"),
        }[change]
        asked = {
            Change.RECTIFICATION: _(
                "Some personal data about a person named in them has been rectified at the "
                "person's request. Please update the copies you hold."
            ),
            Change.ERASURE: _(
                "Some personal data about a person named in them has been erased at the "
                "person's request. Please erase the copies you hold, unless a legal "
                "obligation requires you to keep them."
            ),
            Change.RESTRICTION: _(
                "The processing of personal data about a person named in them has been "
                "restricted at the person's request. Please only store that data and not "
                "process it further until told otherwise."
            ),
        }[change]
        documents = (
            "\n".join(f"- {reference}" for reference in references)
            if references
            else "- " + _("the data we sent you")
        )
        body = _(
            "Hello,\n\nYou received from %(organisation)s the following documents:\n"
            "%(documents)s\n\n%(asked)s\n\nThis notice is sent under article 19 of the "
            "General Data Protection Regulation.\n\nKind regards,\n%(organisation)s\n"
        ) % {"organisation": organisation.legal_name, "documents": documents, "asked": asked}
    return subject, body


@transaction.atomic
def recipients_notify(*, organisation, subject: DataSubject, change: str, actor: Actor) -> Notified:
    """Queue one mail per email recipient of ``subject``'s data telling it of
    ``change`` (``Change``), journalled per message (naming the person); the
    recipients that cannot be mailed come back in ``.by_hand``."""
    if change not in Change.ALL:
        raise ValidationError({"change": _("Choose rectification, erasure or restriction.")})
    _check_subject(organisation, subject)
    emails, by_hand = [], []
    for recipient in recipients_to_notify(organisation=organisation, subject=subject):
        try:
            if not recipient.by_email:
                raise ValidationError("not an email recipient")
            validate_email(recipient.recipient)
        except ValidationError:
            by_hand.append(recipient)
            continue
        title, body = _notice(organisation, change, recipient.what)
        reply_to = organisation.privacy_contact_email
        emails.append(
            EmailMessage(
                subject=title,
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[recipient.recipient],
                reply_to=[reply_to] if reply_to else None,
            )
        )
    about = MailAbout(organisation_id=organisation.pk, confidential=False)
    messages = messages_queue(messages=emails, about=about) if emails else []
    for message in messages:
        # The notice is about the person: the event names them (their trail).
        audit_record(
            actor=actor,
            action=Action.NOTIFY,
            organisation_id=organisation.pk,
            object_type=Message._meta.label_lower,
            object_id=message.pk,
            fields=[change],
            subjects=[subject.pk],
        )
    messages_enqueue([message.pk for message in messages])
    return Notified(messages, by_hand)
