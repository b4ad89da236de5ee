"""Restriction of processing (GDPR art. 18): a person's data kept but frozen.

While ``DataSubject.restricted_at`` is set:

* **no edit**: every service that writes a row about the person refuses with
  ``RESTRICTED`` (a ``ValidationError``, code ``restricted``). The rule is
  asked once, in the shared write path (``audit.writes``: ``validate`` before
  a creation or an update, ``update_locked`` on the stored row, ``audit`` of
  a deletion), through ``refuse_if_restricted(instance)``: the row's person
  is found through its model's declaration (``registry.subject_lookup``), so
  every app's rows are covered without a list of models. Rows kept under a
  legal hold (invoices, payments, their sendings: ``retention.legal_hold``)
  are outside the freeze: the law that keeps them (accounting, legal claims)
  is what art. 18(2) lets through;
* **no prospection**: ``restriction_veto(subject, purpose)`` answers the
  consent engine's ``may_prospect`` with the reason;
* **no export** to a third party but for legal claims: ``refuse_export`` and
  ``unrestricted(queryset)`` for the exports; the invoices export
  (``comptoir invoices export``) writes legal documents and is allowed, as is
  the access export to the person themself (art. 15);
* **imports** refuse a row matching a restricted person
  (``restricted_subject_ids``, batched).

Writes made on the person's own instruction (their objection, the withdrawal
of their consent, their erasure) pass the freeze: the engine runs them inside
``at_the_persons_request()``.

Lifting tells the person first (art. 18(3)): ``subject_restriction_lift``
puts a message to every email address their rows hold into the outbox, in
the same transaction as the lift; with no address known, the caller says how
the person was told (``told_by``), and that statement goes to the
organisation's privacy contact through the outbox, where it stays as proof.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import MaxLengthValidator
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.audit.models import Action
from comptoir.audit.services import Actor, audit_record
from comptoir.core.mailabout import mail_about
from comptoir.privacy import normalise
from comptoir.privacy.fields import EncryptedEmailField, EncryptedPhoneField
from comptoir.privacy.models import DataSubject
from comptoir.privacy.registry import registry, subject_lookup

RESTRICTED = gettext_lazy(
    "This person's data is restricted (GDPR art. 18): it cannot be changed until "
    "the restriction is lifted."
)
RESTRICTED_EXPORT = gettext_lazy(
    "This person's data is restricted (GDPR art. 18): it cannot be exported, "
    "except for legal claims."
)
RESTRICTED_PROSPECTION = gettext_lazy(
    "This person's data is restricted (GDPR art. 18): no prospection until the "
    "restriction is lifted."
)
TOLD_BY_MAX = 500

_persons_request: ContextVar[bool] = ContextVar("restriction_persons_request", default=False)


@contextmanager
def at_the_persons_request() -> Iterator[None]:
    """Writes inside this block pass the freeze: they carry out the person's own
    instruction (objection, consent withdrawal, erasure), which art. 18 never stops."""
    token = _persons_request.set(True)
    try:
        yield
    finally:
        _persons_request.reset(token)


# Which person a row is about ---------------------------------------------------
def _frozen_lookup(model) -> str | None:
    """The lookup from a row of ``model`` to its person, if its rows can be frozen."""
    declaration = registry.for_model(model)
    if declaration is None:
        return None
    if declaration.retention is not None and declaration.retention.legal_hold:
        return None  # legal obligations and claims: outside the freeze
    return subject_lookup(declaration)


def subject_id_of(instance: models.Model) -> int | None:
    """The id of the ``DataSubject`` a row (saved or not) is about, read along its
    declaration's path, or None (no person, or a row outside the freeze)."""
    lookup = _frozen_lookup(type(instance))
    if lookup is None:
        return None
    current = instance
    steps = lookup.split("__")
    for step in steps[:-1]:
        field = current._meta.get_field(step)
        if not (field.many_to_one or field.one_to_one) or not field.concrete:
            # A path through a reverse relation: ask the database.
            if instance.pk is None:
                return None
            return (
                type(instance)
                ._base_manager.filter(pk=instance.pk)
                .values_list(lookup, flat=True)
                .first()
            )
        if getattr(current, field.attname) is None:
            return None
        current = getattr(current, step)
    last = current._meta.get_field(steps[-1])
    if last.many_to_many or not last.concrete:
        return None  # a row about several people (a rights request's matches): not frozen
    return getattr(current, last.attname)


