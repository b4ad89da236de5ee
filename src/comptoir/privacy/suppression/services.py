"""The suppression list and objection (GDPR art. 21), checked on every create and import.

* ``suppression_add`` puts an email address or phone number on the list (its
  keyed hash: ``models``); adding it again restarts its three years.
* ``suppression_check`` (values as given) and ``suppressed`` (a batch of
  digests, for the importer's fast path) say which are on it, and
  ``suppression_errors`` turns that into the field errors a service raises:
  the one rule the parties services and the importer apply.
* ``subject_object``: the person objects; every email and phone their rows
  hold goes on the list, the ``objection_hooks`` run (the parties app marks
  the person's party opposed, the consent ledger withdraws their consent to
  prospection), and the objection is journalled. Objection to prospection is
  absolute (DOMAIN.md §5): nothing is asked, nothing can refuse it.
"""

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import Actor, audit_record
from comptoir.audit.writes import audit
from comptoir.privacy import blind_index, normalise
from comptoir.privacy.models import DataSubject
from comptoir.privacy.restriction import ADDRESS_FIELDS, at_the_persons_request, subject_addresses
from comptoir.privacy.suppression.models import SuppressionEntry, SuppressionKind
from comptoir.tenancy.models import Organisation

REFERENCE_MAX = SuppressionEntry._meta.get_field("reference").max_length
VALUE_MAX = 254  # the longest email address (phone numbers are shorter)

# ``hook(subject=, actor=)``, run by ``subject_object`` inside its transaction:
# filled by the apps in their ``AppConfig.ready`` (parties: mark the party
# opposed; consent: withdraw the consent to prospection). A hook that raises
# undoes the whole objection.
ObjectionHook = Callable[..., None]
objection_hooks: list[ObjectionHook] = []


def _region(organisation: Organisation) -> str:
    return getattr(organisation, "country", "") or "FR"


def digest_of(*, organisation: Organisation, kind: str, value: str) -> bytes:
    """The keyed hash of ``value`` (``normalise.NormalisationError`` if it is not one)."""
    return blind_index.compute(
        organisation_id=organisation.pk, kind=kind, value=value, region=_region(organisation)
    )


def reason(kind: str, objected_at: datetime) -> str:
    """Why a value is refused: the date of the objection, never the value."""
    when = formats.date_format(timezone.localtime(objected_at).date(), "DATE_FORMAT")
    if kind == SuppressionKind.PHONE:
        return _(
            "This phone number objected to any processing on %(date)s; it cannot be added again."
        ) % {"date": when}
    return _("This address objected to any processing on %(date)s; it cannot be added again.") % {
        "date": when
    }


# Reading the list -----------------------------------------------------------------
def suppressed(*, organisation: Organisation, kind: str, digests: Iterable[bytes]) -> dict:
    """Those of ``digests`` (blind indexes of ``kind``) on the list, each with the
    date of its objection: one query for a whole batch (the importer's)."""
    wanted = {bytes(d) for d in digests if d}
    if not wanted:
        return {}
    rows = (
        SuppressionEntry.objects.of(organisation)
        .filter(kind=kind, digest__in=list(wanted))
        .values_list("digest", "created_at")
    )
    return {bytes(digest): created_at for digest, created_at in rows}


def _digests(organisation, kind: str, values: Iterable[str]) -> list[bytes]:
    found = []
    for value in values:
        if not value:
            continue
        try:
            found.append(digest_of(organisation=organisation, kind=kind, value=value))
        except normalise.NormalisationError:
            continue  # never stored, so never suppressed
    return found


def suppression_check(
    *, organisation: Organisation, emails: Iterable[str] = (), phones: Iterable[str] = ()
) -> list[str]:
    """The reasons why these values may not be added (empty: none is on the list)."""
    reasons = []
    for kind, values in ((SuppressionKind.EMAIL, emails), (SuppressionKind.PHONE, phones)):
        found = suppressed(
            organisation=organisation, kind=kind, digests=_digests(organisation, kind, values)
        )
        reasons += [reason(kind, when) for when in sorted(found.values())]
    return reasons


def suppression_errors(
    *, organisation: Organisation, values: Mapping[str, tuple[str, str]]
) -> dict[str, ValidationError]:
    """Field errors for the values on the list: ``values`` maps a field name to
    (kind, value). The rule a service applies to what it is about to store."""
    errors: dict[str, ValidationError] = {}
    by_kind: dict[str, dict[str, bytes]] = {}
    for name, (kind, value) in values.items():
        digests = _digests(organisation, kind, [value])
        if digests:
            by_kind.setdefault(kind, {})[name] = digests[0]
    for kind, digests in by_kind.items():
        found = suppressed(organisation=organisation, kind=kind, digests=digests.values())
        for name, digest in digests.items():
            if digest in found:
                errors[name] = ValidationError(reason(kind, found[digest]), code="suppressed")
    return errors


