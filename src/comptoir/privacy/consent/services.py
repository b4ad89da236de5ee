"""What changes the consent ledger: each service appends events (or a new
wording version) and journals them in the same transaction.

Withdrawing asks no more than giving: a person, a purpose, a channel. The
public pages (a confirmation link, a one-click unsubscribe) act for the person
themself (``by_subject``, their address kept as proof).
"""

import ipaddress
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import Actor, audit_record
from comptoir.audit.writes import audit, validate
from comptoir.core.mailabout import MailAbout
from comptoir.mail import services as mail_services
from comptoir.mail import tasks as mail_tasks
from comptoir.mail.models import MessageState
from comptoir.privacy.consent import links, selectors
from comptoir.privacy.consent.models import (
    ConfirmedVia,
    ConsentAction,
    ConsentChannel,
    ConsentEvent,
    ConsentPurpose,
    ConsentSolicitation,
    ConsentWording,
)
from comptoir.privacy.models import DataSubject
from comptoir.tenancy.models import Organisation

# How long a double opt-in link stays valid.
CONFIRMATION_VALID = timedelta(days=14)
EVENT_FIELDS = ["purpose", "action", "occurred_at", "channel", "form", "wording", "by_subject"]


def _choice(value, choices, field: str):
    try:
        return choices(value)
    except ValueError:
        raise ValidationError({field: _("Not a valid choice.")}, code="invalid_choice") from None


def _clean_ip(value: str | None) -> str:
    if not value:
        return ""
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        raise ValidationError({"source_ip": _("Not an IP address.")}, code="invalid") from None


def _check_subject(subject: DataSubject) -> None:
    if subject.is_shredded:
        raise ValidationError(
            {"subject": _("This person was erased: no consent can be recorded.")}, code="erased"
        )


def _when(occurred_at: datetime | None) -> datetime:
    now = timezone.now()
    if occurred_at is None:
        return now
    if timezone.is_naive(occurred_at):
        raise ValidationError({"occurred_at": _("Give a date with its time zone.")}, code="naive")
    if occurred_at > now + timedelta(minutes=5):
        raise ValidationError(
            {"occurred_at": _("A consent cannot be recorded in the future.")}, code="future"
        )
    return occurred_at


def _event(
    *,
    actor: Actor,
    subject: DataSubject,
    purpose,
    action: ConsentAction,
    channel,
    form: str,
    wording: ConsentWording | None,
    occurred_at: datetime | None,
    by_subject: bool,
    source_ip: str | None,
    token_hash: str = "",
) -> ConsentEvent:
    _check_subject(subject)
    purpose = _choice(purpose, ConsentPurpose, "purpose")
    channel = _choice(channel, ConsentChannel, "channel")
    errors = {}
    if wording is not None and (
        wording.organisation_id != subject.organisation_id or wording.purpose != purpose
    ):
        errors["wording"] = ValidationError(
            _("This wording is not one of this purpose's."), code="purpose"
        )
    if action == ConsentAction.GIVEN and wording is None:
        errors["wording"] = ValidationError(
            _("Say which wording the person was shown: it is the proof of their consent."),
            code="required",
        )
    event = ConsentEvent(
        organisation_id=subject.organisation_id,
        data_subject=subject,
        purpose=purpose,
        action=action,
        occurred_at=_when(occurred_at),
        channel=channel,
        form=form or "",
        wording=wording,
        recorded_by=None if by_subject else actor.user_id,
        by_subject=by_subject,
        source_ip=_clean_ip(source_ip),
        confirmation_token_hash=token_hash,
        confirmation_sent_at=timezone.now() if token_hash else None,
    )
    validate(event, exclude=["data_subject"], more=errors)
    event.save()
    fields = [*EVENT_FIELDS, *(["source_ip"] if event.source_ip else [])]
    fields += ["confirmation_token_hash"] if token_hash else []
    audit(actor=actor, action=Action.CREATE, instance=event, fields=fields)
    return event


@transaction.atomic
def consent_give(
    *,
    actor: Actor,
    subject: DataSubject,
    purpose: ConsentPurpose,
    channel: ConsentChannel,
    wording: ConsentWording | None,
    form: str = "",
    occurred_at: datetime | None = None,
    by_subject: bool = False,
    source_ip: str | None = None,
) -> ConsentEvent:
    """Record that ``subject`` gave consent to ``purpose``, with the wording shown.

    A purpose that needs a double opt-in (``models.DOUBLE_OPT_IN``) counts only
    once confirmed: use ``consent_request_confirmation`` for it."""
    return _event(
        actor=actor,
        subject=subject,
        purpose=purpose,
        action=ConsentAction.GIVEN,
        channel=channel,
        form=form,
        wording=wording,
        occurred_at=occurred_at,
        by_subject=by_subject,
        source_ip=source_ip,
    )


