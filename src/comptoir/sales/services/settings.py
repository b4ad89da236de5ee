"""An organisation's sales settings (branding, bank details, billing terms, VAT
franchise, quote validity, language of documents) and its number patterns."""

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from comptoir.audit.models import Action
from comptoir.audit.services import Actor
from comptoir.audit.writes import audit, update_locked, validate
from comptoir.core.modelfields import editable_fields
from comptoir.sales import printing
from comptoir.sales.models import NumberSeries, SalesSettings, Series
from comptoir.sales.rules import decimals
from comptoir.tenancy.models import Organisation

# What the settings page and the API change; the logo through ``sales_settings_logo_set``.
SETTINGS_FIELDS = editable_fields(SalesSettings, exclude={"logo"})
LOGO_MAX_BYTES = 512 * 1024
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg"}
LOGO_MAX_PIXELS = 4000


def sales_settings_get(*, organisation: Organisation) -> SalesSettings:
    """The organisation's settings, created with its country's legal defaults on
    first use (``sales.printing.settings_of``: the one place that creates them)."""
    return printing.settings_of(organisation)


@transaction.atomic
def sales_settings_update(
    *, actor: Actor, organisation: Organisation, **changes: Any
) -> SalesSettings:
    if isinstance(changes.get("iban"), str):
        changes["iban"] = changes["iban"].replace(" ", "").upper()
    return update_locked(
        actor=actor,
        instance=sales_settings_get(organisation=organisation),
        changes=decimals(SalesSettings, changes),
        fields=SETTINGS_FIELDS,
    )


def _logo_format(upload) -> str:
    """The image's format (PNG or JPEG, read from its content, not its name)."""
    error = ValidationError(
        {"logo": _("The logo must be a PNG or JPEG image of at most 512 KB.")}, code="logo"
    )
    if upload.size is None or upload.size > LOGO_MAX_BYTES:
        raise error
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
            kind, (width, height) = image.format, image.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise error from None
    if kind not in LOGO_FORMATS or max(width, height) > LOGO_MAX_PIXELS:
        raise error
    upload.seek(0)
    return LOGO_FORMATS[kind]


@transaction.atomic
def sales_settings_logo_set(
    *, actor: Actor, organisation: Organisation, upload=None
) -> SalesSettings:
    """Store ``upload`` as the logo (``None``: remove it); the file goes through
    ``default_storage`` under a random name, the former one is deleted."""
    current = sales_settings_get(organisation=organisation)
    locked = SalesSettings.objects.of(organisation).select_for_update().get(pk=current.pk)
    former = locked.logo.name if locked.logo else ""
    if upload is not None:
        extension = _logo_format(upload)
        name = default_storage.save(
            f"branding/{organisation.pk}/{uuid.uuid4().hex}.{extension}", upload
        )
        locked.logo.name = name
    else:
        if not former:
            return locked
        locked.logo.name = ""
    locked.save(update_fields=["logo"])
    if former:
        transaction.on_commit(lambda: default_storage.delete(former))
    audit(actor=actor, action=Action.UPDATE, instance=locked, fields=["logo"])
    return locked


@transaction.atomic
def number_series_set(
    *, actor: Actor, organisation: Organisation, series: str, pattern: str
) -> NumberSeries:
    """The number pattern of a series (``F-{year}-{number:05}``)."""
    if series not in Series.values:
        raise ValidationError({"series": _("Unknown series.")}, code="series")
    row = NumberSeries.objects.of(organisation).select_for_update().filter(series=series).first()
    if row is None:
        row = NumberSeries(organisation=organisation, series=series, pattern=pattern.strip())
        validate(row, exclude=["organisation"], more={})
        row.save()
        audit(actor=actor, action=Action.CREATE, instance=row, fields=["series", "pattern"])
        return row
    return update_locked(
        actor=actor,
        instance=row,
        changes={"pattern": pattern.strip()},
        fields=frozenset({"pattern"}),
    )