def instance_suppression_errors(instance, names: Iterable[str]) -> dict[str, ValidationError]:
    """``suppression_errors`` for the email and phone fields of ``instance`` among
    ``names`` (the fields a creation sets or an update changes), whatever the model."""
    values = {}
    for name in names:
        field = instance._meta.get_field(name)
        for kind, field_class in ADDRESS_FIELDS.items():
            if isinstance(field, field_class) and getattr(instance, name):
                values[name] = (kind, getattr(instance, name))
    if not values:
        return {}
    return suppression_errors(organisation=instance.organisation, values=values)


# Writing it -------------------------------------------------------------------------
def _entry_added(
    *, organisation: Organisation, kind: str, digest: bytes, reference: str, actor: Actor
) -> SuppressionEntry:
    now = timezone.now()
    entry = (
        SuppressionEntry.objects.of(organisation)
        .select_for_update()
        .filter(kind=kind, digest=digest)
        .first()
    )
    if entry is None:
        entry = SuppressionEntry(
            organisation=organisation, kind=kind, digest=digest, reference=reference
        )
        entry.created_at = now
        entry.save()
        audit(actor=actor, action=Action.CREATE, instance=entry, fields=_filled(entry))
        return entry
    entry.created_at = now  # a new objection: the three years start again
    names = ["created_at"]
    if reference and reference != entry.reference:
        entry.reference = reference
        names.append("reference")
    entry.save(update_fields=names)
    audit(actor=actor, action=Action.UPDATE, instance=entry, fields=names)
    return entry


def _filled(entry: SuppressionEntry) -> list[str]:
    return ["kind", "digest", "created_at", *(["reference"] if entry.reference else [])]


def _checked_reference(reference: str) -> str:
    reference = reference.strip()
    if len(reference) > REFERENCE_MAX:
        raise ValidationError(
            {"reference": _("At most %(max)s characters.") % {"max": REFERENCE_MAX}},
            code="max_length",
        )
    return reference


@transaction.atomic
def suppression_add(
    *, organisation: Organisation, actor: Actor, kind: str, value: str, reference: str = ""
) -> SuppressionEntry:
    """Put an email address or phone number on the list (an objection received by
    letter, say). ``ValidationError`` on ``value`` for a value that is not one of
    ``kind``; the value itself is never stored nor journalled."""
    if kind not in SuppressionKind.values:
        raise ValidationError({"kind": _("Choose an email address or a phone number.")})
    reference = _checked_reference(reference)
    try:
        digest = digest_of(organisation=organisation, kind=kind, value=value)
    except normalise.NormalisationError:
        message = (
            _("Enter a valid email address.")
            if kind == SuppressionKind.EMAIL
            else _("Enter a valid phone number.")
        )
        raise ValidationError({"value": message}, code="invalid") from None
    return _entry_added(
        organisation=organisation, kind=kind, digest=digest, reference=reference, actor=actor
    )


@transaction.atomic
def subject_object(
    *, subject: DataSubject, actor: Actor, reference: str = ""
) -> list[SuppressionEntry]:
    """The person objects (art. 21): their emails and phones go on the list, the
    ``objection_hooks`` run (party marked opposed, consent to prospection
    withdrawn), one journal record for the objection. Runs even while the
    person's data is restricted: it is their own instruction. Returns the entries."""
    reference = _checked_reference(reference)
    locked = DataSubject.objects.of(subject.organisation_id).select_for_update().get(pk=subject.pk)
    organisation = locked.organisation
    entries = []
    with at_the_persons_request():
        for kind in SuppressionKind.values:
            for normal in subject_addresses(locked, kind):
                digest = blind_index.of_normal(
                    organisation_id=organisation.pk, kind=kind, normal=normal
                )
                entries.append(
                    _entry_added(
                        organisation=organisation,
                        kind=kind,
                        digest=digest,
                        reference=reference,
                        actor=actor,
                    )
                )
        for hook in list(objection_hooks):
            hook(subject=locked, actor=actor)
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        organisation_id=locked.organisation_id,
        object_type=DataSubject._meta.label_lower,
        object_id=locked.uuid,
        fields=["objection", *([f"reference:{reference}"] if reference else [])],
    )
    return entries


def suppression_veto(subject: DataSubject, purpose) -> str | None:
    """A veto for ``may_prospect``: the reason when one of the person's emails or
    phones is on the suppression list, whatever the purpose, or None."""
    organisation = subject.organisation
    for kind in SuppressionKind.values:
        digests = [
            blind_index.of_normal(organisation_id=organisation.pk, kind=kind, normal=normal)
            for normal in subject_addresses(subject, kind)
        ]
        found = suppressed(organisation=organisation, kind=kind, digests=digests)
        if found:
            return reason(kind, min(found.values()))
    return None


__all__ = [
    "digest_of",
    "instance_suppression_errors",
    "objection_hooks",
    "reason",
    "subject_object",
    "suppressed",
    "suppression_add",
    "suppression_check",
    "suppression_errors",
    "suppression_veto",
]