@transaction.atomic
def consent_withdraw(
    *,
    actor: Actor,
    subject: DataSubject,
    purpose: ConsentPurpose,
    channel: ConsentChannel,
    form: str = "",
    occurred_at: datetime | None = None,
    by_subject: bool = False,
    source_ip: str | None = None,
) -> ConsentEvent:
    """Record that ``subject`` withdrew (or refused) consent to ``purpose``.

    Asks no more than giving did; recorded even with no consent on file (a
    refusal is proof too), but not twice in a row: an already withdrawn
    consent gives back its latest event."""
    current = selectors.consent_state(subject=subject, purpose=purpose)
    if current.event is not None and current.event.action == ConsentAction.WITHDRAWN:
        return current.event
    return _event(
        actor=actor,
        subject=subject,
        purpose=purpose,
        action=ConsentAction.WITHDRAWN,
        channel=channel,
        form=form,
        wording=None,
        occurred_at=occurred_at,
        by_subject=by_subject,
        source_ip=source_ip,
    )


@transaction.atomic
def consent_request_confirmation(
    *,
    actor: Actor,
    subject: DataSubject,
    purpose: ConsentPurpose,
    wording: ConsentWording | None,
    email: str,
    base_url: str,
    channel: ConsentChannel = ConsentChannel.WEB_FORM,
    form: str = "",
    by_subject: bool = False,
    source_ip: str | None = None,
) -> ConsentEvent:
    """Record the consent as given, waiting for its confirmation, and mail the
    person a confirmation link (double opt-in) through the outbox.

    ``email`` is the address to confirm (the caller's, e.g. the contact
    person's); it goes into the mail only, never into the link."""
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid email address.")}) from None
    token, digest = links.confirmation_token()
    event = _event(
        actor=actor,
        subject=subject,
        purpose=purpose,
        action=ConsentAction.GIVEN,
        channel=channel,
        form=form,
        wording=wording,
        occurred_at=None,
        by_subject=by_subject,
        source_ip=source_ip,
        token_hash=digest,
    )
    organisation = Organisation.objects.get(pk=subject.organisation_id)
    language = wording.language if wording else translation.get_language()
    with translation.override(language):
        context = {
            "organisation": organisation,
            "wording": wording,
            "purpose": ConsentPurpose(event.purpose).label,
            "confirm_url": links.confirmation_url(token=token, base_url=base_url),
            "valid_days": CONFIRMATION_VALID.days,
        }
        message = EmailMessage(
            subject=_("Please confirm your consent: %(organisation)s")
            % {"organisation": organisation.legal_name},
            body=render_to_string("privacy_consent/mail_confirm.txt", context),
            to=[email],
            headers=links.unsubscribe_headers(subject, event.purpose, base_url=base_url),
        )
    stored = mail_services.messages_queue(
        messages=[message], about=MailAbout(organisation_id=organisation.pk, confidential=True)
    )
    mail_tasks.messages_enqueue([m.pk for m in stored if m.state == MessageState.QUEUED])
    return event


@transaction.atomic
def consent_confirm(*, token: str, source_ip: str | None = None) -> ConsentEvent | None:
    """The person followed their confirmation link: the double opt-in proof is
    recorded on the event it confirms. None for an unknown, expired or
    already used token (the page says so, without saying more)."""
    event = selectors.consent_event_by_token_hash(token_hash=links.token_hash(token))
    if event is None or event.data_subject.is_shredded:
        return None
    event = ConsentEvent.objects.of(event.organisation_id).select_for_update().get(pk=event.pk)
    if event.confirmed_at is not None:
        return event  # confirmed already: the same answer, nothing written twice
    if event.confirmation_sent_at is None or (
        timezone.now() > event.confirmation_sent_at + CONFIRMATION_VALID
    ):
        return None
    event.confirmed_at = timezone.now()
    event.confirmed_via = ConfirmedVia.EMAIL_LINK
    changed = ["confirmed_at", "confirmed_via"]
    if source_ip and not event.source_ip:
        event.source_ip = _clean_ip(source_ip)
        changed.append("source_ip")
    event.save(update_fields=changed)
    audit(actor=Actor.user(None, source_ip), action=Action.UPDATE, instance=event, fields=changed)
    return event


