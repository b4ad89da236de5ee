"""The UI's forms for parties, contact persons, interactions and the pipeline.

Forms only parse what the browser sends; the rules (identifiers, duplicates,
dates, who belongs to which organisation) live in the models and services,
whose ``ValidationError`` the views map back onto these fields.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.parties import access
from comptoir.parties.models import (
    Channel,
    ContactPerson,
    Country,
    Direction,
    Interaction,
    InteractionKind,
    Opportunity,
    Origin,
    Party,
    PartyKind,
    PartyRole,
    PipelineStage,
    declare,
)
from comptoir.parties.rules import BANK_DETAILS
from comptoir.tenancy import selectors as tenancy_selectors
from comptoir.tenancy.models import Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.user.name


def _members(organisation: Organisation):
    return tenancy_selectors.membership_list(organisation=organisation)


class FieldsetsMixin:
    """``fieldsets``: (legend, field names) pairs, rendered as one <fieldset> each."""

    fieldsets: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def grouped(self):
        """The fieldsets holding at least one of the form's fields."""
        groups = [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.fieldsets
        ]
        return [(legend, fields) for legend, fields in groups if fields]


# Lists and search ----------------------------------------------------------
class PartyFilterForm(forms.Form):
    """The list's filters: in the URL, since none of them is personal data."""

    role = forms.ChoiceField(
        label=_("Role"), choices=[("", _("All"))] + list(PartyRole.choices), required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All"))] + list(PartyKind.choices), required=False
    )
    origin = forms.ChoiceField(
        label=_("Origin"), choices=[("", _("All"))] + list(Origin.choices), required=False
    )
    sales_rep = MemberChoiceField(
        label=_("Sales rep"), queryset=None, required=False, empty_label=_("All")
    )

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sales_rep"].queryset = _members(organisation)


