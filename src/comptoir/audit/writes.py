"""How a service writes a tenant row and journals it, the one way every app does:
validation with errors keyed by field, locked updates of what changed, one audit
record per change (field names, never values).

Each write path also asks whether the row is about a person whose data is
restricted (GDPR art. 18, ``privacy.restriction.refuse_if_restricted``):
``validate`` before a creation or an update, ``update_locked`` on the stored
row before it changes, ``audit`` before a deletion is journalled."""

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from comptoir.audit.models import Action
from comptoir.audit.reads import subjects_of
from comptoir.audit.services import Actor, audit_record
from comptoir.core.changes import changed, snapshot
from comptoir.privacy.restriction import refuse_if_restricted


def check_names(given: Iterable[str], allowed: frozenset[str], what: str) -> None:
    """A caller naming a field that cannot be set is a programming error, not bad input."""
    unknown = sorted(set(given) - allowed)
    if unknown:
        raise TypeError(f"{what}: unknown or read-only fields {unknown}")


def validate(
    instance: models.Model,
    *,
    exclude: Iterable[str] = (),
    more: dict[str, ValidationError] | None = None,
) -> None:
    """``full_clean``, with errors keyed by field name; ``more`` adds the caller's own.

    Database constraints are left to the caller when it gives ``more``: Django
    reports a constraint over several fields under ``__all__``, where a form
    cannot show it beside its field. A row about a restricted person is refused
    first, alone (``privacy.restriction``).
    """
    refuse_if_restricted(instance)
    try:
        instance.full_clean(exclude=list(exclude), validate_constraints=more is None)
        raise_if(more or {})
    except ValidationError as exc:
        errors = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        raise ValidationError({**errors, **(more or {})}) from None


def raise_if(errors: dict[str, ValidationError]) -> None:
    if errors:
        raise ValidationError(errors)


def audit(*, actor: Actor, action: str, instance: models.Model, fields: Iterable[str]) -> None:
    """One audit record for a change of ``instance``: the field names, never
    the values, and the data subject the row is about when it is known
    without a query (``subjects_of(..., loaded_only=True)``), so the change
    stays in the person's trail after the row is gone. A deletion of a row
    about a restricted person is refused (and rolled back)."""
    if action == Action.DELETE:
        refuse_if_restricted(instance)
    audit_record(
        actor=actor,
        action=action,
        organisation_id=instance.organisation_id,
        object_type=instance._meta.label_lower,
        object_id=instance.pk,
        fields=list(fields),
        subjects=subjects_of([instance], loaded_only=True),
    )


Errors = dict[str, ValidationError]


def _auto_now(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)]


def update_locked(
    *,
    actor: Actor,
    instance: models.Model,
    changes: dict[str, Any],
    fields: frozenset[str],
    adjust: Callable[[models.Model], None] | None = None,
    more: Callable[[models.Model], Errors] | None = None,
    duplicates: Callable[[models.Model, list[str]], Errors] | None = None,
) -> models.Model:
    """Change some of ``fields`` of ``instance`` under a row lock, the one way
    the parties services update: ``adjust`` derives what follows from the
    changes, ``more`` adds the caller's checks to ``full_clean``,
    ``duplicates`` looks for another row with the changed values. Only the
    fields that really changed are saved (with the model's ``auto_now``
    fields: ``updated_at``) and journalled; nothing is written when none did."""
    check_names(changes, fields, f"{instance._meta.model_name} update")
    model = type(instance)
    locked = model.objects.of(instance.organisation_id).select_for_update().get(pk=instance.pk)
    refuse_if_restricted(locked)  # the stored row's person; ``validate`` checks the new one
    before = snapshot(locked, fields)
    for name, value in changes.items():
        setattr(locked, name, value)
    if adjust is not None:
        adjust(locked)
    validate(locked, more=more(locked) if more is not None else None)
    names = changed(locked, before)
    if not names:
        return locked
    if duplicates is not None:
        raise_if(duplicates(locked, names))
    locked.save(update_fields=[*names, *_auto_now(model)])
    audit(actor=actor, action=Action.UPDATE, instance=locked, fields=names)
    return locked
