"""``/api/privacy/register``: the register (JSON) and its files, the settings,
recipients and processors behind it. Owners and admins (``PRIVACY_MANAGE``)."""

from datetime import datetime
from typing import Any, Literal

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status

from comptoir.api.auth import require
from comptoir.api.errors import ERRORS
from comptoir.api.modelschema import model_schema
from comptoir.audit.reads import record_list, record_read
from comptoir.core.http import request_actor
from comptoir.privacy.register import exports, selectors, services
from comptoir.privacy.register.models import (
    PURPOSE_CODES,
    Processor,
    Recipient,
    RegisterSettings,
)
from comptoir.tenancy.roles import Permission

router = Router(tags=["privacy register"])

PurposeCode = Literal[tuple(PURPOSE_CODES)]
PURPOSES = {"purposes": (list[PurposeCode], [])}
SETTINGS_PURPOSES = {"purposes": (list[PurposeCode] | None, None)}
SETTINGS_TYPE = services.SETTINGS_TYPE


class _RowOut(Schema):
    id: int
    purposes: list[str]
    created_at: datetime
    updated_at: datetime


class _SettingsOut(Schema):
    purposes: list[str] | None
    purposes_in_use: list[str]

    @staticmethod
    def resolve_purposes_in_use(obj) -> list[str]:
        return [p.code for p in selectors.purposes_in_use(organisation=obj.organisation)]


def _names(fields) -> list[str]:
    return sorted(fields - {"purposes"})


SettingsOut = model_schema(
    "RegisterSettingsOut",
    RegisterSettings,
    _names(services.SETTINGS_FIELDS),
    mode="out",
    base=_SettingsOut,
)
SettingsPatch = model_schema(
    "RegisterSettingsPatch",
    RegisterSettings,
    _names(services.SETTINGS_FIELDS),
    mode="patch",
    extra={"purposes": (list[PurposeCode] | None, None)},
)
RecipientOut = model_schema(
    "RecipientOut", Recipient, _names(services.RECIPIENT_FIELDS), mode="out", base=_RowOut
)
RecipientIn = model_schema(
    "RecipientIn", Recipient, _names(services.RECIPIENT_FIELDS), mode="in", extra=PURPOSES
)
RecipientPatch = model_schema(
    "RecipientPatch", Recipient, _names(services.RECIPIENT_FIELDS), mode="patch", extra=PURPOSES
)
ProcessorOut = model_schema(
    "ProcessorOut", Processor, _names(services.PROCESSOR_FIELDS), mode="out", base=_RowOut
)
ProcessorIn = model_schema(
    "ProcessorIn", Processor, _names(services.PROCESSOR_FIELDS), mode="in", extra=PURPOSES
)
ProcessorPatch = model_schema(
    "ProcessorPatch", Processor, _names(services.PROCESSOR_FIELDS), mode="patch", extra=PURPOSES
)


class ExportQuery(Schema):
    format: Literal["pdf", "xlsx", "json"] = "json"


def _changes(payload) -> dict[str, Any]:
    return payload.dict(exclude_unset=True)


@router.get("", response={200: dict[str, Any], **ERRORS})
def register_detail(request):
    """The register: one sheet per processing activity (the JSON file's content)."""
    require(request, Permission.PRIVACY_MANAGE)
    record_read(request, object_type=SETTINGS_TYPE, object_id="", subjects=())
    return exports.register_data(selectors.register_build(organisation=request.organisation))


@router.get(
    "/export",
    response=ERRORS,
    openapi_extra={
        "responses": {
            200: {
                "description": "The register as a file",
                "content": {ct: {} for ct in exports.CONTENT_TYPES.values()},
            }
        }
    },
)
def register_download(request, query: Query[ExportQuery]):
    """The register as a PDF, XLSX or JSON file (the download is journalled)."""
    require(request, Permission.PRIVACY_MANAGE)
    file = services.register_export(
        actor=request_actor(request), organisation=request.organisation, fmt=query.format
    )
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return response