class PartySearchForm(forms.Form):
    """Exact search by email, phone, SIREN or (for the roles that see bank
    details) IBAN, prefix search by company name.

    Sent by POST: an email, a phone number or an IBAN never goes into a URL
    (server logs, browser history, the Referer header)."""

    EXACT = ("email", "phone", "siren", "iban")

    email = forms.CharField(label=_("Email"), required=False, max_length=254)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    siren = forms.CharField(label=_("SIREN or SIRET"), required=False, max_length=20)
    iban = forms.CharField(label=_("IBAN"), required=False, max_length=42)  # 34, spaced
    company_name = forms.CharField(
        label=_("Company name starts with"), required=False, max_length=200
    )

    def __init__(self, *args, role: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["iban"].widget.attrs.update(autocomplete="off", spellcheck="false")
        if not access.sees_bank_details(role):
            del self.fields["iban"]

    def clean(self):
        data = super().clean()
        if not any(data.get(name, "").strip() for name in self.fields):
            if "iban" in self.fields:
                message = _("Give an email, a phone, a SIREN, an IBAN or a company name.")
            else:
                message = _("Give an email, a phone, a SIREN or a company name.")
            raise forms.ValidationError(message)
        return data


# Parties -------------------------------------------------------------------
# Three to a row: the three roles, then their dates.
ROLE_FIELDS = (
    "is_prospect",
    "is_client",
    "is_supplier",
    "first_contact_on",
    "client_since",
    "client_ended_on",
    "supplier_since",
    "supplier_ended_on",
)
FOLLOW_UP_FIELDS = ("origin", "sales_rep")
ADDRESS_FIELDS = (
    "billing_street",
    "billing_postal_code",
    "billing_city",
    "billing_country",
    "delivery_street",
    "delivery_postal_code",
    "delivery_city",
    "delivery_country",
)
COMPANY_FIELDS = (
    "company_name",
    "country",
    "siren",
    "siret",
    "enterprise_number",
    "vat_number",
)
INDIVIDUAL_FIELDS = ("civility", "given_names", "family_name", "email", "phone", "country")
BANK_FIELDS = BANK_DETAILS  # written only by the roles ``access`` allows


def _party_fields(names: tuple[str, ...]) -> dict[str, forms.Field]:
    fields = forms.fields_for_model(
        Party,
        fields=names,
        widgets={
            **{name: DATE for name in ROLE_FIELDS if name.endswith(("_on", "_since"))},
            "billing_street": forms.Textarea(attrs={"rows": 2}),
            "delivery_street": forms.Textarea(attrs={"rows": 2}),
        },
        field_classes={"sales_rep": MemberChoiceField},
    )
    for name in ("billing_country", "delivery_country"):
        if name in fields:
            fields[name] = forms.ChoiceField(
                label=fields[name].label,
                choices=[("", "—")] + list(Country.choices),
                required=False,
            )
    if "sales_rep" in fields:
        fields["sales_rep"].empty_label = "—"
    if "email" in fields:
        fields["email"].widget.attrs["autocomplete"] = "off"
    for name in BANK_FIELDS:
        if name in fields:
            fields[name].widget.attrs.update(autocomplete="off", spellcheck="false")
    return fields


class PartyForm(FieldsetsMixin, forms.Form):
    """A party's fields, those the ``role`` may write only (``access``): the bank
    details for the finance roles, the rest for the contacts managers."""

    kind: str = ""

    def __init__(self, *args, organisation: Organisation, role: str, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = set(access.writable(role, self.fields))
        for name in [name for name in self.fields if name not in allowed]:
            del self.fields[name]
        if "sales_rep" in self.fields:
            self.fields["sales_rep"].queryset = _members(organisation)

    @classmethod
    def initial_from(cls, party: Party, role: str) -> dict:
        """The party's values of the fields the role may write (no other is decrypted)."""
        initial = {}
        for name in access.writable(role, cls.base_fields):
            field = party._meta.get_field(name)
            initial[name] = getattr(party, field.attname if field.is_relation else name)
        return initial


class CompanyForm(PartyForm):
    kind = PartyKind.COMPANY
    fieldsets = (
        (_("Company"), COMPANY_FIELDS),
        (_("Roles"), ROLE_FIELDS),
        (_("Follow-up"), FOLLOW_UP_FIELDS),
        (_("Addresses"), ADDRESS_FIELDS),
        (_("Bank details"), BANK_FIELDS),
    )


class IndividualForm(PartyForm):
    kind = PartyKind.INDIVIDUAL
    fieldsets = (
        (_("Person"), INDIVIDUAL_FIELDS),
        (_("Roles"), ROLE_FIELDS),
        (_("Follow-up"), FOLLOW_UP_FIELDS),
        (_("Addresses"), ADDRESS_FIELDS),
        (_("Bank details"), BANK_FIELDS),
    )


CompanyForm.base_fields = _party_fields(
    COMPANY_FIELDS + ROLE_FIELDS + FOLLOW_UP_FIELDS + ADDRESS_FIELDS + BANK_FIELDS
)
IndividualForm.base_fields = _party_fields(
    INDIVIDUAL_FIELDS + ROLE_FIELDS + FOLLOW_UP_FIELDS + ADDRESS_FIELDS + BANK_FIELDS
)


# Contact persons -------------------------------------------------------------
CONTACT_IDENTITY = ("civility", "given_names", "family_name", "birth_name", "usage_name")
CONTACT_WORK = ("job_title", "contact_status", "preferred_channel")
CONTACT_MEANS = ("email", "email_other", "phone", "mobile", "fax", "linkedin", "x_profile")


class ContactPersonForm(FieldsetsMixin, forms.Form):
    fieldsets = (
        (_("Identity"), CONTACT_IDENTITY),
        (_("Role in the company"), CONTACT_WORK),
        (_("Contact details"), CONTACT_MEANS),
        (_("Notes"), ("notes",)),
    )

    @classmethod
    def initial_from(cls, person: ContactPerson) -> dict:
        return {name: getattr(person, name) for name in cls.base_fields}


ContactPersonForm.base_fields = forms.fields_for_model(
    ContactPerson,
    fields=CONTACT_IDENTITY + CONTACT_WORK + CONTACT_MEANS + ("notes",),
    widgets={"notes": forms.Textarea(attrs={"rows": 4})},
)
ContactPersonForm.base_fields["preferred_channel"].choices = list(Channel.choices)
for _name in ("email", "email_other"):
    ContactPersonForm.base_fields[_name].widget.attrs["autocomplete"] = "off"


# Interactions ------------------------------------------------------------------
class InteractionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=InteractionKind.choices)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    occurred_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    contact_person = forms.TypedChoiceField(
        label=_("Contact person"), coerce=int, required=False, empty_value=None
    )
    note = forms.CharField(
        label=Interaction._meta.get_field("note").verbose_name.capitalize(),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=declare.SENSITIVE_DATA_WARNING,
    )

    def __init__(self, *args, people: list[ContactPerson], **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {person.pk: person for person in people}
        self.fields["contact_person"].choices = [("", "—")] + [
            (person.pk, person.display_name) for person in people
        ]
        if not people:
            del self.fields["contact_person"]
        if not self.is_bound:
            self.initial.setdefault(
                "occurred_at", timezone.localtime().replace(second=0, microsecond=0)
            )


# Pipeline ------------------------------------------------------------------------
PIPELINE_STAGE_FIELDS = ("name", "position", "probability", "is_won", "is_lost")


class PipelineStageForm(forms.Form):
    """A stage's name, place in the order, default probability and outcome.

    ``adding``: a new stage, whose place may be left empty (after the last one)."""

    def __init__(self, *args, adding: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if adding:
            self.fields["position"].required = False
            self.fields["position"].help_text = _("Leave empty to put it after the last stage.")

    @classmethod
    def initial_from(cls, stage: PipelineStage) -> dict:
        return {name: getattr(stage, name) for name in cls.base_fields}


PipelineStageForm.base_fields = forms.fields_for_model(PipelineStage, fields=PIPELINE_STAGE_FIELDS)
PipelineStageForm.base_fields["position"].help_text = _(
    "Stages are shown from the smallest number to the largest."
)


class OpportunityEditForm(forms.Form):
    """What an opportunity's edit changes; its stage changes on the board."""

    title = forms.CharField(label=_("Title"), max_length=200)
    amount = forms.CharField(
        label=_("Amount (€, excl. VAT)"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    probability = forms.IntegerField(label=_("Probability (%)"), min_value=0, max_value=100)
    expected_close_on = forms.DateField(label=_("Expected close date"), required=False, widget=DATE)
    owner = MemberChoiceField(label=_("Owner"), queryset=None, required=False, empty_label="—")

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _members(organisation)

    @classmethod
    def initial_from(cls, opportunity: Opportunity) -> dict:
        return {
            "title": opportunity.title,
            "amount": opportunity.amount,
            "probability": opportunity.probability,
            "expected_close_on": opportunity.expected_close_on,
            "owner": opportunity.owner_id,
        }


class OpportunityForm(OpportunityEditForm):
    """A new opportunity: its stage too, and the stage's probability by default."""

    field_order = ("title", "amount", "stage", "probability", "expected_close_on", "owner")
    stage = forms.TypedChoiceField(label=_("Stage"), coerce=int, required=False, empty_value=None)
    probability = forms.IntegerField(
        label=_("Probability (%)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Leave empty for the stage's own probability."),
    )

    def __init__(self, *args, organisation: Organisation, stages, **kwargs):
        super().__init__(*args, organisation=organisation, **kwargs)
        self.stages = {stage.pk: stage for stage in stages}
        self.fields["stage"].choices = [(stage.pk, stage.name) for stage in stages]


class OpportunityMoveForm(forms.Form):
    stage = forms.TypedChoiceField(label=_("Move to"), coerce=int)

    def __init__(self, *args, stages, **kwargs):
        super().__init__(*args, **kwargs)
        self.stages = {stage.pk: stage for stage in stages}
        self.fields["stage"].choices = [(stage.pk, stage.name) for stage in stages]


__all__ = [
    "CompanyForm",
    "ContactPersonForm",
    "IndividualForm",
    "InteractionForm",
    "OpportunityEditForm",
    "OpportunityForm",
    "OpportunityMoveForm",
    "PartyFilterForm",
    "PartySearchForm",
    "PipelineStageForm",
]
