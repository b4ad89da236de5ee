"""The schemas of the parties API: what goes in, what comes out."""

from datetime import datetime
from uuid import UUID

from ninja import Field, Schema

from comptoir.api.modelschema import Id, model_schema
from comptoir.parties import access
from comptoir.parties.models import (
    ContactPerson,
    Interaction,
    Origin,
    Party,
    PartyKind,
    PartyRole,
)
from comptoir.parties.services.parties import CONTACT_PERSON_FIELDS, PARTY_FIELDS

# The party's opportunities on its detail, as the pipeline API shows them.
from comptoir.sales.api.pipeline_schemas import OpportunityOut

BANK_WRITE_HELP = (
    "Bank details are financial data: a body that names iban or bic needs the "
    "finance.manage permission (owner, admin, accountant), on top of contacts.manage "
    "for the party's other fields or for a creation; 403 otherwise, nothing changed."
)
IBAN_WRITE_HELP = f"{BANK_WRITE_HELP} Any spelling (spaces, lower case); stored compact."
BANK_READ_HELP = (
    "null for a role without the finance.view permission (support and sales: bank "
    "details are financial); empty when the party has none."
)
# A field a body may leave out or set to null: the operation picks its value.
DEFAULTED = {"default": None, "nullable": True}
# An identifier searched for, as typed (spaces, dots): room for its separators.
SEARCH_LENGTH = 24
PARTY_INFO = {
    "iban": {"description": IBAN_WRITE_HELP},
    "bic": {"description": BANK_WRITE_HELP},
    "origin": {"nullable": True, "description": "null or empty: none"},
}


# Parties: the fields a party's services accept, as the model describes them.
PartyPatch = model_schema(
    "PartyPatch",
    Party,
    PARTY_FIELDS,
    mode="patch",
    info=PARTY_INFO,
    extra={
        "allow_duplicate": (
            bool,
            Field(
                False, description="save even if another party has the same SIREN, email or phone"
            ),
        )
    },
)
PartyIn = model_schema(
    "PartyIn",
    Party,
    {"kind", *PARTY_FIELDS},
    mode="in",
    base=PartyPatch,
    info=PARTY_INFO,
)


class _PartySummaryOutBase(Schema):
    """A party in a list: no contact details (they are on the detail)."""

    id: int
    display_name: str


PartySummaryOut = model_schema(
    "PartySummaryOut",
    Party,
    {
        "kind",
        "company_name",
        "siren",
        "enterprise_number",
        "country",
        "is_prospect",
        "is_client",
        "is_supplier",
        "origin",
        "sales_rep",
    },
    mode="out",
    base=_PartySummaryOutBase,
)


RESTRICTED_HELP = (
    "true while the person's data is restricted (GDPR art. 18): every change is "
    "refused (422) until the restriction is lifted; always false for a company"
)


def _restricted(obj) -> bool:
    if isinstance(obj, dict):  # a body already made from ``PartyOut`` (the detail's)
        return obj["restricted"]
    subject = obj.data_subject if obj.data_subject_id is not None else None
    return subject is not None and subject.restricted_at is not None


def _subject_uuid(obj) -> UUID | None:
    """The person's pseudonymous id, which the consent API names them by."""
    if isinstance(obj, dict):  # a body already made from ``PartyOut`` (the detail's)
        return obj["subject_uuid"]
    return obj.data_subject.uuid if obj.data_subject_id else None


SUBJECT_UUID_HELP = "the person's id in /api/consents (null for a company)"


class _PartyOutBase(Schema):
    id: int
    display_name: str
    restricted: bool = Field(False, description=RESTRICTED_HELP)

    @staticmethod
    def resolve_restricted(obj) -> bool:
        return _restricted(obj)

    subject_uuid: UUID | None = Field(description=SUBJECT_UUID_HELP)

    @staticmethod
    def resolve_subject_uuid(obj) -> UUID | None:
        return _subject_uuid(obj)

    @staticmethod
    def resolve_iban(obj, context) -> str | None:
        return _bank_detail(obj, "iban", context)

    @staticmethod
    def resolve_bic(obj, context) -> str | None:
        return _bank_detail(obj, "bic", context)


