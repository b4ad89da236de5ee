"""Journal the reads of personal data made through the UI and the API:
one event for a detail view or GET of one object, one for a list page."""

from comptoir.audit.models import Action
from comptoir.audit.services import audit_record
from comptoir.core.http import request_actor


def record_read(request, *, object_type: str, object_id) -> None:
    audit_record(
        actor=request_actor(request),
        action=Action.READ,
        organisation_id=request.organisation.pk,
        object_type=object_type,
        object_id=object_id,
    )


def record_list(request, *, object_type: str) -> None:
    audit_record(
        actor=request_actor(request),
        action=Action.LIST,
        organisation_id=request.organisation.pk,
        object_type=object_type,
    )
