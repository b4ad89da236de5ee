"""The suppression list's rule, checked on every creation, update and import.

``suppression_check`` (values as given) and ``suppressed`` (a batch of
digests, for the importer's fast path) say which values are on the list, and
``suppression_errors`` / ``instance_suppression_errors`` turn that into the
field errors a service raises, with ``reason`` (the date of the objection,
never the value): the one rule the parties services and the importer apply.
``suppression_veto`` answers the consent engine's ``may_prospect``.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from comptoir.privacy import blind_index, normalise
from comptoir.privacy.models import DataSubject
from comptoir.privacy.restriction import ADDRESS_FIELDS, subject_addresses
from comptoir.privacy.suppression.models import SuppressionEntry, SuppressionKind
from comptoir.tenancy.models import Organisation


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
    "reason",
    "suppressed",
    "suppression_check",
    "suppression_errors",
    "suppression_veto",
]
