"""Moving an organisation's data from retired keys to its current one.

After ``keys.rotate_organisation_key`` a new data key is current and the old
one is retired but kept: every value still decrypts. ``organisation_reencrypt``
then re-wraps person keys under the new key and re-encrypts the values that
were encrypted with the organisation key directly (rows about no person).
Values encrypted with a person's key do not change: only that key's wrapping
does. Work goes in batches of rows, one transaction each, in primary-key
order; a value already under the current key is skipped, so a run that
crashed is resumed by running it again. Once a run reports nothing left, the
retired key can be destroyed.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from comptoir.audit.models import Action
from comptoir.audit.services import Actor, audit_record
from comptoir.privacy import crypto, keys
from comptoir.privacy.fields import EncryptedField, OperatorSealed
from comptoir.privacy.models import KeyKind, SubjectKey

Progress = Callable[[str, int, int], None]  # (what, done, total)


@dataclass
class ReencryptionReport:
    subjects_rewrapped: int = 0
    values_reencrypted: int = 0
    rows_seen: int = 0
    fields: set[str] = dataclasses.field(default_factory=set)  # "model.field" of the values moved


def encrypted_models():
    from comptoir.privacy.registry import registry

    return [m for m in registry.models() if _encrypted_fields(m)]


def _encrypted_fields(model) -> list[EncryptedField]:
    # Operator-sealed fields (users') are under the operator key, not an organisation's.
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, EncryptedField) and not isinstance(f, OperatorSealed)
    ]


def _batches(queryset, batch_size: int):
    last = 0
    while True:
        with transaction.atomic():
            locked = queryset.select_for_update(of=("self",))
            batch = list(locked.filter(pk__gt=last).order_by("pk")[:batch_size])
            if not batch:
                return
            yield batch
        last = batch[-1].pk


def organisation_reencrypt(
    *, organisation, batch_size: int = 500, models=None, progress: Progress | None = None
) -> ReencryptionReport:
    report = ReencryptionReport()
    version, _key = keys.current_key(organisation.pk)
    subjects = SubjectKey.objects.of(organisation).exclude(wrapped_by=version)
    total, done = subjects.count(), 0
    for batch in _batches(subjects, batch_size):
        report.subjects_rewrapped += sum(keys.subject_rewrap(s) for s in batch)
        done += len(batch)
        if progress:
            progress("data subjects", done, total)

    for model in models if models is not None else encrypted_models():
        fields = _encrypted_fields(model)
        rows = model.across_organisations.filter(organisation=organisation)
        total, done = rows.count(), 0
        for batch in _batches(rows.select_related("data_subject"), batch_size):
            for row in batch:
                moved = _reencrypt_row(row, fields, version)
                report.values_reencrypted += len(moved)
                report.fields.update(f"{model._meta.label_lower}.{name}" for name in moved)
            report.rows_seen += len(batch)
            done += len(batch)
            if progress:
                progress(model._meta.verbose_name_plural, done, total)
    if report.subjects_rewrapped or report.values_reencrypted:
        # What moved, by kind of column: the values themselves are unchanged.
        audit_record(
            actor=Actor.system(),
            action=Action.UPDATE,
            organisation_id=organisation.pk,
            object_type="privacy.reencryption",
            object_id=f"{KeyKind.DATA}:v{version}",
            fields=sorted(
                report.fields
                | ({"privacy.subjectkey.wrapped_key"} if report.subjects_rewrapped else set())
            ),
        )
    return report


def _reencrypt_row(row, fields: list[EncryptedField], version: int) -> list[str]:
    changes = {}
    for field in fields:
        sealed = row.__dict__.get(field.attname)
        if isinstance(sealed, crypto.Sealed) and crypto.needs_reencryption(sealed, version):
            plaintext = crypto.open_sealed(
                sealed, binding=field.binding(row), subject=field.subject(row)
            )
            changes[field.attname] = crypto.seal(
                plaintext, binding=field.binding(row), subject=field.subject(row)
            )
    if changes:
        type(row).across_organisations.filter(pk=row.pk).update(**changes)
    return sorted(changes)
