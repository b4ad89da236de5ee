"""The suppression list's API: ``/api/suppression``.

Entries show their kind, date and reference, never a value (the list holds
keyed hashes only). A POST puts an address or phone number on it (an
objection received by letter): 422 with the field for a value that is not
one. For the privacy managers (owner, admin).
"""

from datetime import datetime

from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from comptoir.api.auth import require
from comptoir.api.errors import ERRORS
from comptoir.api.modelschema import Id
from comptoir.core.http import request_actor
from comptoir.privacy.suppression import selectors, services
from comptoir.privacy.suppression.models import SuppressionKind
from comptoir.tenancy.roles import Permission

router = Router(tags=["suppression list"])
VALUE_MAX, REFERENCE_MAX = services.VALUE_MAX, services.REFERENCE_MAX


class SuppressionEntryOut(Schema):
    id: int
    kind: SuppressionKind
    created_at: datetime = Field(description="the (latest) objection; kept 3 years from it")
    reference: str


class SuppressionIn(Schema):
    kind: SuppressionKind
    value: str = Field(
        ...,
        min_length=1,
        max_length=VALUE_MAX,
        description="the email address or phone number; only its keyed hash is stored",
    )
    reference: str = Field("", max_length=REFERENCE_MAX, description="a letter's reference")


@router.get("", response={200: list[SuppressionEntryOut], **ERRORS})
@paginate
def suppression_list(request):
    require(request, Permission.PRIVACY_MANAGE)
    return selectors.suppression_list(organisation=request.organisation)


@router.post("", response={201: SuppressionEntryOut, **ERRORS})
def suppression_add(request, payload: SuppressionIn):
    """Put an address or phone number on the list; adding it again restarts its 3 years."""
    require(request, Permission.PRIVACY_MANAGE)
    entry = services.suppression_add(
        organisation=request.organisation,
        actor=request_actor(request),
        kind=payload.kind,
        value=payload.value,
        reference=payload.reference,
    )
    return Status(201, entry)


@router.get("/{int:entry_id}", response={200: SuppressionEntryOut, **ERRORS})
def suppression_detail(request, entry_id: Id):
    require(request, Permission.PRIVACY_MANAGE)
    return selectors.suppression_get(organisation=request.organisation, entry_id=entry_id)
