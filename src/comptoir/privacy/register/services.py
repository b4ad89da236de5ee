"""What changes the register's configuration, and its journalled downloads.

Keyword-only and atomic; every change writes its audit event in the same
transaction (field names, never values), through ``audit.writes``.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from comptoir.audit.models import Action
from comptoir.audit.services import Actor, audit_record
from comptoir.audit.writes import audit, check_names, update_locked, validate
from comptoir.core.modelfields import editable_fields
from comptoir.privacy.register import exports, selectors
from comptoir.privacy.register.models import Processor, Recipient, RegisterSettings
from comptoir.tenancy.models import Organisation

SETTINGS_FIELDS = editable_fields(RegisterSettings)
RECIPIENT_FIELDS = editable_fields(Recipient)
PROCESSOR_FIELDS = editable_fields(Processor)
SETTINGS_TYPE = RegisterSettings._meta.label_lower


def _format(fmt: str) -> exports.Format:
    try:
        return exports.Format(fmt)
    except ValueError:
        raise ValidationError(
            {"format": _("Choose one of: %s.") % ", ".join(exports.Format)}, code="format"
        ) from None


def register_settings_get(*, organisation: Organisation) -> RegisterSettings:
    """The organisation's settings row, created empty (every purpose in use,
    no measure of its own) the first time it is changed."""
    found = RegisterSettings.objects.of(organisation).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return RegisterSettings.objects.create(organisation=organisation)
    except IntegrityError:  # created meanwhile by another request
        return RegisterSettings.objects.of(organisation).get()


@transaction.atomic
def register_settings_update(
    *, actor: Actor, organisation: Organisation, **changes: Any
) -> RegisterSettings:
    """Change the purposes in use (a list of codes; ``None`` or ``[]``: all of
    those the code serves) and the organisation's own measures."""
    if changes.get("purposes") == []:
        changes["purposes"] = None
    return update_locked(
        actor=actor,
        instance=register_settings_get(organisation=organisation),
        changes=changes,
        fields=SETTINGS_FIELDS,
    )


def _create(*, actor: Actor, organisation: Organisation, model, allowed, values: dict):
    check_names(values, allowed, f"{model._meta.model_name} create")
    row = model(organisation=organisation, **values)
    validate(row, exclude=["organisation"])
    row.save()
    audit(actor=actor, action=Action.CREATE, instance=row, fields=sorted(values))
    return row


def _delete(*, actor: Actor, row) -> None:
    locked = type(row).objects.of(row.organisation_id).select_for_update().get(pk=row.pk)
    audit(actor=actor, action=Action.DELETE, instance=locked, fields=[])
    locked.delete()


@transaction.atomic
def recipient_create(*, actor: Actor, organisation: Organisation, **values: Any) -> Recipient:
    return _create(
        actor=actor,
        organisation=organisation,
        model=Recipient,
        allowed=RECIPIENT_FIELDS,
        values=values,
    )


@transaction.atomic
def recipient_update(*, actor: Actor, recipient: Recipient, **changes: Any) -> Recipient:
    return update_locked(actor=actor, instance=recipient, changes=changes, fields=RECIPIENT_FIELDS)


@transaction.atomic
def recipient_delete(*, actor: Actor, recipient: Recipient) -> None:
    _delete(actor=actor, row=recipient)


@transaction.atomic
def processor_create(*, actor: Actor, organisation: Organisation, **values: Any) -> Processor:
    return _create(
        actor=actor,
        organisation=organisation,
        model=Processor,
        allowed=PROCESSOR_FIELDS,
        values=values,
    )


@transaction.atomic
def processor_update(*, actor: Actor, processor: Processor, **changes: Any) -> Processor:
    return update_locked(actor=actor, instance=processor, changes=changes, fields=PROCESSOR_FIELDS)


@transaction.atomic
def processor_delete(*, actor: Actor, processor: Processor) -> None:
    _delete(actor=actor, row=processor)


@transaction.atomic
def register_export(*, actor: Actor, organisation: Organisation, fmt: str) -> exports.ExportFile:
    """The organisation's register as a file, its download journalled (an export)."""
    chosen = _format(fmt)
    file = exports.register_file(selectors.register_build(organisation=organisation), chosen)
    audit_record(
        actor=actor,
        action=Action.EXPORT,
        organisation_id=organisation.pk,
        object_type=SETTINGS_TYPE,
        object_id="",
        fields=[f"format_{chosen.value}"],
    )
    return file


@transaction.atomic
def processor_register_export(*, actor: Actor, fmt: str) -> exports.ExportFile:
    """The operator's register as a processor (every organisation served), its
    download journalled on the system chain."""
    chosen = _format(fmt)
    file = exports.processor_register_file(selectors.processor_register_build(), chosen)
    audit_record(
        actor=actor,
        action=Action.EXPORT,
        organisation_id=None,
        object_type=SETTINGS_TYPE,
        object_id="",
        fields=[f"processor_register_{chosen.value}"],
    )
    return file