PartyOut = model_schema(
    "PartyOut",
    Party,
    {"kind", *PARTY_FIELDS, "created_at", "updated_at"},
    mode="out",
    base=_PartyOutBase,
    info={
        "iban": {"description": f"The IBAN, compact; {BANK_READ_HELP}"},
        "bic": {"description": f"The BIC; {BANK_READ_HELP}"},
    },
    extra={
        "iban": (str | None, Field(description=f"The IBAN, compact; {BANK_READ_HELP}")),
        "bic": (str | None, Field(description=f"The BIC; {BANK_READ_HELP}")),
    },
)


def _bank_detail(obj, name: str, context) -> str | None:
    """A party's bank detail for a caller whose role sees them, else None (not
    decrypted). Without a request to ask, None."""
    if isinstance(obj, dict):  # a body already made from ``PartyOut`` (the detail's)
        return obj[name]
    request = (context or {}).get("request")
    membership = getattr(request, "membership", None)
    if membership is None or not access.sees_bank_details(membership.role):
        return None
    return getattr(obj, name)


ContactPersonPatch = model_schema(
    "ContactPersonPatch",
    ContactPerson,
    CONTACT_PERSON_FIELDS,
    mode="patch",
    extra={
        "allow_duplicate": (
            bool,
            Field(
                False,
                description="save even if another contact person has the same email or phone",
            ),
        )
    },
)
ContactPersonIn = model_schema(
    "ContactPersonIn", ContactPerson, CONTACT_PERSON_FIELDS, mode="in", base=ContactPersonPatch
)


class _ContactPersonOutBase(Schema):
    id: int
    party_id: int
    restricted: bool = Field(False, description=RESTRICTED_HELP)

    @staticmethod
    def resolve_restricted(obj) -> bool:
        return _restricted(obj)

    subject_uuid: UUID | None = Field(description="the person's id in /api/consents")

    @staticmethod
    def resolve_subject_uuid(obj) -> UUID | None:
        return _subject_uuid(obj)


ContactPersonOut = model_schema(
    "ContactPersonOut",
    ContactPerson,
    {*CONTACT_PERSON_FIELDS, "created_at", "updated_at"},
    mode="out",
    base=_ContactPersonOutBase,
)


# An interaction as its service records it (``interaction_record``).
INTERACTION_FIELDS = {"kind", "direction", "occurred_at", "contact_person", "note"}
InteractionIn = model_schema(
    "InteractionIn",
    Interaction,
    INTERACTION_FIELDS,
    mode="in",
    info={"occurred_at": {**DEFAULTED, "description": "default: now"}},
)


class _InteractionOutBase(Schema):
    id: int


InteractionOut = model_schema(
    "InteractionOut",
    Interaction,
    {"party", *INTERACTION_FIELDS, "recorded_by", "created_at"},
    mode="out",
    base=_InteractionOutBase,
)


class PartyDetailOut(PartyOut):
    contact_persons: list[ContactPersonOut]
    timeline: list[InteractionOut] = Field(description="the 50 latest interactions")
    latest_inbound_at: datetime | None
    opportunities: list[OpportunityOut] | None = Field(
        description="null for a role that may not see the pipeline (amounts are financial)"
    )


class PartyFilter(Schema):
    role: PartyRole | None = None
    kind: PartyKind | None = None
    origin: Origin | None = None
    sales_rep_id: Id | None = None


class SearchIn(Schema):
    """Exact values, matched through blind indexes; any one is enough."""

    email: str = Field("", max_length=Party._meta.get_field("email").max_length)
    phone: str = Field("", max_length=Party._meta.get_field("phone").max_length)
    siren: str = Field(
        "", max_length=SEARCH_LENGTH, description="a SIREN, or a SIRET (read as its SIREN)"
    )
    enterprise_number: str = Field("", max_length=SEARCH_LENGTH)
    iban: str = Field(
        "",
        max_length=SEARCH_LENGTH * 2,
        description="needs the finance.view permission (403 otherwise)",
    )
