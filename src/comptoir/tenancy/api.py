from datetime import datetime

from ninja import Router, Schema, Status
from ninja.pagination import paginate

from comptoir.api.auth import require
from comptoir.api.errors import ERRORS
from comptoir.api.modelschema import model_schema
from comptoir.audit.reads import record_list_page, record_read
from comptoir.core.http import request_actor
from comptoir.tenancy import selectors, services
from comptoir.tenancy.models import Organisation
from comptoir.tenancy.roles import Permission, Role

router = Router(tags=["organisation"])
members_router = Router(tags=["members"])


class _OrganisationOutBase(Schema):
    id: int


OrganisationOut = model_schema(
    "OrganisationOut",
    Organisation,
    services.ORGANISATION_FIELDS,
    mode="out",
    base=_OrganisationOutBase,
)
OrganisationPatch = model_schema(
    "OrganisationPatch", Organisation, services.ORGANISATION_SELF_FIELDS, mode="patch"
)


@router.get("", response={200: OrganisationOut, **ERRORS})
def organisation_detail(request):
    require(request, Permission.ORGANISATION_VIEW)
    record_read(
        request, object_type="tenancy.Organisation", object_id=request.organisation.pk, subjects=()
    )
    return request.organisation


@router.patch("", response={200: OrganisationOut, **ERRORS})
def organisation_patch(request, payload: OrganisationPatch):
    require(request, Permission.ORGANISATION_MANAGE)
    return services.organisation_update(
        actor=request_actor(request),
        organisation=request.organisation,
        **payload.dict(exclude_unset=True),
    )


class MemberOut(Schema):
    id: int
    user_id: int
    email: str
    role: Role
    created_at: datetime

    @staticmethod
    def resolve_email(obj) -> str:
        return obj.user.email


class MemberRolePatch(Schema):
    role: Role


@members_router.get("", response={200: list[MemberOut], **ERRORS})
@paginate
def member_list(request):
    require(request, Permission.MEMBERS_VIEW)
    record_list_page(request, object_type="tenancy.Membership")
    return selectors.membership_list(organisation=request.organisation)


@members_router.get("/{int:member_id}", response={200: MemberOut, **ERRORS})
def member_detail(request, member_id: int):
    require(request, Permission.MEMBERS_VIEW)
    membership = selectors.membership_get(
        organisation=request.organisation, membership_id=member_id
    )
    record_read(request, object_type="tenancy.Membership", object_id=membership.pk, subjects=())
    return membership


@members_router.patch("/{int:member_id}", response={200: MemberOut, **ERRORS})
def member_change_role(request, member_id: int, payload: MemberRolePatch):
    require(request, Permission.MEMBERS_MANAGE)
    return services.membership_change_role(
        actor=request_actor(request),
        organisation=request.organisation,
        membership_id=member_id,
        role=payload.role,
        acting_role=request.membership.role,
    )


@members_router.delete("/{int:member_id}", response={204: None, **ERRORS})
def member_remove(request, member_id: int):
    require(request, Permission.MEMBERS_MANAGE)
    services.membership_remove(
        actor=request_actor(request),
        organisation=request.organisation,
        membership_id=member_id,
        acting_role=request.membership.role,
    )
    return Status(204, None)