def restricted_subject_ids(*, organisation_id: int, subject_ids: Iterable[int | None]) -> set[int]:
    """Those of ``subject_ids`` whose data is restricted (one query)."""
    wanted = {pk for pk in subject_ids if pk is not None}
    if not wanted:
        return set()
    return set(
        DataSubject.objects.of(organisation_id)
        .filter(pk__in=wanted, restricted_at__isnull=False)
        .values_list("pk", flat=True)
    )


def refuse_if_restricted(instance: models.Model) -> None:
    """``ValidationError`` (``RESTRICTED``) when ``instance`` is a row about a
    restricted person: the one check every write path asks."""
    if _persons_request.get():
        return
    subject_id = subject_id_of(instance)
    if subject_id is None:
        return
    organisation_id = getattr(instance, "organisation_id", None)
    if organisation_id is None:  # a document's line: the person's own organisation
        organisation_id = (
            DataSubject.across_organisations.filter(pk=subject_id)
            .values_list("organisation_id", flat=True)
            .first()
        )
    if restricted_subject_ids(organisation_id=organisation_id, subject_ids=[subject_id]):
        raise ValidationError(str(RESTRICTED), code="restricted")


def unrestricted(queryset: models.QuerySet) -> models.QuerySet:
    """``queryset`` without the rows about restricted persons: what an export to a
    third party or a prospection list may take."""
    lookup = _frozen_lookup(queryset.model)
    if lookup is None:
        return queryset
    return queryset.exclude(**{f"{lookup}__restricted_at__isnull": False})


def refuse_export(*, subjects: Iterable[DataSubject]) -> None:
    """``ValidationError`` (``RESTRICTED_EXPORT``) when one of ``subjects`` is restricted.
    Not for legal documents (invoices) nor for the person's own access export."""
    if any(s.restricted_at is not None for s in subjects):
        raise ValidationError(str(RESTRICTED_EXPORT), code="restricted")


def restriction_veto(subject: DataSubject, purpose) -> str | None:
    """A veto for ``may_prospect``: the reason why a restricted person may not be
    prospected, whatever the purpose, or None."""
    fresh = DataSubject.objects.of(subject.organisation_id).filter(pk=subject.pk)
    if fresh.filter(restricted_at__isnull=False).exists():
        return str(RESTRICTED_PROSPECTION)
    return None


# What the person's rows hold ------------------------------------------------------
ADDRESS_FIELDS = {"email": EncryptedEmailField, "phone": EncryptedPhoneField}


def _address_columns(kind: str) -> Iterator[tuple[type, str, list[str]]]:
    """(model, lookup to its person, its declared personal fields of ``kind``)."""
    field_class = ADDRESS_FIELDS[kind]
    for model in registry.models():
        if model._meta.app_config is None:
            continue  # registered by hand outside the installed apps (a test's model)
        declaration = registry.for_model(model)
        lookup = subject_lookup(declaration)
        if lookup is None:
            continue
        names = [
            name
            for name in declaration.fields
            if isinstance(model._meta.get_field(name), field_class)
        ]
        if names:
            yield model, lookup, names


def subject_addresses(subject: DataSubject, kind: str) -> list[str]:
    """Every email address (``kind="email"``) or phone number (``"phone"``) the
    person's rows hold, in normal form, decrypted through the declarations: any
    model declaring such a field about a person counts, without a list here."""
    if subject.is_shredded:
        return []
    found: dict[str, None] = {}
    region = getattr(subject.organisation, "country", "") or "FR"
    for model, lookup, names in _address_columns(kind):
        rows = model._base_manager.filter(
            organisation_id=subject.organisation_id, **{lookup: subject.pk}
        ).order_by("pk")
        for row in rows:
            for name in names:
                value = getattr(row, name)
                if not value:
                    continue
                try:
                    if kind == "phone":
                        normal = normalise.phone(value, region)
                    else:
                        normal = normalise.email(value)
                except normalise.NormalisationError:
                    continue
                found[normal] = None
    return list(found)


# Restricting and lifting ------------------------------------------------------------
def _locked(subject: DataSubject) -> DataSubject:
    return DataSubject.objects.of(subject.organisation_id).select_for_update().get(pk=subject.pk)


def _journal(actor: Actor, subject: DataSubject, fields: list[str]) -> None:
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        organisation_id=subject.organisation_id,
        object_type=DataSubject._meta.label_lower,
        object_id=subject.uuid,
        fields=fields,
    )