@router.get("/settings", response={200: SettingsOut, **ERRORS})
def settings_detail(request):
    require(request, Permission.PRIVACY_MANAGE)
    return selectors.register_settings_of(organisation=request.organisation)


@router.patch("/settings", response={200: SettingsOut, **ERRORS})
def settings_patch(request, payload: SettingsPatch):
    require(request, Permission.PRIVACY_MANAGE)
    return services.register_settings_update(
        actor=request_actor(request), organisation=request.organisation, **_changes(payload)
    )


@router.get("/recipients", response={200: list[RecipientOut], **ERRORS})
def recipient_list(request):
    require(request, Permission.PRIVACY_MANAGE)
    record_list(request, object_type=Recipient._meta.label_lower, subjects=())
    return list(selectors.recipients_of(organisation=request.organisation))


@router.post("/recipients", response={201: RecipientOut, **ERRORS})
def recipient_create(request, payload: RecipientIn):
    require(request, Permission.PRIVACY_MANAGE)
    return Status(
        201,
        services.recipient_create(
            actor=request_actor(request), organisation=request.organisation, **payload.dict()
        ),
    )


@router.get("/recipients/{int:recipient_id}", response={200: RecipientOut, **ERRORS})
def recipient_detail(request, recipient_id: int):
    require(request, Permission.PRIVACY_MANAGE)
    return selectors.recipient_get(organisation=request.organisation, recipient_id=recipient_id)


@router.patch("/recipients/{int:recipient_id}", response={200: RecipientOut, **ERRORS})
def recipient_patch(request, recipient_id: int, payload: RecipientPatch):
    require(request, Permission.PRIVACY_MANAGE)
    recipient = selectors.recipient_get(
        organisation=request.organisation, recipient_id=recipient_id
    )
    return services.recipient_update(
        actor=request_actor(request), recipient=recipient, **_changes(payload)
    )


@router.delete("/recipients/{int:recipient_id}", response={204: None, **ERRORS})
def recipient_delete(request, recipient_id: int):
    require(request, Permission.PRIVACY_MANAGE)
    recipient = selectors.recipient_get(
        organisation=request.organisation, recipient_id=recipient_id
    )
    services.recipient_delete(actor=request_actor(request), recipient=recipient)
    return Status(204, None)


@router.get("/processors", response={200: list[ProcessorOut], **ERRORS})
def processor_list(request):
    require(request, Permission.PRIVACY_MANAGE)
    record_list(request, object_type=Processor._meta.label_lower, subjects=())
    return list(selectors.processors_of(organisation=request.organisation))


@router.post("/processors", response={201: ProcessorOut, **ERRORS})
def processor_create(request, payload: ProcessorIn):
    require(request, Permission.PRIVACY_MANAGE)
    return Status(
        201,
        services.processor_create(
            actor=request_actor(request), organisation=request.organisation, **payload.dict()
        ),
    )


@router.get("/processors/{int:processor_id}", response={200: ProcessorOut, **ERRORS})
def processor_detail(request, processor_id: int):
    require(request, Permission.PRIVACY_MANAGE)
    return selectors.processor_get(organisation=request.organisation, processor_id=processor_id)


@router.patch("/processors/{int:processor_id}", response={200: ProcessorOut, **ERRORS})
def processor_patch(request, processor_id: int, payload: ProcessorPatch):
    require(request, Permission.PRIVACY_MANAGE)
    processor = selectors.processor_get(
        organisation=request.organisation, processor_id=processor_id
    )
    return services.processor_update(
        actor=request_actor(request), processor=processor, **_changes(payload)
    )


@router.delete("/processors/{int:processor_id}", response={204: None, **ERRORS})
def processor_delete(request, processor_id: int):
    require(request, Permission.PRIVACY_MANAGE)
    processor = selectors.processor_get(
        organisation=request.organisation, processor_id=processor_id
    )
    services.processor_delete(actor=request_actor(request), processor=processor)
    return Status(204, None)
