"""The schemas of the parties API: what goes in, what comes out."""

from datetime import date, datetime

from ninja import Field, Schema

from comptoir.parties import access
from comptoir.parties.models import (
    Channel,
    Civility,
    ContactStatus,
    Country,
    Direction,
    InteractionKind,
    Origin,
    PartyKind,
    PartyRole,
)

AMOUNT_HELP = 'A decimal number in a string, e.g. "1250.50" (never a JSON number).'
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


class PartyFields(Schema):
    country: Country = Country.FRANCE
    is_prospect: bool = True
    is_client: bool = False
    is_supplier: bool = False
    first_contact_on: date | None = None
    client_since: date | None = None
    client_ended_on: date | None = None
    supplier_since: date | None = None
    supplier_ended_on: date | None = None
    company_name: str = ""
    siren: str = ""
    siret: str = ""
    enterprise_number: str = ""
    vat_number: str = ""
    civility: Civility = Civility.NONE
    given_names: str = ""
    family_name: str = ""
    email: str = ""
    phone: str = ""
    billing_street: str = ""
    billing_postal_code: str = ""
    billing_city: str = ""
    billing_country: str = ""
    delivery_street: str = ""
    delivery_postal_code: str = ""
    delivery_city: str = ""
    delivery_country: str = ""
    iban: str = Field("", description=IBAN_WRITE_HELP)
    bic: str = Field("", description=BANK_WRITE_HELP)
    sales_rep_id: int | None = None
    origin: Origin | None = None


class PartyPatch(PartyFields):
    allow_duplicate: bool = Field(
        False, description="save even if another party has the same SIREN, email or phone"
    )


class PartyIn(PartyPatch):
    kind: PartyKind


class PartySummaryOut(Schema):
    """A party in a list: no contact details (they are on the detail)."""

    id: int
    kind: PartyKind
    display_name: str
    company_name: str
    siren: str
    enterprise_number: str
    country: Country
    is_prospect: bool
    is_client: bool
    is_supplier: bool
    origin: str
    sales_rep_id: int | None


class PartyOut(Schema):
    id: int
    kind: PartyKind
    display_name: str
    country: Country
    is_prospect: bool
    is_client: bool
    is_supplier: bool
    first_contact_on: date | None
    client_since: date | None
    client_ended_on: date | None
    supplier_since: date | None
    supplier_ended_on: date | None
    company_name: str
    siren: str
    siret: str
    enterprise_number: str
    vat_number: str
    civility: str
    given_names: str
    family_name: str
    email: str
    phone: str
    billing_street: str
    billing_postal_code: str
    billing_city: str
    billing_country: str
    delivery_street: str
    delivery_postal_code: str
    delivery_city: str
    delivery_country: str
    iban: str | None = Field(description=f"The IBAN, compact; {BANK_READ_HELP}")
    bic: str | None = Field(description=f"The BIC; {BANK_READ_HELP}")
    sales_rep_id: int | None
    origin: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_iban(obj, context) -> str | None:
        return _bank_detail(obj, "iban", context)

    @staticmethod
    def resolve_bic(obj, context) -> str | None:
        return _bank_detail(obj, "bic", context)


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


class ContactPersonPatch(Schema):
    civility: Civility = Civility.NONE
    given_names: str = ""
    family_name: str = ""
    birth_name: str = ""
    usage_name: str = ""
    job_title: str = ""
    email: str = ""
    email_other: str = ""
    phone: str = ""
    mobile: str = ""
    fax: str = ""
    linkedin: str = ""
    x_profile: str = ""
    notes: str = ""
    contact_status: ContactStatus = ContactStatus.OCCASIONAL
    preferred_channel: Channel = Channel.NONE
    allow_duplicate: bool = Field(
        False, description="save even if another contact person has the same email or phone"
    )


class ContactPersonIn(ContactPersonPatch):
    family_name: str


class ContactPersonOut(Schema):
    id: int
    party_id: int
    civility: str
    given_names: str
    family_name: str
    birth_name: str
    usage_name: str
    job_title: str
    email: str
    email_other: str
    phone: str
    mobile: str
    fax: str
    linkedin: str
    x_profile: str
    notes: str
    contact_status: ContactStatus
    preferred_channel: str
    created_at: datetime
    updated_at: datetime


class InteractionIn(Schema):
    kind: InteractionKind
    direction: Direction
    occurred_at: datetime | None = Field(None, description="default: now")
    contact_person_id: int | None = None
    note: str = ""


class InteractionOut(Schema):
    id: int
    party_id: int
    contact_person_id: int | None
    kind: InteractionKind
    direction: Direction
    occurred_at: datetime
    note: str
    recorded_by_id: int | None
    created_at: datetime


class StageOut(Schema):
    id: int
    name: str
    position: int
    probability: int
    is_won: bool
    is_lost: bool


class StagePatch(Schema):
    name: str = ""
    position: int = 0
    probability: int = 0
    is_won: bool = False
    is_lost: bool = False


class StageIn(StagePatch):
    name: str
    probability: int
    position: int | None = Field(None, description="default: after the last stage")


class OpportunityPatch(Schema):
    title: str = ""
    amount: str = Field("", description=AMOUNT_HELP)
    probability: int = 0
    expected_close_on: date | None = None
    owner_id: int | None = None


class OpportunityIn(Schema):
    party_id: int
    title: str
    amount: str = Field(description=AMOUNT_HELP)
    stage_id: int | None = Field(None, description="default: the first open stage")
    probability: int | None = Field(None, description="default: the stage's")
    expected_close_on: date | None = None
    owner_id: int | None = None


class MoveIn(Schema):
    stage_id: int
    probability: int | None = Field(None, description="default: the new stage's")


class OpportunityOut(Schema):
    id: int
    party_id: int
    party_name: str
    title: str
    amount: str
    weighted_amount: str
    probability: int
    expected_close_on: date | None
    stage_id: int
    owner_id: int | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_party_name(obj) -> str:
        return obj.party.display_name

    @staticmethod
    def resolve_amount(obj) -> str:
        return str(obj.amount)

    @staticmethod
    def resolve_weighted_amount(obj) -> str:
        return str(obj.weighted_amount)


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
    sales_rep_id: int | None = None


class SearchIn(Schema):
    """Exact values, matched through blind indexes; any one is enough."""

    email: str = ""
    phone: str = ""
    siren: str = Field("", description="a SIREN, or a SIRET (read as its SIREN)")
    enterprise_number: str = ""
    iban: str = Field("", description="needs the finance.view permission (403 otherwise)")


class OpportunityFilter(Schema):
    party_id: int | None = None
    stage_id: int | None = None
    owner_id: int | None = None


class BoardColumnOut(Schema):
    stage: StageOut
    opportunities: list[OpportunityOut]


class FunnelRowOut(Schema):
    stage: StageOut
    count: int
    total: str
    weighted: str

    @staticmethod
    def resolve_total(obj) -> str:
        return str(obj.total)

    @staticmethod
    def resolve_weighted(obj) -> str:
        return str(obj.weighted)