def _reference_names(reference: str) -> list[str]:
    # A reference is an id (a rights request's), never a value about the person.
    return [f"reference:{reference}"] if reference else []


@transaction.atomic
def subject_restrict(*, subject: DataSubject, actor: Actor, reference: str = "") -> DataSubject:
    """Freeze the person's data (art. 18). Restricting a restricted person changes
    nothing; a shredded one cannot be (nothing is left to restrict)."""
    locked = _locked(subject)
    if locked.is_shredded:
        raise ValidationError(_("This person was erased: nothing is left to restrict."))
    if locked.restricted_at is None:
        locked.restricted_at = timezone.now()
        locked.save(update_fields=["restricted_at"])
        _journal(actor, locked, ["restricted_at", *_reference_names(reference)])
    subject.restricted_at = locked.restricted_at
    return subject


def _notice(subject: DataSubject, organisation, to: list[str]) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        subject_line = _("The restriction of your data is being lifted")
        body = _(
            "Hello,\n\n"
            "You obtained from %(organisation)s that the processing of your personal "
            "data be restricted (GDPR art. 18). This restriction is being lifted: your "
            "data may be processed again for the purposes you were told about.\n\n"
            "If you disagree, answer this message or write to %(contact)s.\n\n"
            "%(organisation)s\n"
        ) % {
            "organisation": organisation.legal_name,
            "contact": organisation.privacy_contact_email,
        }
    reply_to = [organisation.privacy_contact_email] if organisation.privacy_contact_email else None
    return EmailMessage(
        subject=subject_line,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=reply_to,
    )


def _told_otherwise(subject: DataSubject, organisation, told_by: str) -> EmailMessage:
    """The caller's statement of how the person was told, to the privacy contact:
    kept in the outbox as proof (it names the person by pseudonymous id only)."""
    with translation.override(settings.LANGUAGE_CODE):
        subject_line = _("Restriction lifted: how the person was told")
        body = _(
            "The restriction of processing of person %(uuid)s was lifted on %(when)s. "
            "No email address of theirs is known; they were told as follows:\n\n%(told_by)s\n"
        ) % {"uuid": subject.uuid, "when": timezone.now().isoformat(), "told_by": told_by}
    return EmailMessage(
        subject=subject_line,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[organisation.privacy_contact_email],
    )


@transaction.atomic
def subject_restriction_lift(
    *, subject: DataSubject, actor: Actor, told_by: str = "", reference: str = ""
) -> DataSubject:
    """Lift the restriction, the person told first (art. 18(3)).

    Their email addresses (``subject_addresses``) each get the notice through the
    outbox, in this transaction, before the mark is cleared. With none known,
    ``told_by`` (how they were told: "by registered letter on ...") is required
    (``ValidationError`` on ``told_by``, nothing changed) and goes to the privacy
    contact through the outbox as the proof. Lifting an unrestricted person
    changes nothing and sends nothing.
    """
    locked = _locked(subject)
    if locked.restricted_at is None:
        subject.restricted_at = None
        return subject
    told_by = told_by.strip()
    try:
        MaxLengthValidator(TOLD_BY_MAX)(told_by)
    except ValidationError as exc:
        raise ValidationError({"told_by": exc.error_list}) from None
    organisation = locked.organisation
    emails = subject_addresses(locked, "email")
    if emails:
        message = _notice(locked, organisation, emails)
        how = "notice:email"
    elif told_by:
        message = _told_otherwise(locked, organisation, told_by)
        how = "notice:other"
    else:
        raise ValidationError(
            {
                "told_by": _(
                    "No email address of this person is known: say how they were told "
                    "that the restriction is lifted."
                )
            },
            code="required",
        )
    with mail_about(organisation_id=organisation.pk, confidential=False):
        message.send()
    locked.restricted_at = None
    locked.save(update_fields=["restricted_at"])
    _journal(actor, locked, ["restricted_at", how, *_reference_names(reference)])
    subject.restricted_at = None
    return subject


__all__ = [
    "RESTRICTED",
    "at_the_persons_request",
    "refuse_export",
    "refuse_if_restricted",
    "restricted_subject_ids",
    "restriction_veto",
    "subject_addresses",
    "subject_id_of",
    "subject_restrict",
    "subject_restriction_lift",
    "unrestricted",
]
