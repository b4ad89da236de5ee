"""Finding contact persons by family name: ``POST /api/contact-persons/search``.

A POST so that the name never appears in a URL or a log, open to read tokens
(a read all the same), journalled as a list read. The whole family name or
its first three letters or more, case and accents ignored, matched through
the blind indexes (``selectors.contact_person_search_name``); filters by
company, contact status and preferred channel as on the contact persons page.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.pagination import paginate

from comptoir.api.auth import TokenAuth, require
from comptoir.api.errors import ERRORS
from comptoir.audit.reads import record_list_page
from comptoir.core.text import validate_text
from comptoir.parties import selectors
from comptoir.parties.api.common import CONTACT_PERSON, one
from comptoir.parties.api.parties import contact_persons_router
from comptoir.parties.api.schemas import ContactPersonOut
from comptoir.parties.models import Channel, ContactPerson, ContactStatus, PartyKind
from comptoir.privacy import normalise
from comptoir.tenancy.roles import Permission

NAME_MAX = ContactPerson._meta.get_field("family_name").max_length


class PersonSearchIn(Schema):
    name: str = Field(
        ...,
        min_length=1,
        max_length=NAME_MAX,
        description="the whole family name, or its first three letters or more "
        "(case and accents ignored)",
    )
    party_id: int | None = Field(None, description="only this company's contact persons")
    contact_status: ContactStatus | None = None
    preferred_channel: Channel | None = None


@contact_persons_router.post(
    "/search",
    response={200: list[ContactPersonOut], **ERRORS},
    auth=TokenAuth(reads_only=True),
)
@paginate
def contact_person_search(request, payload: PersonSearchIn):
    """Contact persons whose family name is ``name`` or starts with it."""
    require(request, Permission.CONTACTS_VIEW)
    try:
        validate_text(payload.name)
    except ValidationError as exc:
        raise ValidationError({"name": exc.messages}) from None
    try:
        normal = normalise.name(payload.name)
    except normalise.NormalisationError:
        normal = ""
    if not normal:
        raise ValidationError({"name": _("Give a family name or its first letters.")})
    companies = selectors.party_list(organisation=request.organisation, kind=PartyKind.COMPANY)
    party = one(companies, payload.party_id, "party_id")
    record_list_page(request, object_type=CONTACT_PERSON)
    return selectors.contact_person_directory(
        organisation=request.organisation,
        party=party,
        contact_status=payload.contact_status,
        preferred_channel=payload.preferred_channel,
        name=payload.name,
    )


__all__ = ["PersonSearchIn", "contact_person_search"]