@transaction.atomic
def consent_withdraw_by_link(*, token: str, source_ip: str | None = None) -> ConsentEvent | None:
    """The person followed a one-click withdrawal link (a page's button, or
    their mail client's RFC 8058 POST): the consent is withdrawn, by the
    person, through the "one-click link" channel. None for a forged token;
    an erased person has nothing left to withdraw (None too)."""
    read = links.withdraw_token_read(token)
    if read is None:
        return None
    subject_uuid, purpose = read
    subject = DataSubject.across_organisations.filter(uuid=subject_uuid).first()
    if subject is None or subject.is_shredded:
        return None
    return consent_withdraw(
        actor=Actor.user(None, source_ip),
        subject=subject,
        purpose=purpose,
        channel=ConsentChannel.ONE_CLICK,
        by_subject=True,
        source_ip=source_ip,
    )


@transaction.atomic
def consent_wording_create(
    *, actor: Actor, organisation, purpose: ConsentPurpose, language: str, text: str
) -> ConsentWording:
    """A new version of a purpose's wording (the earlier ones stay, as shown)."""
    purpose = _choice(purpose, ConsentPurpose, "purpose")
    latest = (
        ConsentWording.objects.of(organisation)
        .select_for_update()
        .filter(purpose=purpose)
        .aggregate(latest=Max("version"))["latest"]
    )
    wording = ConsentWording(
        organisation=organisation,
        purpose=purpose,
        version=(latest or 0) + 1,
        language=language,
        text=(text or "").strip(),
        created_by=actor.user_id,
    )
    validate(wording)
    wording.save()
    audit(
        actor=actor,
        action=Action.CREATE,
        instance=wording,
        fields=["purpose", "version", "language", "text"],
    )
    return wording


@transaction.atomic
def consent_solicitation_record(
    *, actor: Actor, subject: DataSubject, purpose: ConsentPurpose
) -> ConsentSolicitation:
    """Record that the one message asking an occasional contact for consent went
    out (``prospection.may_prospect(..., asking_consent=True)`` allows it once)."""
    _check_subject(subject)
    purpose = _choice(purpose, ConsentPurpose, "purpose")
    solicitation = ConsentSolicitation(
        organisation_id=subject.organisation_id,
        data_subject=subject,
        purpose=purpose,
        sent_at=timezone.now(),
        recorded_by=actor.user_id,
    )
    solicitation.save()
    audit(actor=actor, action=Action.CREATE, instance=solicitation, fields=["purpose", "sent_at"])
    return solicitation


# An objection (GDPR art. 21) --------------------------------------------------------
PROSPECTION_PURPOSES = (
    ConsentPurpose.PROSPECTION_EMAIL,
    ConsentPurpose.PROSPECTION_SMS,
    ConsentPurpose.PROSPECTION_PHONE,
    ConsentPurpose.PROSPECTION_POST,
    ConsentPurpose.PARTNERS,
)


def consent_objection_withdraw(*, subject: DataSubject, actor: Actor) -> list[ConsentEvent]:
    """An objection withdraws every consent to prospection in force, for good
    (DOMAIN.md §5: objection to prospection is absolute). Runs as one of the
    suppression list's ``objection_hooks``, inside the objection's transaction;
    the ledger then says withdrawn, through the objection, where it said given."""
    states = selectors.consent_states(organisation=subject.organisation_id, subjects=[subject])
    withdrawn = []
    for purpose in PROSPECTION_PURPOSES:
        if states[subject.pk][purpose].given:
            withdrawn.append(
                consent_withdraw(
                    actor=actor,
                    subject=subject,
                    purpose=purpose,
                    channel=ConsentChannel.OBJECTION,
                    form="objection (GDPR art. 21)",
                    by_subject=True,
                )
            )
    return withdrawn


# Retention ------------------------------------------------------------------------
def consent_proof_purge(*, now: datetime) -> int:
    """Delete the ledger events whose proof is no longer needed
    (``retention.CONSENT_PROOF``, ``selectors.consent_proof_expired``), one
    organisation at a time, each with one journal record. One of the retention
    sweep's purges (``privacy.records.sweep.retention_purges``)."""
    deleted = 0
    for organisation in Organisation.objects.order_by("pk"):
        with transaction.atomic():
            expired = list(
                selectors.consent_proof_expired(organisation=organisation, now=now).values_list(
                    "pk", flat=True
                )
            )
            if not expired:
                continue
            count, _ = ConsentEvent.objects.of(organisation).filter(pk__in=expired).delete()
            deleted += count
            audit_record(
                actor=Actor.system(),
                action=Action.DELETE,
                organisation_id=organisation.pk,
                object_type=ConsentEvent._meta.label_lower,
                object_id=f"{count} rows",
                fields=sorted(ConsentEvent.Privacy.fields),
            )
    return deleted
