"""The suppression list and objection (GDPR art. 21): what changes them.

* ``suppression_add`` puts an email address or phone number on the list (its
  keyed hash: ``models``); adding it again restarts its three years. What is
  checked against it, on every creation and import, is ``rules``.
* ``subject_object``: the person objects; every email and phone their rows
  hold goes on the list, the ``objection_hooks`` run (the parties app marks
  the person's party opposed, the consent ledger withdraws their consent to
  prospection), and the objection is journalled. Objection to prospection is
  absolute (DOMAIN.md §5): nothing is asked, nothing can refuse it.
"""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import Actor, audit_record
from comptoir.audit.writes import audit
from comptoir.privacy import blind_index, normalise
from comptoir.privacy.models import DataSubject
from comptoir.privacy.restriction import at_the_persons_request, subject_addresses
from comptoir.privacy.suppression.models import SuppressionEntry, SuppressionKind
from comptoir.privacy.suppression.rules import digest_of
from comptoir.tenancy.models import Organisation

REFERENCE_MAX = SuppressionEntry._meta.get_field("reference").max_length
VALUE_MAX = 254  # the longest email address (phone numbers are shorter)

# ``hook(subject=, actor=)``, run by ``subject_object`` inside its transaction:
# filled by the apps in their ``AppConfig.ready`` (parties: mark the party
# opposed; consent: withdraw the consent to prospection). A hook that raises
# undoes the whole objection.
ObjectionHook = Callable[..., None]
objection_hooks: list[ObjectionHook] = []


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
    try:
        MaxLengthValidator(REFERENCE_MAX)(reference)
    except ValidationError as exc:
        raise ValidationError({"reference": exc.error_list}) from None
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


__all__ = ["objection_hooks", "subject_object", "suppression_add"]
