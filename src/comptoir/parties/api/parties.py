"""Parties, their contact persons and their timeline."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from comptoir.api.auth import TokenAuth, require
from comptoir.api.errors import ERRORS
from comptoir.audit.reads import record_list_page, record_read, subjects_of
from comptoir.core.http import request_actor
from comptoir.parties import access, selectors, services
from comptoir.parties.api.common import (
    CONTACT_PERSON,
    INTERACTION,
    PARTY,
    body_names,
    member,
    one,
    party_of,
)
from comptoir.parties.api.schemas import (
    ContactPersonIn,
    ContactPersonOut,
    ContactPersonPatch,
    InteractionIn,
    InteractionOut,
    PartyDetailOut,
    PartyFilter,
    PartyIn,
    PartyOut,
    PartyPatch,
    PartySummaryOut,
    SearchIn,
)
from comptoir.sales import selectors as sales_selectors
from comptoir.tenancy.roles import Permission, has_permission

parties_router = Router(tags=["parties"])
contact_persons_router = Router(tags=["contact persons"])


# Parties -------------------------------------------------------------------------
def _require_writes(request, payload: PartyPatch) -> None:
    """403 unless the role may write every field the body names (``access``)."""
    names = payload.model_fields_set - {"allow_duplicate"}
    for permission in sorted(access.write_permissions(names)):
        require(request, permission)


def _party_changes(request, payload: PartyPatch) -> dict:
    changes = payload.dict(exclude_unset=True)
    changes.pop("allow_duplicate", None)
    changes.pop("kind", None)
    if "sales_rep_id" in changes:
        changes["sales_rep"] = member(request, changes.pop("sales_rep_id"), "sales_rep_id")
    if "origin" in changes and changes["origin"] is None:
        changes["origin"] = ""
    return changes


@parties_router.get("", response={200: list[PartySummaryOut], **ERRORS})
@paginate
def party_list(request, filters: Query[PartyFilter]):
    require(request, Permission.CONTACTS_VIEW)
    sales_rep = member(request, filters.sales_rep_id, "sales_rep_id")
    record_list_page(request, object_type=PARTY)
    return selectors.party_list(
        organisation=request.organisation,
        role=filters.role,
        kind=filters.kind,
        origin=filters.origin,
        sales_rep=sales_rep,
    )


@parties_router.get("/by-name", response={200: list[PartySummaryOut], **ERRORS})
@paginate
def party_search_by_name(request, prefix: str = Query(..., min_length=1, max_length=200)):
    """Companies whose name starts with ``prefix`` (case and accents ignored)."""
    require(request, Permission.CONTACTS_VIEW)
    record_list_page(request, object_type=PARTY)
    return selectors.party_search_prefix(organisation=request.organisation, prefix=prefix)


@parties_router.post(
    "/search", response={200: list[PartySummaryOut], **ERRORS}, auth=TokenAuth(reads_only=True)
)
@paginate
def party_search(request, payload: SearchIn):
    """Parties with this email or phone (their own or a contact person's), SIREN,
    enterprise number or IBAN (for the roles that see bank details). A POST so that
    the values never appear in a URL or a log."""
    require(request, Permission.CONTACTS_VIEW)
    values = {name: value.strip() for name, value in payload.dict().items()}
    if values["iban"]:
        require(request, access.BANK_READ)
    if not any(values.values()):
        raise ValidationError(
            _("Give an email, a phone number, a SIREN, an enterprise number or an IBAN."),
            code="empty",
        )
    record_list_page(request, object_type=PARTY)
    return selectors.party_search_exact(organisation=request.organisation, **values)


@parties_router.post("", response={201: PartyOut, **ERRORS})
def party_create(request, payload: PartyIn):
    _require_writes(request, payload)  # ``kind`` is always named: contacts.manage
    with body_names():
        party = services.party_create(
            actor=request_actor(request),
            organisation=request.organisation,
            kind=payload.kind,
            allow_duplicate=payload.allow_duplicate,
            **_party_changes(request, payload),
        )
    return Status(201, party)


@parties_router.get("/{int:party_id}", response={200: PartyDetailOut, **ERRORS})
def party_detail(request, party_id: int):
    """The party, its contact persons, its latest interactions and (for the roles
    that see the pipeline) its opportunities."""
    require(request, Permission.CONTACTS_VIEW)
    organisation = request.organisation
    detail = selectors.party_detail(organisation=organisation, party_id=party_id)
    opportunities = None
    if has_permission(request.membership.role, Permission.SALES_VIEW):
        opportunities = list(
            sales_selectors.opportunity_list(organisation=organisation, party=detail.party)
        )
    shown = [detail.party, *detail.contact_persons, *detail.timeline, *(opportunities or ())]
    record_read(request, object_type=PARTY, object_id=detail.party.pk, subjects=subjects_of(shown))
    return {
        # With the request: bank details only for the roles that see them.
        **PartyOut.model_validate(detail.party, context={"request": request}).dict(),
        "contact_persons": detail.contact_persons,
        "timeline": detail.timeline,
        "latest_inbound_at": selectors.party_latest_inbound_at(
            organisation=organisation, party=detail.party
        ),
        "opportunities": opportunities,
    }


@parties_router.patch("/{int:party_id}", response={200: PartyOut, **ERRORS})
def party_patch(request, party_id: int, payload: PartyPatch):
    """Change the fields sent. Bank details alone need finance.manage only, the
    other fields contacts.manage (both when both are sent)."""
    _require_writes(request, payload)
    party = party_of(request, party_id)
    with body_names():
        return services.party_update(
            actor=request_actor(request),
            party=party,
            allow_duplicate=payload.allow_duplicate,
            **_party_changes(request, payload),
        )


# Contact persons -------------------------------------------------------------------
def _contact_person_changes(payload: ContactPersonPatch) -> dict:
    changes = payload.dict(exclude_unset=True)
    changes.pop("allow_duplicate", None)
    return changes


@parties_router.get(
    "/{int:party_id}/contact-persons", response={200: list[ContactPersonOut], **ERRORS}
)
@paginate
def contact_person_list(request, party_id: int):
    require(request, Permission.CONTACTS_VIEW)
    party = party_of(request, party_id)
    record_list_page(request, object_type=CONTACT_PERSON)
    return selectors.contact_person_list(organisation=request.organisation, party=party)


@parties_router.post("/{int:party_id}/contact-persons", response={201: ContactPersonOut, **ERRORS})
def contact_person_create(request, party_id: int, payload: ContactPersonIn):
    require(request, Permission.CONTACTS_MANAGE)
    party = party_of(request, party_id)
    with body_names():
        person = services.contact_person_create(
            actor=request_actor(request),
            party=party,
            allow_duplicate=payload.allow_duplicate,
            **_contact_person_changes(payload),
        )
    return Status(201, person)


@contact_persons_router.get("/{int:contact_person_id}", response={200: ContactPersonOut, **ERRORS})
def contact_person_detail(request, contact_person_id: int):
    require(request, Permission.CONTACTS_VIEW)
    person = selectors.contact_person_get(
        organisation=request.organisation, contact_person_id=contact_person_id
    )
    record_read(
        request, object_type=CONTACT_PERSON, object_id=person.pk, subjects=subjects_of([person])
    )
    return person


@contact_persons_router.patch(
    "/{int:contact_person_id}", response={200: ContactPersonOut, **ERRORS}
)
def contact_person_patch(request, contact_person_id: int, payload: ContactPersonPatch):
    require(request, Permission.CONTACTS_MANAGE)
    person = selectors.contact_person_get(
        organisation=request.organisation, contact_person_id=contact_person_id
    )
    with body_names():
        return services.contact_person_update(
            actor=request_actor(request),
            contact_person=person,
            allow_duplicate=payload.allow_duplicate,
            **_contact_person_changes(payload),
        )


# Interactions ----------------------------------------------------------------------
@parties_router.get("/{int:party_id}/interactions", response={200: list[InteractionOut], **ERRORS})
@paginate
def interaction_list(request, party_id: int):
    """The party's timeline, newest first."""
    require(request, Permission.CONTACTS_VIEW)
    party = party_of(request, party_id)
    record_list_page(request, object_type=INTERACTION)
    return selectors.party_timeline(organisation=request.organisation, party=party)


@parties_router.post("/{int:party_id}/interactions", response={201: InteractionOut, **ERRORS})
def interaction_create(request, party_id: int, payload: InteractionIn):
    require(request, Permission.CONTACTS_MANAGE)
    party = party_of(request, party_id)
    people = selectors.contact_person_list(organisation=request.organisation, party=party)
    contact_person = one(people, payload.contact_person_id, "contact_person_id")
    with body_names():
        interaction = services.interaction_record(
            actor=request_actor(request),
            party=party,
            kind=payload.kind,
            direction=payload.direction,
            occurred_at=payload.occurred_at,
            contact_person=contact_person,
            note=payload.note,
            recorded_by=request.membership,
        )
    return Status(201, interaction)
