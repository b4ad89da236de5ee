"""The UI's forms for parties, contact persons and interactions.

Forms only parse what the browser sends; the rules (identifiers, duplicates,
dates, who belongs to which organisation) live in the models and services,
whose ``ValidationError`` the views map back onto these fields.
"""

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.core.modelfields import integer_range
from comptoir.parties import access
from comptoir.parties.models import (
    Channel,
    ContactPerson,
    Country,
    Direction,
    Interaction,
    InteractionKind,
    Origin,
    Party,
    PartyKind,
    PartyRole,
    declare,
)
from comptoir.parties.rules import BANK_DETAILS
from comptoir.parties.services.parties import CONTACT_PERSON_FIELDS, PARTY_FIELDS
from comptoir.tenancy import selectors as tenancy_selectors
from comptoir.tenancy.models import Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.user.name


def members(organisation: Organisation):
    return tenancy_selectors.membership_list(organisation=organisation)


def model_formfield(db_field, **kwargs) -> forms.Field | None:
    """A model field's form field, with its whole range (``core.modelfields``):
    these forms hand their data to a service rather than to ``full_clean``."""
    if isinstance(db_field, models.IntegerField) and not db_field.choices:
        low, high = integer_range(db_field)
        kwargs = {"min_value": low, "max_value": high, **kwargs}
    return db_field.formfield(**kwargs)


def in_model_order(model, names) -> tuple[str, ...]:
    """``names`` in the order the model declares them (the forms' default layout)."""
    order = [f.name for f in model._meta.get_fields()]
    return tuple(sorted(names, key=order.index))


def with_the_rest(fieldsets, model, accepted, *, left_out=()) -> tuple:
    """``fieldsets`` (the layout: presentation only), then the ``accepted`` fields
    no fieldset names (but those ``left_out``) under "Other": a field added to
    the model shows on its form without being listed here."""
    grouped = {name for _legend, names in fieldsets for name in names}
    rest = in_model_order(model, set(accepted) - grouped - set(left_out))
    return (*fieldsets, (_("Other"), rest)) if rest else tuple(fieldsets)


def fieldset_names(fieldsets) -> tuple[str, ...]:
    names: list[str] = []
    for _legend, group in fieldsets:
        names += [name for name in group if name not in names]
    return tuple(names)


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
        self.fields["sales_rep"].queryset = members(organisation)


class PartySearchForm(forms.Form):
    """Exact search by email, phone, SIREN or (for the roles that see bank
    details) IBAN, prefix search by company name.

    Sent by POST: an email, a phone number or an IBAN never goes into a URL
    (server logs, browser history, the Referer header)."""

    EXACT = ("email", "phone", "siren", "iban")

    email = forms.CharField(
        label=_("Email"), required=False, max_length=Party._meta.get_field("email").max_length
    )
    phone = forms.CharField(
        label=_("Phone"), required=False, max_length=Party._meta.get_field("phone").max_length
    )
    siren = forms.CharField(label=_("SIREN or SIRET"), required=False, max_length=20)
    iban = forms.CharField(label=_("IBAN"), required=False, max_length=42)  # 34, spaced
    company_name = forms.CharField(
        label=_("Company name starts with"),
        required=False,
        max_length=Party._meta.get_field("company_name").max_length,
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
    "einvoice_address",
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
        formfield_callback=model_formfield,
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
    for name in (*BANK_FIELDS, "einvoice_address"):
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
            self.fields["sales_rep"].queryset = members(organisation)

    @classmethod
    def initial_from(cls, party: Party, role: str) -> dict:
        """The party's values of the fields the role may write (no other is decrypted)."""
        initial = {}
        for name in access.writable(role, cls.base_fields):
            field = party._meta.get_field(name)
            initial[name] = getattr(party, field.attname if field.is_relation else name)
        return initial


def _kind_fieldsets(first: tuple[str, tuple[str, ...]], other_kind: tuple[str, ...]):
    return with_the_rest(
        (
            first,
            (_("Roles"), ROLE_FIELDS),
            (_("Follow-up"), FOLLOW_UP_FIELDS),
            (_("Addresses"), ADDRESS_FIELDS),
            (_("Bank details"), BANK_FIELDS),
        ),
        Party,
        PARTY_FIELDS,
        left_out=set(other_kind) - set(first[1]),  # the other kind's own fields
    )


class CompanyForm(PartyForm):
    kind = PartyKind.COMPANY
    fieldsets = _kind_fieldsets((_("Company"), COMPANY_FIELDS), INDIVIDUAL_FIELDS)


class IndividualForm(PartyForm):
    kind = PartyKind.INDIVIDUAL
    fieldsets = _kind_fieldsets((_("Person"), INDIVIDUAL_FIELDS), COMPANY_FIELDS)


CompanyForm.base_fields = _party_fields(fieldset_names(CompanyForm.fieldsets))
IndividualForm.base_fields = _party_fields(fieldset_names(IndividualForm.fieldsets))


# Contact persons -------------------------------------------------------------
CONTACT_IDENTITY = ("civility", "given_names", "family_name", "birth_name", "usage_name")
CONTACT_WORK = ("job_title", "contact_status", "preferred_channel")
CONTACT_MEANS = ("email", "email_other", "phone", "mobile", "fax", "linkedin", "x_profile")


class ContactPersonForm(FieldsetsMixin, forms.Form):
    fieldsets = with_the_rest(
        (
            (_("Identity"), CONTACT_IDENTITY),
            (_("Role in the company"), CONTACT_WORK),
            (_("Contact details"), CONTACT_MEANS),
            (_("Notes"), ("notes",)),
        ),
        ContactPerson,
        CONTACT_PERSON_FIELDS,
    )

    @classmethod
    def initial_from(cls, person: ContactPerson) -> dict:
        return {name: getattr(person, name) for name in cls.base_fields}


ContactPersonForm.base_fields = forms.fields_for_model(
    ContactPerson,
    formfield_callback=model_formfield,
    fields=fieldset_names(ContactPersonForm.fieldsets),
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


__all__ = [
    "CompanyForm",
    "ContactPersonForm",
    "IndividualForm",
    "InteractionForm",
    "PartyFilterForm",
    "PartySearchForm",
]
